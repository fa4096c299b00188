"""Data at rest under the catalog's customer-managed keys; data in transit over TLS only.

cdk-nag checks neither DynamoDB customer-managed keys nor every bucket's policy, so this reads
them from the template.
"""

from __future__ import annotations

from typing import Any

import pytest

from kentei import catalog
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate

KEYED_BUCKETS = [spec for spec in catalog.BUCKETS if spec.key is not None]
SSE_S3_BUCKETS = {catalog.ACCESS_LOGS_BUCKET, catalog.TRUSTSTORE_BUCKET}


def _denies_insecure_transport(statement: dict[str, Any]) -> bool:
    return bool(
        statement["Effect"] == "Deny"
        and statement["Principal"] == {"AWS": "*"}
        and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    )


def _policy_statements(
    template: SynthesizedTemplate, kind: str, key: str, target: str
) -> list[Any]:
    (policy,) = (
        resource
        for resource in template.of_type(kind).values()
        if target in template.named(resource["Properties"][key])
    )
    statements: list[Any] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


@pytest.mark.parametrize("spec", catalog.TABLES, ids=lambda spec: spec.name)
def test_every_table_is_encrypted_under_its_catalog_customer_managed_key(
    spec: catalog.TableSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    sse = template.properties(ids.table(spec.name))["SSESpecification"]
    assert sse["SSEEnabled"] is True
    assert sse["SSEType"] == "KMS"
    assert template.the_one_named(sse["KMSMasterKeyId"]) == ids.key(spec.key)


@pytest.mark.parametrize("spec", catalog.QUEUES, ids=lambda spec: spec.name)
def test_every_queue_and_dlq_is_sse_kms_and_tls_only(
    spec: catalog.QueueSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    for queue in (ids.queue(spec.name), ids.queue(spec.dlq_name)):
        key = template.properties(queue)["KmsMasterKeyId"]
        assert template.the_one_named(key) == ids.key(spec.key)
        statements = _policy_statements(template, "AWS::SQS::QueuePolicy", "Queues", queue)
        assert any(_denies_insecure_transport(statement) for statement in statements)


@pytest.mark.parametrize("spec", KEYED_BUCKETS, ids=lambda spec: spec.name)
def test_every_keyed_bucket_is_sse_kms_under_its_catalog_key_with_a_bucket_key(
    spec: catalog.BucketSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    (rule,) = template.properties(ids.bucket(spec.name))["BucketEncryption"][
        "ServerSideEncryptionConfiguration"
    ]
    default = rule["ServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    assert spec.key is not None
    assert template.the_one_named(default["KMSMasterKeyID"]) == ids.key(spec.key)
    assert rule["BucketKeyEnabled"] is True


def test_only_the_access_logs_and_the_truststore_are_sse_s3() -> None:
    """Log delivery cannot write SSE-KMS; the truststore holds public CA certificates that
    API Gateway reads with the deployer's permissions, which use no catalog key."""
    assert {spec.name for spec in catalog.BUCKETS if spec.key is None} == SSE_S3_BUCKETS


@pytest.mark.parametrize("name", sorted(SSE_S3_BUCKETS))
def test_the_unkeyed_buckets_are_sse_s3(
    name: str, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    (rule,) = template.properties(ids.bucket(name))["BucketEncryption"][
        "ServerSideEncryptionConfiguration"
    ]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


@pytest.mark.parametrize("spec", catalog.BUCKETS, ids=lambda spec: spec.name)
def test_every_bucket_is_private_versioned_owner_enforced_and_tls_only(
    spec: catalog.BucketSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    bucket = ids.bucket(spec.name)
    properties = template.properties(bucket)
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    statements = _policy_statements(template, "AWS::S3::BucketPolicy", "Bucket", bucket)
    insecure = [s for s in statements if _denies_insecure_transport(s)]
    assert len(insecure) == 1
    covered = [template.named(resource) for resource in insecure[0]["Resource"]]
    assert covered == [{bucket}, {bucket}], "the bucket and its objects (ARN/*)"
    assert template.resources[bucket]["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize(
    "spec",
    [spec for spec in catalog.BUCKETS if spec.name != catalog.ACCESS_LOGS_BUCKET],
    ids=lambda spec: spec.name,
)
def test_every_bucket_logs_access_to_the_access_log_bucket(
    spec: catalog.BucketSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    logging = template.properties(ids.bucket(spec.name))["LoggingConfiguration"]
    assert template.the_one_named(logging["DestinationBucketName"]) == ids.bucket(
        catalog.ACCESS_LOGS_BUCKET
    )
    assert logging["LogFilePrefix"] == f"{spec.name}/"


@pytest.mark.parametrize("spec", catalog.KEYS, ids=lambda spec: spec.name)
def test_every_key_has_its_catalog_spec_usage_rotation_and_alias(
    spec: catalog.KeySpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    key = ids.key(spec.name)
    properties = template.properties(key)
    assert properties["KeySpec"] == spec.key_spec
    assert properties["KeyUsage"] == spec.usage.value
    assert properties.get("EnableKeyRotation", False) is spec.rotation
    assert template.resources[key]["DeletionPolicy"] == "Retain"
    assert template.resources[key]["UpdateReplacePolicy"] == "Retain"


def test_symmetric_keys_rotate(ids: CatalogResources, template: SynthesizedTemplate) -> None:
    for spec in catalog.KEYS:
        if spec.key_spec == "SYMMETRIC_DEFAULT":
            assert template.properties(ids.key(spec.name))["EnableKeyRotation"] is True
