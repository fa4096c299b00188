"""Every catalog resource, created in moto with the catalog's settings.

Local physical names are ``kentei-local-<name>``; handlers find them through the catalog's
environment variables (:meth:`Resources.environment`), exactly as deployed. Only the queues'
visibility timeout differs from the deployed value (see ``KENTEI_LOCAL_VISIBILITY_TIMEOUT``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from kentei import catalog

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.literals import StreamViewTypeType
    from mypy_boto3_dynamodb.type_defs import AttributeDefinitionTypeDef, KeySchemaElementTypeDef
    from mypy_boto3_kms.client import KMSClient
    from mypy_boto3_kms.literals import KeySpecType, KeyUsageTypeType
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_s3.type_defs import ServerSideEncryptionByDefaultTypeDef
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.literals import QueueAttributeNameType

ACCOUNT_ID: Final = "123456789012"
"""moto's default account; not a valid My Number, so ARNs never look like one in a scan."""
NAME_PREFIX: Final = f"{catalog.PREFIX}-local"
_DAY_S: Final = 24 * 60 * 60


def physical_name(name: str) -> str:
    """The local physical name of the catalog resource ``name`` (table, queue, bucket, function)."""
    return f"{NAME_PREFIX}-{name}"


@dataclass(frozen=True)
class LocalQueue:
    spec: catalog.QueueSpec
    url: str
    arn: str
    dlq_url: str
    dlq_arn: str


@dataclass(frozen=True)
class Resources:
    """What was provisioned, by catalog name: key ARNs, table and bucket names, queues."""

    key_arns: Mapping[str, str]
    tables: Mapping[str, str]
    buckets: Mapping[str, str]
    queues: Mapping[str, LocalQueue]

    def environment(self) -> dict[str, str]:
        """Each catalog ``env_var`` set to its local resource, as the stacks set it deployed."""
        env = {spec.env_var: self.key_arns[spec.name] for spec in catalog.KEYS}
        env |= {spec.env_var: self.tables[spec.name] for spec in catalog.TABLES}
        env |= {
            spec.env_var: self.buckets[spec.name]
            for spec in catalog.BUCKETS
            if spec.env_var is not None
        }
        env |= {spec.env_var: self.queues[spec.name].url for spec in catalog.QUEUES}
        env |= {spec.dlq_env_var: self.queues[spec.name].dlq_url for spec in catalog.QUEUES}
        return env


def provision(session: boto3.Session, endpoint_url: str, visibility_timeout_s: int) -> Resources:
    """Create every catalog resource at ``endpoint_url`` (moto), keys first: the rest use them."""
    key_arns = {
        spec.name: _create_key(session.client("kms", endpoint_url=endpoint_url), spec)
        for spec in catalog.KEYS
    }
    dynamodb = session.client("dynamodb", endpoint_url=endpoint_url)
    s3 = session.client("s3", endpoint_url=endpoint_url)
    sqs = session.client("sqs", endpoint_url=endpoint_url)
    resources = Resources(
        key_arns=key_arns,
        tables={spec.name: _create_table(dynamodb, spec, key_arns) for spec in catalog.TABLES},
        buckets={spec.name: _create_bucket(s3, spec, key_arns) for spec in catalog.BUCKETS},
        queues={
            spec.name: _create_queue(sqs, spec, key_arns, visibility_timeout_s)
            for spec in catalog.QUEUES
        },
    )
    for spec in catalog.BUCKETS:
        if spec.notify_queue is not None:
            _notify(s3, resources.buckets[spec.name], spec, resources.queues[spec.notify_queue])
    return resources


def _notify(s3: S3Client, bucket: str, spec: catalog.BucketSpec, queue: LocalQueue) -> None:
    """The bucket's event notification, as the stack declares it: objects created under the
    catalog prefix are announced to the queue (moto delivers S3's event JSON, and the
    ``s3:TestEvent`` S3 sends when the configuration is set)."""
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": f"{spec.name}-to-{spec.notify_queue}",
                    "QueueArn": queue.arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {
                        "Key": {"FilterRules": [{"Name": "prefix", "Value": spec.notify_prefix}]}
                    },
                }
            ]
        },
    )


def _create_key(kms: KMSClient, spec: catalog.KeySpec) -> str:
    key_spec: KeySpecType = spec.key_spec  # type: ignore[assignment]
    usage: KeyUsageTypeType = spec.usage.value
    metadata = kms.create_key(Description=spec.purpose, KeySpec=key_spec, KeyUsage=usage)
    key_id = metadata["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=spec.alias, TargetKeyId=key_id)
    if spec.rotation:
        kms.enable_key_rotation(KeyId=key_id)
    return metadata["KeyMetadata"]["Arn"]


def _create_table(
    dynamodb: DynamoDBClient, spec: catalog.TableSpec, key_arns: Mapping[str, str]
) -> str:
    name = physical_name(spec.name)
    schema: list[KeySchemaElementTypeDef] = [
        {"AttributeName": spec.partition_key, "KeyType": "HASH"}
    ]
    attributes: list[AttributeDefinitionTypeDef] = [
        {"AttributeName": spec.partition_key, "AttributeType": "S"}
    ]
    if spec.sort_key is not None:
        schema.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
        attributes.append({"AttributeName": spec.sort_key, "AttributeType": "S"})
    dynamodb.create_table(
        TableName=name,
        KeySchema=schema,
        AttributeDefinitions=attributes,
        BillingMode="PAY_PER_REQUEST",
        TableClass=spec.table_class,
        SSESpecification={
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": key_arns[spec.key],
        },
    )
    if spec.stream is not None:
        view: StreamViewTypeType = spec.stream  # type: ignore[assignment]
        dynamodb.update_table(
            TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": view}
        )
    if spec.ttl_attribute is not None:
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute},
        )
    return name


def _create_bucket(s3: S3Client, spec: catalog.BucketSpec, key_arns: Mapping[str, str]) -> str:
    name = physical_name(spec.name)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": catalog.REGION})
    default: ServerSideEncryptionByDefaultTypeDef = (
        {"SSEAlgorithm": "AES256"}
        if spec.key is None
        else {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arns[spec.key]}
    )
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": default,
                    "BucketKeyEnabled": spec.key is not None,
                }
            ]
        },
    )
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    if spec.lifecycle is not None:
        # The same rule the stack declares (kentei_infra.buckets.lifecycle_rule); moto keeps
        # it but does not run it, so locally it documents rather than deletes.
        s3.put_bucket_lifecycle_configuration(
            Bucket=name,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": "bounded-retention",
                        "Status": "Enabled",
                        "Filter": {"Prefix": ""},
                        "Expiration": {"Days": spec.lifecycle.current_days},
                        "NoncurrentVersionExpiration": {
                            "NoncurrentDays": spec.lifecycle.noncurrent_days
                        },
                        "AbortIncompleteMultipartUpload": {
                            "DaysAfterInitiation": spec.lifecycle.incomplete_upload_days
                        },
                    }
                ]
            },
        )
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    return name


def _create_queue(
    sqs: SQSClient,
    spec: catalog.QueueSpec,
    key_arns: Mapping[str, str],
    visibility_timeout_s: int,
) -> LocalQueue:
    common: dict[QueueAttributeNameType, str] = {
        "KmsMasterKeyId": key_arns[spec.key],
        "VisibilityTimeout": str(visibility_timeout_s),
    }
    if spec.fifo:
        common["FifoQueue"] = "true"
    dlq_url = sqs.create_queue(
        QueueName=physical_name(spec.dlq_name) + spec.suffix,
        Attributes={**common, "MessageRetentionPeriod": str(spec.dlq_retention_days * _DAY_S)},
    )["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": spec.max_receive_count}
    url = sqs.create_queue(
        QueueName=physical_name(spec.name) + spec.suffix,
        Attributes={
            **common,
            "MessageRetentionPeriod": str(spec.retention_days * _DAY_S),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return LocalQueue(spec, url, _queue_arn(sqs, url), dlq_url, dlq_arn)


def _queue_arn(sqs: SQSClient, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
