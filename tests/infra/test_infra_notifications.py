"""The imports bucket (R11): its S3 event notification to the sync queue, what S3 may do to
deliver it (queue policy, key policy), its lifecycle, and the grants confined to prefixes."""

from __future__ import annotations

from typing import Any

from kentei import catalog
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate, render
from kentei_infra.key_policies import NOTIFICATION_ACTIONS, notification_sid

IMPORTS = catalog.bucket(catalog.IMPORTS_BUCKET)


def _statements(template: SynthesizedTemplate, kind: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in template.of_type(kind).values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_the_imports_bucket_notifies_the_sync_queue_of_created_uploads_only(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    bucket = ids.bucket(IMPORTS.name)
    configuration = template.properties(bucket)["NotificationConfiguration"]
    (queue_configuration,) = configuration["QueueConfigurations"]
    assert set(configuration) == {"QueueConfigurations"}
    assert queue_configuration["Event"] == "s3:ObjectCreated:*"
    assert template.named(queue_configuration["Queue"]) == {ids.queue("sync")}
    rules = queue_configuration["Filter"]["S3Key"]["Rules"]
    assert rules == [{"Name": "prefix", "Value": catalog.IMPORTS_PREFIX}]
    # S3 checks the destination when the configuration is set: the queue's policy first.
    depends = template.resources[bucket].get("DependsOn", [])
    policies = set(template.of_type("AWS::SQS::QueuePolicy"))
    assert policies & set(depends)


def test_only_s3_for_the_imports_bucket_of_this_account_may_send_to_the_queue(
    template: SynthesizedTemplate,
) -> None:
    (statement,) = (
        s
        for s in _statements(template, "AWS::SQS::QueuePolicy")
        if s["Effect"] == "Allow" and s["Principal"] == {"Service": "s3.amazonaws.com"}
    )
    assert statement["Action"] == "sqs:SendMessage"
    source = render(statement["Condition"]["ArnEquals"]["aws:SourceArn"])
    assert source.startswith("arn:${AWS::Partition}:s3:::kentei-imports-")
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_the_queue_key_lets_s3_encrypt_the_bucket_events_and_nothing_else(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    key = ids.key(catalog.queue("sync").key)
    (statement,) = (s for s in template.key_policy(key) if s.sid == notification_sid("imports"))
    assert statement.principal == {"Service": "s3.amazonaws.com"}
    assert statement.actions == frozenset(NOTIFICATION_ACTIONS)
    source = render(statement.conditions["ArnEquals"]["aws:SourceArn"])
    assert source.startswith("arn:${AWS::Partition}:s3:::kentei-imports-")
    for other in catalog.KEYS:
        if other.name != catalog.queue("sync").key:
            sids = {s.sid for s in template.key_policy(ids.key(other.name))}
            assert notification_sid("imports") not in sids


def test_raw_result_files_and_reports_expire(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    (rule,) = template.properties(ids.bucket(IMPORTS.name))["LifecycleConfiguration"]["Rules"]
    assert IMPORTS.lifecycle is not None
    assert rule["ExpirationInDays"] == IMPORTS.lifecycle.current_days <= 30
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 1


def test_intake_may_only_put_uploads_and_read_reports_and_sync_reads_and_writes(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    bucket = ids.bucket(IMPORTS.name)
    by_role: dict[str, set[tuple[str, str]]] = {}
    for statement in template.statements():
        if statement.effect != "Allow":
            continue
        for resource in (
            statement.raw["Resource"]
            if isinstance(statement.raw["Resource"], list)
            else [statement.raw["Resource"]]
        ):
            if template.named(resource) == {bucket}:
                text = str(resource)
                for action in statement.actions:
                    by_role.setdefault(statement.role, set()).add((action, text))
    intake = by_role[ids.role("intake")]
    assert {action for action, _ in intake} == {"s3:PutObject", "s3:GetObject"}
    for action, resource in intake:
        expected = "/imports/*" if action == "s3:PutObject" else "/reports/*"
        assert expected in resource, (action, resource)
    sync = {action for action, _ in by_role[ids.role("sync")]}
    # The commit reads exactly the version that was checked.
    assert {"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"} <= sync
    # An upload holding a My Number is deleted, every version: uploads only, never reports.
    deletes = {r for a, r in by_role[ids.role("sync")] if a.startswith("s3:DeleteObject")}
    assert deletes
    assert all("/imports/*" in resource for resource in deletes), deletes
    assert set(by_role) == {ids.role("intake"), ids.role("sync")}
