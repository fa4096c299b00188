"""Given the local runtime started, then moto holds exactly the catalog's resources, as declared."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.integration.stubs import StubConsumer

from kentei import catalog
from kentei_local.resources import physical_name
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings

VISIBILITY_TIMEOUT_S = 3
DAY_S = 24 * 60 * 60


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    handlers = {queue.consumer: StubConsumer() for queue in catalog.QUEUES}
    with LocalRuntime(
        LocalSettings(port=0, visibility_timeout_s=VISIBILITY_TIMEOUT_S),
        handlers=handlers,
        serve_http=False,
        pumps=False,
    ) as started:
        yield started


def test_keys_have_the_catalog_spec_usage_alias_and_rotation(runtime: LocalRuntime) -> None:
    kms = runtime.kms()
    customer_keys = [
        kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"]
    ]
    customer_keys = [k for k in customer_keys if k["KeyManager"] == "CUSTOMER"]
    assert len(customer_keys) == len(catalog.KEYS)
    aliases = {
        a["AliasName"]: a.get("TargetKeyId")
        for a in kms.list_aliases()["Aliases"]
        if a["AliasName"].startswith(f"alias/{catalog.PREFIX}-")
    }
    assert set(aliases) == {spec.alias for spec in catalog.KEYS}
    for spec in catalog.KEYS:
        metadata = kms.describe_key(KeyId=spec.alias)["KeyMetadata"]
        assert metadata["Arn"] == runtime.resources.key_arns[spec.name]
        assert metadata["KeyId"] == aliases[spec.alias]
        assert metadata["KeySpec"] == spec.key_spec
        assert metadata["KeyUsage"] == spec.usage.value
        assert metadata["Arn"].startswith(f"arn:aws:kms:{catalog.REGION}:")
        rotation = kms.get_key_rotation_status(KeyId=metadata["KeyId"])["KeyRotationEnabled"]
        assert rotation is spec.rotation


def test_tables_have_the_catalog_keys_encryption_and_ttl(runtime: LocalRuntime) -> None:
    dynamodb = runtime.dynamodb()
    assert sorted(dynamodb.list_tables()["TableNames"]) == sorted(
        physical_name(spec.name) for spec in catalog.TABLES
    )
    for spec in catalog.TABLES:
        name = runtime.resources.tables[spec.name]
        table = dynamodb.describe_table(TableName=name)["Table"]
        expected_schema = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
        if spec.sort_key is not None:
            expected_schema.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
        assert table["KeySchema"] == expected_schema
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert table["SSEDescription"]["SSEType"] == "KMS"
        assert table["SSEDescription"]["KMSMasterKeyArn"] == runtime.resources.key_arns[spec.key]
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if spec.ttl_attribute is None:
            assert ttl["TimeToLiveStatus"] == "DISABLED"
        else:
            assert ttl["TimeToLiveStatus"] == "ENABLED"
            assert ttl["AttributeName"] == spec.ttl_attribute


def test_buckets_have_the_catalog_encryption_and_versioning(runtime: LocalRuntime) -> None:
    s3 = runtime.s3()
    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == sorted(
        physical_name(spec.name) for spec in catalog.BUCKETS
    )
    for spec in catalog.BUCKETS:
        name = runtime.resources.buckets[spec.name]
        assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == catalog.REGION
        rule = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][
            0
        ]
        default = rule["ApplyServerSideEncryptionByDefault"]
        if spec.key is None:
            assert default["SSEAlgorithm"] == "AES256"
        else:
            assert default["SSEAlgorithm"] == "aws:kms"
            assert default["KMSMasterKeyID"] == runtime.resources.key_arns[spec.key]
        assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        assert all(block.values())


def test_buckets_with_a_catalog_lifecycle_have_it_locally_too(runtime: LocalRuntime) -> None:
    s3 = runtime.s3()
    bounded = [spec for spec in catalog.BUCKETS if spec.lifecycle is not None]
    assert [spec.name for spec in bounded] == ["access-logs", "inbox", "imports", "disclosures"]
    for spec in bounded:
        assert spec.lifecycle is not None
        name = runtime.resources.buckets[spec.name]
        (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
        assert rule["Status"] == "Enabled"
        assert rule["Expiration"]["Days"] == spec.lifecycle.current_days
        assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == (
            spec.lifecycle.noncurrent_days
        )


def test_buckets_notify_their_catalog_queue_locally_too(runtime: LocalRuntime) -> None:
    s3 = runtime.s3()
    notifying = [spec for spec in catalog.BUCKETS if spec.notify_queue is not None]
    assert [spec.name for spec in notifying] == ["imports"]
    for spec in notifying:
        assert spec.notify_queue is not None
        name = runtime.resources.buckets[spec.name]
        (configuration,) = s3.get_bucket_notification_configuration(Bucket=name)[
            "QueueConfigurations"
        ]
        assert configuration["QueueArn"] == runtime.resources.queues[spec.notify_queue].arn
        assert configuration["Events"] == ["s3:ObjectCreated:*"]
        (rule,) = configuration["Filter"]["Key"]["FilterRules"]
        assert (rule["Name"].lower(), rule["Value"]) == ("prefix", spec.notify_prefix)


def test_queues_have_their_dlq_redrive_policy_and_key(runtime: LocalRuntime) -> None:
    sqs = runtime.sqs()
    names = sorted(url.rsplit("/", 1)[1] for url in sqs.list_queues()["QueueUrls"])
    assert names == sorted(
        physical_name(n) + spec.suffix
        for spec in catalog.QUEUES
        for n in (spec.name, spec.dlq_name)
    )
    for spec in catalog.QUEUES:
        local = runtime.resources.queues[spec.name]
        attributes = sqs.get_queue_attributes(QueueUrl=local.url, AttributeNames=["All"])[
            "Attributes"
        ]
        dlq = sqs.get_queue_attributes(QueueUrl=local.dlq_url, AttributeNames=["All"])["Attributes"]
        assert json.loads(attributes["RedrivePolicy"]) == {
            "deadLetterTargetArn": dlq["QueueArn"],
            "maxReceiveCount": spec.max_receive_count,
        }
        assert dlq["QueueArn"] == local.dlq_arn
        assert dlq["QueueArn"].endswith(f":{physical_name(spec.dlq_name)}{spec.suffix}")
        assert attributes.get("FifoQueue", "false") == dlq.get("FifoQueue", "false")
        assert (attributes.get("FifoQueue") == "true") is spec.fifo
        assert "RedrivePolicy" not in dlq
        assert attributes["MessageRetentionPeriod"] == str(spec.retention_days * DAY_S)
        assert dlq["MessageRetentionPeriod"] == str(spec.dlq_retention_days * DAY_S)
        for queue in (attributes, dlq):
            assert queue["KmsMasterKeyId"] == runtime.resources.key_arns[spec.key]
            assert queue["VisibilityTimeout"] == str(VISIBILITY_TIMEOUT_S)


def test_every_catalog_env_var_names_its_local_resource(runtime: LocalRuntime) -> None:
    env = runtime.resources.environment()
    resources = runtime.resources
    assert env == {
        **{spec.env_var: resources.key_arns[spec.name] for spec in catalog.KEYS},
        **{spec.env_var: physical_name(spec.name) for spec in catalog.TABLES},
        **{
            spec.env_var: physical_name(spec.name)
            for spec in catalog.BUCKETS
            if spec.env_var is not None
        },
        **{spec.env_var: resources.queues[spec.name].url for spec in catalog.QUEUES},
        **{spec.dlq_env_var: resources.queues[spec.name].dlq_url for spec in catalog.QUEUES},
    }
    sqs = runtime.sqs()
    for spec in catalog.QUEUES:
        queue_name = physical_name(spec.name) + spec.suffix
        assert sqs.get_queue_url(QueueName=queue_name)["QueueUrl"] == env[spec.env_var]
