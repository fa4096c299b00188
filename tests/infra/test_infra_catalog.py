"""The template and the catalog agree: each declared resource exists as declared, and nothing
else does (no helper custom resources, no undeclared tables, queues, keys, buckets, functions).
"""

from __future__ import annotations

from collections import Counter

import pytest

from kentei import catalog
from kentei.callers import Role
from kentei_infra import routes
from kentei_infra.api import GATEWAY_PROBLEMS
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.runtime import PYTHON_RUNTIME
from kentei_infra.settings import physical_name

DAY_S = 24 * 60 * 60
RETAINED = ("AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::S3::Bucket", "AWS::Logs::LogGroup")


def test_the_template_holds_exactly_the_catalog_resources_and_their_wiring(
    template: SynthesizedTemplate,
) -> None:
    counts = Counter(resource["Type"] for resource in template.resources.values())
    functions, queues = len(catalog.FUNCTIONS), len(catalog.QUEUES)
    schedules = len(catalog.SCHEDULES)
    staff_routes, bridge_routes = len(routes.staff_routes()), len(routes.bridge_routes())
    public_routes = len(routes.public_routes())
    assert counts == {
        "AWS::KMS::Key": len(catalog.KEYS),
        "AWS::KMS::Alias": len(catalog.KEYS),
        "AWS::DynamoDB::Table": len(catalog.TABLES),
        "AWS::S3::Bucket": len(catalog.BUCKETS),
        "AWS::S3::BucketPolicy": len(catalog.BUCKETS),
        "AWS::SQS::Queue": 2 * queues,
        "AWS::SQS::QueuePolicy": 2 * queues,
        "AWS::Lambda::Function": functions,
        "AWS::Lambda::EventSourceMapping": queues + len(catalog.STREAMS),
        "AWS::Lambda::LayerVersion": 2,
        # One per API method, each scoped to its method's ARN; one per user pool trigger.
        "AWS::Lambda::Permission": staff_routes
        + bridge_routes
        + public_routes
        + sum(1 for spec in catalog.FUNCTIONS if spec.user_pool_trigger),
        # + API Gateway's account-level CloudWatch role, + each schedule's role
        "AWS::IAM::Role": functions + 1 + schedules,
        "AWS::IAM::Policy": functions + schedules,
        "AWS::Scheduler::Schedule": schedules,
        # + each API's access logs and WAF logs, and the staff sign-ins.
        "AWS::Logs::LogGroup": functions + 7,
        # The staff API, the bridge API (with its custom domain) and the public API.
        "AWS::ApiGateway::RestApi": 3,
        "AWS::ApiGateway::Account": 1,
        "AWS::ApiGateway::Deployment": 3,
        "AWS::ApiGateway::Stage": 3,
        "AWS::ApiGateway::Resource": _resources(routes.staff_routes())
        + _resources(routes.bridge_routes())
        + _resources(routes.public_routes()),
        "AWS::ApiGateway::Method": staff_routes + bridge_routes + public_routes,
        "AWS::ApiGateway::RequestValidator": 3,
        "AWS::ApiGateway::Authorizer": 1,
        # Each API answers what it refuses itself as a problem document.
        "AWS::ApiGateway::GatewayResponse": 3 * len(GATEWAY_PROBLEMS),
        "AWS::ApiGateway::DomainName": 1,
        "AWS::ApiGateway::BasePathMapping": 1,
        # Staff identities: the pool, its app client, a group per role.
        "AWS::Cognito::UserPool": 1,
        "AWS::Cognito::UserPoolClient": 1,
        "AWS::Cognito::UserPoolGroup": len(Role),
        "AWS::Cognito::LogDeliveryConfiguration": 1,
        # A web ACL per API; the staff one's allowlist in an IPv4 and an IPv6 set.
        "AWS::WAFv2::WebACL": 3,
        "AWS::WAFv2::WebACLAssociation": 3,
        "AWS::WAFv2::IPSet": 2,
        "AWS::WAFv2::LoggingConfiguration": 3,
    }


def _resources(api_routes: list[routes.Route]) -> int:
    """API Gateway resources the routes need: each distinct path and every prefix of one."""
    prefixes = set()
    for route in api_routes:
        parts = route.path.strip("/").split("/")
        prefixes |= {"/".join(parts[: n + 1]) for n in range(len(parts))}
    return len(prefixes)


@pytest.mark.parametrize("spec", catalog.TABLES, ids=lambda spec: spec.name)
def test_every_table_has_its_catalog_keys_ttl_and_protection(
    spec: catalog.TableSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    table = ids.table(spec.name)
    properties = template.properties(table)
    expected_schema = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
    if spec.sort_key is not None:
        expected_schema.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
    assert properties["KeySchema"] == expected_schema
    assert {a["AttributeType"] for a in properties["AttributeDefinitions"]} == {"S"}
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["TableClass"] == spec.table_class
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["DeletionProtectionEnabled"] is True
    if spec.ttl_attribute is None:
        assert "TimeToLiveSpecification" not in properties
    else:
        assert properties["TimeToLiveSpecification"] == {
            "AttributeName": spec.ttl_attribute,
            "Enabled": True,
        }
    assert template.resources[table]["DeletionPolicy"] == "Retain"
    assert template.resources[table]["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("spec", catalog.KEYS, ids=lambda spec: spec.name)
def test_every_key_has_its_catalog_alias(
    spec: catalog.KeySpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    ids.key(spec.name)  # found through the alias the catalog names


@pytest.mark.parametrize("spec", catalog.QUEUES, ids=lambda spec: spec.name)
def test_every_queue_redrives_to_its_dlq_and_outlasts_its_consumer(
    spec: catalog.QueueSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    queue = template.properties(ids.queue(spec.name))
    dlq = template.properties(ids.queue(spec.dlq_name))
    redrive = queue["RedrivePolicy"]
    assert template.the_one_named(redrive["deadLetterTargetArn"]) == ids.queue(spec.dlq_name)
    assert redrive["maxReceiveCount"] == spec.max_receive_count
    assert queue["MessageRetentionPeriod"] == spec.retention_days * DAY_S
    assert dlq["MessageRetentionPeriod"] == spec.dlq_retention_days * DAY_S
    assert queue["VisibilityTimeout"] == catalog.visibility_timeout_s(spec)
    consumer_timeout = catalog.function(spec.consumer).timeout_s
    assert queue["VisibilityTimeout"] >= catalog.VISIBILITY_TIMEOUT_FACTOR * consumer_timeout


@pytest.mark.parametrize("spec", catalog.QUEUES, ids=lambda spec: spec.name)
def test_every_queue_triggers_its_consumer_with_partial_batch_responses(
    spec: catalog.QueueSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    (mapping,) = (
        resource["Properties"]
        for resource in template.of_type("AWS::Lambda::EventSourceMapping").values()
        if template.named(resource["Properties"]["EventSourceArn"]) == {ids.queue(spec.name)}
    )
    assert template.the_one_named(mapping["FunctionName"]) == ids.function(spec.consumer)
    assert mapping["BatchSize"] == spec.batch_size
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    reserved = catalog.function(spec.consumer).reserved_concurrency
    if reserved is not None:
        assert mapping["ScalingConfig"]["MaximumConcurrency"] <= max(reserved, 2)


@pytest.mark.parametrize("spec", catalog.FUNCTIONS, ids=lambda spec: spec.name)
def test_every_function_runs_as_the_catalog_declares(
    spec: catalog.FunctionSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    function = template.properties(ids.function(spec.name))
    assert function["FunctionName"] == physical_name(spec.name)
    assert function["Handler"] == spec.handler
    assert function["MemorySize"] == spec.memory_mb
    assert function["Timeout"] == spec.timeout_s
    assert function.get("ReservedConcurrentExecutions") == spec.reserved_concurrency
    assert function["Architectures"] == ["arm64"]
    assert function["Runtime"] == PYTHON_RUNTIME.name
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert function["LoggingConfig"]["LogFormat"] == "JSON"
    assert function["LoggingConfig"]["ApplicationLogLevel"] == "INFO"
    layers = {template.the_one_named(layer) for layer in function["Layers"]}
    assert set(template.of_type("AWS::Lambda::LayerVersion")) == layers


@pytest.mark.parametrize("spec", catalog.FUNCTIONS, ids=lambda spec: spec.name)
def test_every_function_logs_to_its_own_log_group_with_retention(
    spec: catalog.FunctionSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    function = template.properties(ids.function(spec.name))
    log_group = template.properties(template.the_one_named(function["LoggingConfig"]["LogGroup"]))
    assert log_group["LogGroupName"] == f"/aws/lambda/{physical_name(spec.name)}"
    assert log_group["RetentionInDays"] > 0


def test_every_log_group_has_a_retention(template: SynthesizedTemplate) -> None:
    for log_group in template.of_type("AWS::Logs::LogGroup").values():
        assert log_group["Properties"]["RetentionInDays"] > 0


@pytest.mark.parametrize("spec", catalog.FUNCTIONS, ids=lambda spec: spec.name)
def test_every_function_is_told_where_its_granted_resources_are_and_nothing_else(
    spec: catalog.FunctionSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    variables = template.properties(ids.function(spec.name))["Environment"]["Variables"]
    assert variables["KENTEI_ENV"] == "aws"
    assert variables["POWERTOOLS_SERVICE_NAME"] == spec.name
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == catalog.PREFIX
    assert variables["POWERTOOLS_LOGGER_LOG_EVENT"] == "false"
    assert variables["POWERTOOLS_LOG_LEVEL"]
    expected: dict[str, str] = {}
    for grant in spec.grants:
        kind = grant.access.value.split(":", 1)[0]
        if kind == "table":
            expected[catalog.table(grant.resource).env_var] = ids.table(grant.resource)
        elif kind == "key":
            expected[catalog.key(grant.resource).env_var] = ids.key(grant.resource)
        elif kind == "queue":
            expected[catalog.queue(grant.resource).env_var] = ids.queue(grant.resource)
        elif kind == "user-pool":
            expected[catalog.user_pool(grant.resource).env_var] = ids.user_pool(grant.resource)
        elif (env_var := catalog.bucket(grant.resource).env_var) is not None:
            expected[env_var] = ids.bucket(grant.resource)
    catalog_variables = {
        *(t.env_var for t in catalog.TABLES),
        *(k.env_var for k in catalog.KEYS),
        *(q.env_var for q in catalog.QUEUES),
        *(b.env_var for b in catalog.BUCKETS if b.env_var),
        *(p.env_var for p in catalog.USER_POOLS),
    }
    named = {
        name: template.the_one_named(value)
        for name, value in variables.items()
        if name in catalog_variables
    }
    assert named == expected


@pytest.mark.parametrize("resource_type", RETAINED)
def test_stateful_resources_are_retained(resource_type: str, template: SynthesizedTemplate) -> None:
    for resource in template.of_type(resource_type).values():
        assert resource["DeletionPolicy"] == "Retain"


def test_layers_are_built_for_the_functions_runtime_and_architecture(
    template: SynthesizedTemplate,
) -> None:
    for layer in template.of_type("AWS::Lambda::LayerVersion").values():
        assert layer["Properties"]["CompatibleRuntimes"] == [PYTHON_RUNTIME.name]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_the_api_function_knows_each_prefectures_terminal_networks(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    """The web ACL admits every prefecture's offices together; the function gets them per
    prefecture (kentei.staff_networks), from the same context value."""
    from tests.infra.deployment import DEPLOYMENT_CONTEXT

    from kentei.staff_networks import STAFF_NETWORKS_ENV, parse
    from kentei_infra.deploy_context import STAFF_ALLOWED_CIDRS

    (api,) = (spec for spec in catalog.FUNCTIONS if spec.api)
    variables = template.properties(ids.function(api.name))["Environment"]["Variables"]
    networks = parse(variables[STAFF_NETWORKS_ENV])
    expected = DEPLOYMENT_CONTEXT[STAFF_ALLOWED_CIDRS]
    assert {p: [str(n) for n in cidrs] for p, cidrs in networks.items()} == expected
    for spec in catalog.FUNCTIONS:
        if not spec.api:
            other = template.properties(ids.function(spec.name))["Environment"]["Variables"]
            assert STAFF_NETWORKS_ENV not in other
