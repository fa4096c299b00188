"""Least privilege, read from the template: the privacy invariants hold in IAM.

Only verify may decrypt with the vault key, call GenerateMac on the blind-index key, or touch
the vault table; intake may only encrypt for verify (encrypt-only on the vault key, PutObject
on the inbox). A statement names a resource through Ref/GetAtt; a wildcard resource counts as
naming every resource of its actions' service.
"""

from __future__ import annotations

import pytest

from kentei import catalog
from kentei.catalog import Access
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.permissions import BUCKET_ACCESS, KEY_ACTIONS, TABLE_ACCESS, USER_POOL_ACTIONS

FUNCTIONS = [spec.name for spec in catalog.FUNCTIONS]
OTHERS_THAN_VERIFY = [name for name in FUNCTIONS if name != "verify"]


def test_only_verify_may_decrypt_with_the_vault_key_and_intake_may_only_encrypt(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    vault_key = ids.key("vault")
    assert "kms:Decrypt" in template.actions_on(ids.role("verify"), vault_key)
    intake = template.actions_on(ids.role("intake"), vault_key)
    assert intake, "intake encrypts raw submissions for verify"
    assert intake <= {"kms:Encrypt", "kms:GenerateDataKey"}
    for name in OTHERS_THAN_VERIFY:
        if name != "intake":
            assert template.actions_on(ids.role(name), vault_key) == set(), name


def test_only_verify_may_generate_a_mac_with_the_blind_index_key(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    hmac_key = ids.key("blind-index")
    assert template.actions_on(ids.role("verify"), hmac_key) == {"kms:GenerateMac"}
    for name in OTHERS_THAN_VERIFY:
        assert template.actions_on(ids.role(name), hmac_key) == set(), name


def test_only_verify_may_act_on_the_vault_table(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    vault = ids.table("vault")
    assert "dynamodb:GetItem" in template.actions_on(ids.role("verify"), vault)
    for name in OTHERS_THAN_VERIFY:
        assert template.actions_on(ids.role(name), vault) == set(), name


def test_intake_may_only_put_objects_into_the_inbox(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    inbox = ids.bucket("inbox")
    assert template.actions_on(ids.role("intake"), inbox) == {"s3:PutObject"}
    # verify reads a raw submission, then deletes every version of it once verification has
    # ended (listing the versions of the application's prefix to know their ids); ListBucket
    # makes a missing object a 404 (submission.missing), not a 403 retried into the DLQ.
    assert template.actions_on(ids.role("verify"), inbox) == {
        "s3:GetObject",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:ListBucket",
        "s3:ListBucketVersions",
    }
    for name in ("sync", "certify"):
        assert template.actions_on(ids.role(name), inbox) == set(), name


def test_no_role_is_allowed_a_wildcard_action(template: SynthesizedTemplate) -> None:
    statements = template.statements()
    assert statements
    for statement in statements:
        assert "NotAction" not in statement.raw
        assert "NotResource" not in statement.raw
        for action in statement.actions:
            assert "*" not in action, (statement.role, action)


def test_only_x_ray_is_allowed_on_every_resource(template: SynthesizedTemplate) -> None:
    for statement in template.statements():
        if statement.literals:
            assert statement.literals == {"*"}
            assert statement.actions == {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def test_function_roles_have_no_managed_policy_and_only_the_api_logging_role_has_one(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    function_roles = {ids.role(name) for name in FUNCTIONS}
    function_roles |= {ids.schedule_role(spec.name) for spec in catalog.SCHEDULES}
    for logical_id, role in template.of_type("AWS::IAM::Role").items():
        managed = role["Properties"].get("ManagedPolicyArns", [])
        if logical_id in function_roles:
            assert managed == [], logical_id
        else:
            assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
                "Service": "apigateway.amazonaws.com"
            }
            assert "AmazonAPIGatewayPushToCloudWatchLogs" in str(managed)
            assert len(managed) == 1


@pytest.mark.parametrize("spec", catalog.FUNCTIONS, ids=lambda spec: spec.name)
def test_each_role_reaches_exactly_its_catalog_resources(
    spec: catalog.FunctionSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    """Given the catalog grants, when the role's statements are read, then they name nothing
    else: the granted resources and their keys, its own log group, the queue it consumes."""
    role = ids.role(spec.name)
    expected: set[str] = set()
    for grant in spec.grants:
        kind = grant.access.value.split(":", 1)[0]
        if kind == "table":
            expected |= {ids.table(grant.resource), ids.key(catalog.table(grant.resource).key)}
        elif kind == "key":
            expected.add(ids.key(grant.resource))
        elif kind == "user-pool":
            expected.add(ids.user_pool(grant.resource))
        elif kind == "bucket":
            expected.add(ids.bucket(grant.resource))
            bucket_key = catalog.bucket(grant.resource).key
            if bucket_key is not None:
                expected.add(ids.key(bucket_key))
        else:
            queue = catalog.queue(grant.resource)
            target = queue.dlq_name if grant.access is Access.QUEUE_SEND_DLQ else queue.name
            expected |= {ids.queue(target), ids.key(queue.key)}
    for consumed in catalog.queues_for(spec.name):
        expected |= {ids.queue(consumed.name), ids.key(consumed.key)}
    function = template.properties(ids.function(spec.name))
    expected.add(template.the_one_named(function["LoggingConfig"]["LogGroup"]))
    named = set().union(*(s.named for s in template.statements() if s.role == role))
    assert named == expected


@pytest.mark.parametrize("spec", catalog.FUNCTIONS, ids=lambda spec: spec.name)
def test_key_use_on_a_resource_grant_is_limited_to_that_service(
    spec: catalog.FunctionSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    """A key a function was not granted directly is only usable through DynamoDB, S3 or SQS
    (or by the consumed queue's event source mapping, which only decrypts)."""
    role = ids.role(spec.name)
    direct = {ids.key(g.resource) for g in spec.grants if g.access.value.startswith("key:")}
    consumed = {ids.key(queue.key) for queue in catalog.queues_for(spec.name)}
    for statement in template.statements():
        if statement.role != role:
            continue
        keys = {k for k in statement.named if k in template.of_type("AWS::KMS::Key")}
        indirect = keys - direct
        if not indirect:
            continue
        via = statement.conditions.get("StringEquals", {}).get("kms:ViaService", "")
        if via:
            service = via.split(".", 1)[0]
            assert service in {"dynamodb", "s3", "sqs"}
            assert via == f"{service}.{catalog.REGION}.amazonaws.com"
        else:
            assert consumed
            assert indirect <= consumed
            assert statement.actions == {"kms:Decrypt"}


def test_key_policies_delegate_to_iam_in_this_account_only(
    template: SynthesizedTemplate,
) -> None:
    for key in template.of_type("AWS::KMS::Key").values():
        for statement in key["Properties"]["KeyPolicy"]["Statement"]:
            principal = str(statement["Principal"])
            if statement["Sid"].startswith("S3NotificationsOf"):
                # S3 encrypting a bucket's own events for a queue (test_infra_notifications).
                assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
                assert "aws:SourceAccount" in statement["Condition"]["StringEquals"]
                continue
            assert ":root" in principal, statement
            assert "AWS::AccountId" in principal, statement


def test_resource_policies_of_buckets_and_queues_only_deny_or_admit_log_delivery(
    template: SynthesizedTemplate,
) -> None:
    for kind in ("AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy"):
        for policy in template.of_type(kind).values():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                if statement["Effect"] != "Allow":
                    continue
                if statement["Principal"] == {"Service": "s3.amazonaws.com"}:
                    # A bucket's event notifications (test_infra_notifications).
                    assert statement["Action"] == "sqs:SendMessage"
                    assert set(statement["Condition"]) == {"ArnEquals", "StringEquals"}
                    continue
                assert statement["Principal"] == {"Service": "logging.s3.amazonaws.com"}
                assert statement["Action"] == "s3:PutObject"


def test_catalog_access_kinds_are_all_mapped() -> None:
    """Every access kind the catalog can declare has a mapping (a new one fails here first)."""
    assert set(Access) == (
        set(KEY_ACTIONS)
        | TABLE_ACCESS
        | BUCKET_ACCESS
        | {Access.QUEUE_SEND, Access.QUEUE_SEND_DLQ}
        | set(USER_POOL_ACTIONS)
    )
