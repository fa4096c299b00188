"""The alarms, their topic and the dashboard (the stack ``kentei-operations``), read back from
the synthesized templates.

What each alarm watches is found from the main template (the queues', functions' and APIs'
deployed names as that template gives them), not from the code that wrote the alarms: a
queue, function, stream mapping or API added to the catalog without its alarms fails here, and
so does an alarm ``docs/runbook.md`` does not name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pytest
from aws_cdk import App, Environment

from kentei import catalog
from kentei_infra import alarms, dashboard, deploy_context, settings
from kentei_infra.deploy_context import AlarmSubscription, ContextError
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.stack import OperationsStack
from sync.national_handler import MAX_BACKOFF_S

RUNBOOK: Final = settings.REPO_ROOT / "docs" / "runbook.md"
MAX_RESOURCES: Final = 500
"""CloudFormation's limit of resources per stack."""
ALARM: Final = "AWS::CloudWatch::Alarm"


@pytest.fixture(scope="module")
def operations(assembly_dir: Path) -> SynthesizedTemplate:
    return SynthesizedTemplate.load(assembly_dir / f"{settings.OPERATIONS_STACK_ID}.template.json")


def _alarms(operations: SynthesizedTemplate) -> list[Mapping[str, Any]]:
    return [resource["Properties"] for resource in operations.of_type(ALARM).values()]


def _dimensions(alarm: Mapping[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}


def _watching(
    operations: SynthesizedTemplate, namespace: str, metric: str, **dimensions: str
) -> list[Mapping[str, Any]]:
    """The single-metric alarms on ``metric`` whose dimensions include ``dimensions``."""
    return [
        alarm
        for alarm in _alarms(operations)
        if alarm.get("Namespace") == namespace
        and alarm.get("MetricName") == metric
        and dimensions.items() <= _dimensions(alarm).items()
    ]


def _the_one(found: list[Mapping[str, Any]], what: str) -> Mapping[str, Any]:
    assert len(found) == 1, f"{len(found)} alarms on {what}"
    (alarm,) = found
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold", what
    return alarm


def _queue_name(template: SynthesizedTemplate, ids: CatalogResources, name: str) -> str:
    queue_name: str = template.properties(ids.queue(name))["QueueName"]
    return queue_name


@pytest.mark.parametrize("spec", catalog.QUEUES, ids=lambda spec: spec.name)
def test_every_dlq_has_a_depth_alarm_on_any_message(
    spec: catalog.QueueSpec,
    template: SynthesizedTemplate,
    ids: CatalogResources,
    operations: SynthesizedTemplate,
) -> None:
    name = _queue_name(template, ids, spec.dlq_name)
    alarm = _the_one(
        _watching(operations, "AWS/SQS", "ApproximateNumberOfMessagesVisible", QueueName=name),
        name,
    )
    assert alarm["Threshold"] == 0
    assert alarm["Statistic"] == "Maximum"
    # An idle DLQ may stop reporting: the alarm keeps its state rather than clearing.
    assert alarm["TreatMissingData"] == "ignore"


@pytest.mark.parametrize("spec", catalog.QUEUES, ids=lambda spec: spec.name)
def test_every_queue_has_an_oldest_message_alarm_past_a_healthy_retry(
    spec: catalog.QueueSpec,
    template: SynthesizedTemplate,
    ids: CatalogResources,
    operations: SynthesizedTemplate,
) -> None:
    """The threshold follows the queue's own retry: past its visibility timeout (and the
    national side's longest Retry-After) plus a run of its consumer, as deployed."""
    name = _queue_name(template, ids, spec.name)
    alarm = _the_one(
        _watching(operations, "AWS/SQS", "ApproximateAgeOfOldestMessage", QueueName=name), name
    )
    visibility = template.properties(ids.queue(spec.name))["VisibilityTimeout"]
    consumer_timeout = template.properties(ids.function(spec.consumer))["Timeout"]
    hold = max(visibility, MAX_BACKOFF_S) if spec.fifo else visibility
    assert alarm["Threshold"] == hold + consumer_timeout
    assert alarm["Threshold"] == alarms.oldest_message_threshold_s(spec)


def test_queue_age_thresholds_differ_with_their_consumers() -> None:
    """Not one number for every queue: each follows its consumer."""
    thresholds = {spec.name: alarms.oldest_message_threshold_s(spec) for spec in catalog.QUEUES}
    assert thresholds["verify"] < thresholds["certify"] < thresholds[catalog.NATIONAL_QUEUE]


def test_every_function_has_an_errors_and_a_throttles_alarm(
    template: SynthesizedTemplate, operations: SynthesizedTemplate
) -> None:
    functions = template.of_type("AWS::Lambda::Function")
    assert len(functions) == len(catalog.FUNCTIONS)
    for function in functions.values():
        name = function["Properties"]["FunctionName"]
        for metric in ("Errors", "Throttles"):
            alarm = _the_one(
                _watching(operations, "AWS/Lambda", metric, FunctionName=name), f"{name} {metric}"
            )
            assert (alarm["Statistic"], alarm["Threshold"]) == ("Sum", 0)


def test_every_stream_mapping_has_an_iterator_age_alarm(
    template: SynthesizedTemplate, operations: SynthesizedTemplate
) -> None:
    streams = [
        mapping["Properties"]
        for mapping in template.of_type("AWS::Lambda::EventSourceMapping").values()
        if "StartingPosition" in mapping["Properties"]
    ]
    assert len(streams) == len(catalog.STREAMS) >= 1
    for mapping in streams:
        (function_id,) = template.named(mapping["FunctionName"])
        name = template.properties(function_id)["FunctionName"]
        alarm = _the_one(
            _watching(operations, "AWS/Lambda", "IteratorAge", FunctionName=name), name
        )
        timeout = template.properties(function_id)["Timeout"]
        retries = mapping["MaximumRetryAttempts"]
        assert alarm["Threshold"] == (retries + 1) * timeout * 1000


def _api_function_timeout(template: SynthesizedTemplate, api_id: str) -> int:
    """The timeout of the one function every method of REST API ``api_id`` integrates."""
    functions = template.of_type("AWS::Lambda::Function")
    (function_id,) = {
        function_id
        for method in template.of_type("AWS::ApiGateway::Method").values()
        if template.named(method["Properties"]["RestApiId"]) == {api_id}
        for function_id in template.named(method["Properties"]["Integration"]) & set(functions)
    }
    timeout: int = template.properties(function_id)["Timeout"]
    return timeout


def test_every_api_has_a_5xx_rate_and_a_p99_latency_alarm(
    template: SynthesizedTemplate, operations: SynthesizedTemplate
) -> None:
    apis = template.of_type("AWS::ApiGateway::RestApi")
    stages = {
        stage["Properties"]["StageName"]
        for stage in template.of_type("AWS::ApiGateway::Stage").values()
    }
    assert len(apis) == 3
    assert stages == {settings.API_STAGE}
    for api_id, api in apis.items():
        name = api["Properties"]["Name"]
        errors = _the_one(
            _watching(operations, "AWS/ApiGateway", "5XXError", ApiName=name, Stage="prod"), name
        )
        assert errors["Statistic"] == "Average"  # the share of requests
        assert 0 < errors["Threshold"] <= 0.05
        latency = _the_one(
            _watching(operations, "AWS/ApiGateway", "Latency", ApiName=name, Stage="prod"), name
        )
        assert latency["ExtendedStatistic"] == "p99"
        # A quarter of the timeout of the function behind it: well before a 504.
        timeout_ms = _api_function_timeout(template, api_id) * 1000
        assert latency["Threshold"] == timeout_ms // alarms.LATENCY_SHARE_OF_TIMEOUT


def test_kms_request_rate_alarms_cover_every_quota_the_catalog_keys_draw_on(
    operations: SynthesizedTemplate,
) -> None:
    watched: dict[str, Mapping[str, Any]] = {}
    for alarm in _alarms(operations):
        for query in alarm.get("Metrics", []):
            metric = query.get("MetricStat", {}).get("Metric", {})
            if metric.get("Namespace") == "AWS/Usage":
                dims = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
                assert (metric["MetricName"], dims["Service"], dims["Type"]) == (
                    "CallCount",
                    "KMS",
                    "API",
                )
                watched[dims["Resource"]] = alarm
    specs = {spec.key_spec for spec in catalog.KEYS}
    expected = {"CryptographicOperationsSymmetric"}
    if any(spec.startswith("ECC_") for spec in specs):
        expected.add("CryptographicOperationsEcc")
    if any(spec.startswith("RSA_") for spec in specs):
        expected.add("CryptographicOperationsRsa")
    assert set(watched) == expected
    for alarm in watched.values():
        (expression,) = (q["Expression"] for q in alarm["Metrics"] if "Expression" in q)
        assert "SERVICE_QUOTA(" in expression
        assert 0 < alarm["Threshold"] < 100


def test_every_alarm_tells_the_one_encrypted_topic_on_alarm_and_on_ok(
    operations: SynthesizedTemplate,
) -> None:
    (topic_id,) = operations.of_type("AWS::SNS::Topic")
    for alarm in _alarms(operations):
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], alarm["AlarmName"]
        assert alarm["OKActions"] == [{"Ref": topic_id}], alarm["AlarmName"]
        assert alarm["AlarmName"].startswith(f"{catalog.PREFIX}-")
    topic = operations.properties(topic_id)
    (key_id,) = operations.of_type("AWS::KMS::Key")
    assert operations.the_one_named(topic["KmsMasterKeyId"]) == key_id
    assert operations.properties(key_id)["EnableKeyRotation"] is True
    assert operations.resources[key_id]["DeletionPolicy"] == "Retain"


def test_only_this_accounts_kentei_alarms_may_publish_and_use_the_topics_key(
    operations: SynthesizedTemplate,
) -> None:
    (policy,) = operations.of_type("AWS::SNS::TopicPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )
    (key_id,) = operations.of_type("AWS::KMS::Key")
    key_statements = operations.properties(key_id)["KeyPolicy"]["Statement"]
    for statement in [*statements, *key_statements]:
        if statement["Effect"] != "Allow" or "Service" not in statement["Principal"]:
            continue
        assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
        condition = statement["Condition"]
        assert set(condition["StringEquals"]) == {"aws:SourceAccount"}
        source = json.dumps(condition["ArnLike"]["aws:SourceArn"])
        assert ":alarm:kentei-*" in source
    uses = [s for s in key_statements if "Service" in s["Principal"]]
    assert [sorted(s["Action"]) for s in uses] == [["kms:Decrypt", "kms:GenerateDataKey*"]]
    # The administrators administer, never use (as on the catalog's keys).
    admin = next(s for s in key_statements if "Service" not in s["Principal"])
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"} & set(admin["Action"])


def test_every_alarm_has_a_runbook_entry_and_every_entry_an_alarm(
    operations: SynthesizedTemplate,
) -> None:
    names = {alarm["AlarmName"] for alarm in _alarms(operations)}
    headings = set(re.findall(r"^### `([a-z0-9-]+)`$", RUNBOOK.read_text(), flags=re.MULTILINE))
    assert names - headings == set(), "alarms without a runbook entry"
    assert headings - names == set(), "runbook entries without an alarm"
    for alarm in _alarms(operations):
        assert f"docs/runbook.md#{alarm['AlarmName']}" in alarm["AlarmDescription"]


def test_the_alarm_names_are_the_documented_stable_ones(operations: SynthesizedTemplate) -> None:
    expected = {
        *(alarms.dlq_depth_name(q) for q in catalog.QUEUES),
        *(alarms.oldest_message_name(q) for q in catalog.QUEUES),
        *(alarms.function_errors_name(f.name) for f in catalog.FUNCTIONS),
        *(alarms.function_throttles_name(f.name) for f in catalog.FUNCTIONS),
        *(alarms.iterator_age_name(s) for s in catalog.STREAMS),
        *(alarms.api_5xx_name(a) for a in ("staff-api", "bridge-api", "public-api")),
        *(alarms.api_latency_name(a) for a in ("staff-api", "bridge-api", "public-api")),
        *(alarms.kms_requests_name(q) for q in ("symmetric", "ecc")),
    }
    names = [alarm["AlarmName"] for alarm in _alarms(operations)]
    assert len(names) == len(set(names))
    assert set(names) == expected
    assert "kentei-verify-dlq-depth" in names  # the pattern, spelled out once


def test_the_dashboard_shows_every_alarm_and_every_catalog_resource(
    operations: SynthesizedTemplate,
) -> None:
    (board,) = operations.of_type("AWS::CloudWatch::Dashboard").values()
    body = board["Properties"]["DashboardBody"]
    assert operations.named(body) >= set(operations.of_type(ALARM))
    text = json.dumps(body)
    sections = dashboard.SECTIONS
    assert {q for s in sections for q in s.queues} == {q.name for q in catalog.QUEUES}
    assert {f for s in sections for f in s.functions} == {f.name for f in catalog.FUNCTIONS}
    assert {t for s in sections for t in s.streams} == {s.table for s in catalog.STREAMS}
    assert {a for s in sections for a in s.apis} == {a.name for a in alarms.alarmed_apis()}
    for spec in catalog.QUEUES:
        for name in (spec.name, spec.dlq_name):
            assert json.dumps(alarms.queue_name(name))[1:-1] in text
    for function in catalog.FUNCTIONS:
        assert settings.physical_name(function.name) in text
    titles = [section.title for section in sections]
    lifecycle = ["Intake", "Verify", "Review", "Sittings and results"]
    assert titles[: len(lifecycle)] == lifecycle
    assert titles.index("Certificates and notices") < titles.index("National sync")


_PUBLISHED: Final = (
    re.compile(r"""instruments\.count\(\s*"([A-Za-z]+)\""""),
    re.compile(r"""add_metric\(\s*name="([A-Za-z]+)\""""),
    # certify's reports: {"CertificatesIssued": ..., ...} counted per step
    re.compile(r"""[{,]\s*"([A-Z][A-Za-z]+)":\s"""),
)
_DERIVED: Final = {
    # intake.signed_requests.SignedKind.metric and verify's _report_signed, per record type
    "ChangeRequestsReceived",
    "InitialRegistrationsReceived",
    "ChangeRequestsVerified",
    "InitialRegistrationsVerified",
}


def _published_metrics() -> set[str]:
    found: set[str] = set()
    sources = [
        *settings.FUNCTIONS_DIR.glob("*/*.py"),
        *settings.FUNCTIONS_DIR.glob("*/*/*.py"),
        *settings.SHARED_PACKAGE_DIR.glob("*.py"),
    ]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        found |= set(_PUBLISHED[0].findall(text)) | set(_PUBLISHED[1].findall(text))
        if path == settings.FUNCTIONS_DIR / "certify" / "handler.py":
            found |= set(_PUBLISHED[2].findall(text))
    return found


def test_every_metric_the_functions_publish_is_on_the_dashboard() -> None:
    published = _published_metrics()
    assert {"ApplicationsReceived", "MessagesFailed", "CertificatesIssued"} <= published
    shown = {name for section in dashboard.SECTIONS for name in section.counts}
    # Every consumer's graph shows its message counts (processed, failed, deferred) by service.
    shown |= set(dashboard.CONSUMER_COUNTS)
    assert published - shown == set()
    assert shown >= _DERIVED


def test_the_operations_stack_follows_the_main_one_and_imports_nothing(
    manifest: dict[str, Any], operations: SynthesizedTemplate
) -> None:
    artifact = manifest["artifacts"][settings.OPERATIONS_STACK_ID]
    assert settings.STACK_ID in artifact["dependencies"]
    assert "Fn::ImportValue" not in json.dumps(operations.template)


def test_every_stack_stays_below_cloudformations_resource_limit(
    template: SynthesizedTemplate, operations: SynthesizedTemplate
) -> None:
    assert len(template.resources) < MAX_RESOURCES
    assert len(operations.resources) < MAX_RESOURCES


def _operations_template(tmp_path: Path, context: Mapping[str, Any]) -> SynthesizedTemplate:
    app = App(outdir=str(tmp_path), context=dict(context))
    OperationsStack(app, "Ops", env=Environment(region=catalog.REGION))
    app.synth()
    return SynthesizedTemplate.load(tmp_path / "Ops.template.json")


def test_the_operators_subscriptions_subscribe_to_the_topic(tmp_path: Path) -> None:
    given = [
        {"protocol": "email", "endpoint": "kentei-ops@example.jp"},
        {"protocol": "https", "endpoint": "https://events.example.jp/integrations/kentei"},
    ]
    template = _operations_template(
        tmp_path, {deploy_context.ALARM_SUBSCRIPTIONS: json.dumps(given)}
    )
    (topic_id,) = template.of_type("AWS::SNS::Topic")
    found = [
        {"protocol": s["Properties"]["Protocol"], "endpoint": s["Properties"]["Endpoint"]}
        for s in template.of_type("AWS::SNS::Subscription").values()
        if template.the_one_named(s["Properties"]["TopicArn"]) == topic_id
    ]
    assert sorted(found, key=str) == sorted(given, key=str)


def test_without_subscriptions_the_topic_has_none() -> None:
    assert deploy_context.alarm_subscriptions(None) == []


def test_a_subscription_is_trimmed() -> None:
    given = [{"protocol": "email", "endpoint": " ops@example.jp "}]
    assert deploy_context.alarm_subscriptions(given) == [
        AlarmSubscription("email", "ops@example.jp")
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([{"protocol": "http", "endpoint": "http://example.jp/"}], "not email or https"),
        ([{"protocol": "sms", "endpoint": "+81300000000"}], "not email or https"),
        ([{"protocol": "email", "endpoint": "ops"}], "not an e-mail address"),
        ([{"protocol": "https", "endpoint": "example.jp"}], "not an https:// URL"),
        ([{"protocol": "email"}], "exactly the fields"),
        ([{"protocol": "email", "endpoint": "a@b.jp", "x": 1}], "exactly the fields"),
        ([{"protocol": "email", "endpoint": 1}], "a string"),
        (
            [
                {"protocol": "email", "endpoint": "a@b.jp"},
                {"protocol": "email", "endpoint": "a@b.jp"},
            ],
            "already listed",
        ),
        ({"protocol": "email", "endpoint": "a@b.jp"}, "a list"),
        ("[not json", "not valid JSON"),
    ],
)
def test_a_wrong_subscription_fails_synth_naming_the_key(value: object, message: str) -> None:
    with pytest.raises(ContextError, match=message) as failure:
        deploy_context.alarm_subscriptions(value)
    assert deploy_context.ALARM_SUBSCRIPTIONS in str(failure.value)
    # The message never repeats the address given.
    assert "a@b.jp" not in str(failure.value)
