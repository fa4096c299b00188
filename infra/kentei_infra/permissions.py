"""Catalog grants as least-privilege IAM statements, and the variable naming each resource.

Statements are written out here instead of CDK's ``grant_*`` helpers because those grant more
than the catalog says: ``Table.grant_read_write_data`` also grants ``kms:Decrypt`` on the
table's key without condition, ``Bucket.grant_put`` grants ``kms:Decrypt`` on the bucket's key
(intake must never decrypt with the vault key) and wildcard actions (``s3:PutObject*``,
``kms:GenerateDataKey*``, ``kms:ReEncrypt*``).

A grant on a table, bucket or queue also carries the KMS permissions that service needs to
use the resource's key on the caller's behalf, limited to requests made through that service
(``kms:ViaService``); a grant on a key (``key:*``) is for the function's own KMS calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from kentei import catalog
from kentei.catalog import Access
from kentei_infra.queues import QueuePair

TABLE_ACCESS: Final = frozenset({Access.TABLE_READ, Access.TABLE_READ_WRITE})
BUCKET_ACCESS: Final = frozenset(
    {Access.BUCKET_PUT, Access.BUCKET_READ, Access.BUCKET_READ_DELETE, Access.BUCKET_READ_WRITE}
)

TABLE_READ: Final = (
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:Query",
)
# TransactWriteItems has no IAM action of its own: each item is authorized as its Put, Update,
# Delete or ConditionCheck.
TABLE_WRITE: Final = (
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
)
KEY_ACTIONS: Final[Mapping[Access, tuple[str, ...]]] = {
    Access.KEY_ENCRYPT_ONLY: ("kms:Encrypt", "kms:GenerateDataKey"),
    Access.KEY_ENCRYPT_DECRYPT: ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"),
    Access.KEY_GENERATE_MAC: ("kms:GenerateMac",),
    Access.KEY_SIGN: ("kms:GetPublicKey", "kms:Sign"),
}
# What each service asks KMS for, with the caller's permissions, to serve the grant.
TABLE_KEY_READ: Final = ("kms:Decrypt", "kms:DescribeKey")
TABLE_KEY_WRITE: Final = ("kms:Encrypt", "kms:GenerateDataKey")
OBJECT_KEY_READ: Final = ("kms:Decrypt",)
OBJECT_KEY_PUT: Final = ("kms:GenerateDataKey",)
"""Single-part ``PutObject`` only: a multipart upload would also need ``kms:Decrypt``."""
MESSAGE_KEY_SEND: Final = ("kms:Decrypt", "kms:GenerateDataKey")
"""What SQS asks KMS for when a producer sends to an SSE-KMS queue."""


@dataclass(frozen=True)
class GrantTargets:
    """The constructs a grant can name, by catalog name, and the region they live in."""

    keys: Mapping[str, kms.IKey]
    tables: Mapping[str, dynamodb.ITable]
    buckets: Mapping[str, s3.IBucket]
    queues: Mapping[str, QueuePair]
    region: str

    def statements(self, grant: catalog.Grant) -> list[iam.PolicyStatement]:
        """The IAM statements that give exactly ``grant``."""
        access = grant.access
        if access in KEY_ACTIONS:
            return [_allow(KEY_ACTIONS[access], [self.keys[grant.resource].key_arn])]
        if access in TABLE_ACCESS:
            return self._table(grant.resource, write=access is Access.TABLE_READ_WRITE)
        if access in BUCKET_ACCESS:
            return self._bucket(grant.resource, access)
        if access is Access.QUEUE_SEND:
            return self._queue_send(grant.resource)
        raise ValueError(f"no IAM mapping for {access}")

    def environment(self, grant: catalog.Grant) -> tuple[str, str] | None:
        """The catalog variable and the physical name of the granted resource, if it has one."""
        name = grant.resource
        if grant.access in KEY_ACTIONS:
            return catalog.key(name).env_var, self.keys[name].key_arn
        if grant.access in TABLE_ACCESS:
            return catalog.table(name).env_var, self.tables[name].table_name
        if grant.access is Access.QUEUE_SEND:
            return catalog.queue(name).env_var, self.queues[name].queue.queue_url
        env_var = catalog.bucket(name).env_var
        return None if env_var is None else (env_var, self.buckets[name].bucket_name)

    def _table(self, name: str, *, write: bool) -> list[iam.PolicyStatement]:
        spec = catalog.table(name)
        table_actions = TABLE_READ + TABLE_WRITE if write else TABLE_READ
        key_actions = TABLE_KEY_READ + TABLE_KEY_WRITE if write else TABLE_KEY_READ
        return [
            _allow(table_actions, [self.tables[name].table_arn]),
            self._via(key_actions, spec.key, "dynamodb"),
        ]

    def _bucket(self, name: str, access: Access) -> list[iam.PolicyStatement]:
        bucket = self.buckets[name]
        key_name = catalog.bucket(name).key
        read = access in (Access.BUCKET_READ, Access.BUCKET_READ_DELETE, Access.BUCKET_READ_WRITE)
        put = access in (Access.BUCKET_PUT, Access.BUCKET_READ_WRITE)
        delete = access is Access.BUCKET_READ_DELETE
        object_actions = (
            (("s3:GetObject",) if read else ())
            + (("s3:PutObject",) if put else ())
            + (("s3:DeleteObject", "s3:DeleteObjectVersion") if delete else ())
        )
        statements = [_allow(object_actions, [bucket.arn_for_objects("*")])]
        if access is Access.BUCKET_READ_WRITE:
            statements.append(_allow(("s3:ListBucket",), [bucket.bucket_arn]))
        if delete:
            # Deleting "every version" needs their ids: verify lists an application's prefix.
            statements.append(_allow(("s3:ListBucketVersions",), [bucket.bucket_arn]))
        if key_name is not None:
            key_actions = (OBJECT_KEY_READ if read else ()) + (OBJECT_KEY_PUT if put else ())
            statements.append(self._via(key_actions, key_name, "s3"))
        return statements

    def _queue_send(self, name: str) -> list[iam.PolicyStatement]:
        pair = self.queues[name]
        return [
            _allow(("sqs:SendMessage",), [pair.queue.queue_arn]),
            self._via(MESSAGE_KEY_SEND, pair.spec.key, "sqs"),
        ]

    def _via(self, actions: Sequence[str], key_name: str, service: str) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            actions=sorted(actions),
            resources=[self.keys[key_name].key_arn],
            conditions={
                "StringEquals": {"kms:ViaService": f"{service}.{self.region}.amazonaws.com"}
            },
        )


def _allow(actions: Sequence[str], resources: list[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=sorted(actions), resources=resources)
