"""Catalog grants as least-privilege IAM statements, and the variable naming each resource.

Statements are written out here instead of CDK's ``grant_*`` helpers because those grant more
than the catalog says: ``Table.grant_read_write_data`` also grants ``kms:Decrypt`` on the
table's key without condition, ``Bucket.grant_put`` grants ``kms:Decrypt`` on the bucket's key
(intake must never decrypt with the vault key) and wildcard actions (``s3:PutObject*``,
``kms:GenerateDataKey*``, ``kms:ReEncrypt*``).

The KMS side of a grant (its key actions and their conditions) comes from
:mod:`kentei_infra.key_uses`, which the key policies are built from too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from kentei import catalog
from kentei.catalog import Access
from kentei_infra.key_uses import (
    BUCKET_ACCESS,
    BUCKET_PUT,
    BUCKET_READ,
    KEY_ACTIONS,
    TABLE_ACCESS,
    KeyUse,
    grant_key_uses,
)
from kentei_infra.queues import QueuePair

__all__ = ["BUCKET_ACCESS", "KEY_ACTIONS", "TABLE_ACCESS", "USER_POOL_ACTIONS", "GrantTargets"]

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

USER_POOL_READ: Final = (
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminListUserAuthEvents",
    "cognito-idp:ListUsers",
    "cognito-idp:ListUsersInGroup",
)
USER_POOL_ACTIONS: Final[Mapping[Access, tuple[str, ...]]] = {
    Access.USER_POOL_READ: USER_POOL_READ,
    Access.USER_POOL_DISABLE: (*USER_POOL_READ, "cognito-idp:AdminDisableUser"),
}
"""No ``AdminUpdateUserAttributes``, ``AdminAddUserToGroup`` or ``AdminCreateUser``: no function
can move a user to another prefecture, give a role or make an account."""


@dataclass(frozen=True)
class GrantTargets:
    """The constructs a grant can name, by catalog name, and the region they live in."""

    keys: Mapping[str, kms.IKey]
    tables: Mapping[str, dynamodb.ITable]
    buckets: Mapping[str, s3.IBucket]
    queues: Mapping[str, QueuePair]
    user_pools: Mapping[str, cognito.IUserPool]
    region: str

    def statements(self, grant: catalog.Grant) -> list[iam.PolicyStatement]:
        """The IAM statements that give exactly ``grant``: on the resource, then on its key."""
        access = grant.access
        if access in KEY_ACTIONS:
            resource: list[iam.PolicyStatement] = []
        elif access in TABLE_ACCESS:
            resource = self._table(grant.resource, write=access is Access.TABLE_READ_WRITE)
        elif access in BUCKET_ACCESS:
            resource = self._bucket(grant.resource, access, grant.prefix)
        elif access is Access.QUEUE_SEND:
            resource = [_allow(("sqs:SendMessage",), [self.queues[grant.resource].queue.queue_arn])]
        elif access is Access.QUEUE_SEND_DLQ:
            dlq = self.queues[grant.resource].dead_letters
            resource = [_allow(("sqs:SendMessage",), [dlq.queue_arn])]
        elif access in USER_POOL_ACTIONS:
            pool = self.user_pools[grant.resource]
            resource = [_allow(USER_POOL_ACTIONS[access], [pool.user_pool_arn])]
        else:
            raise ValueError(f"no IAM mapping for {access}")
        return resource + [self.key_statement(use) for use in grant_key_uses(grant)]

    def key_statement(self, use: KeyUse) -> iam.PolicyStatement:
        """``use`` as an identity-policy statement on its key, with the key policy's conditions."""
        return iam.PolicyStatement(
            actions=sorted(use.actions),
            resources=[self.keys[use.key].key_arn],
            conditions=use.conditions(self.region) or None,
        )

    def environment(self, grant: catalog.Grant) -> tuple[str, str] | None:
        """The catalog variable and the physical name of the granted resource, if it has one."""
        name = grant.resource
        if grant.access in KEY_ACTIONS:
            return catalog.key(name).env_var, self.keys[name].key_arn
        if grant.access in TABLE_ACCESS:
            return catalog.table(name).env_var, self.tables[name].table_name
        if grant.access is Access.QUEUE_SEND:
            return catalog.queue(name).env_var, self.queues[name].queue.queue_url
        if grant.access is Access.QUEUE_SEND_DLQ:
            return catalog.queue(name).dlq_env_var, self.queues[name].dead_letters.queue_url
        if grant.access in USER_POOL_ACTIONS:
            return catalog.user_pool(name).env_var, self.user_pools[name].user_pool_id
        env_var = catalog.bucket(name).env_var
        return None if env_var is None else (env_var, self.buckets[name].bucket_name)

    def _table(self, name: str, *, write: bool) -> list[iam.PolicyStatement]:
        table_actions = TABLE_READ + TABLE_WRITE if write else TABLE_READ
        return [_allow(table_actions, [self.tables[name].table_arn])]

    def _bucket(self, name: str, access: Access, prefix: str = "") -> list[iam.PolicyStatement]:
        bucket = self.buckets[name]
        object_actions = (
            (("s3:GetObject",) if access in BUCKET_READ else ())
            # Reading the version that was checked (sync's commit of a result import) needs
            # GetObjectVersion: only a function that also writes the bucket reads versions.
            + (("s3:GetObjectVersion",) if access is Access.BUCKET_READ_WRITE else ())
            + (("s3:PutObject",) if access in BUCKET_PUT else ())
            + (
                ("s3:DeleteObject", "s3:DeleteObjectVersion")
                if access is Access.BUCKET_READ_DELETE
                else ()
            )
        )
        statements = [_allow(object_actions, [bucket.arn_for_objects(f"{prefix}*")])]
        if access is Access.BUCKET_READ_WRITE:
            statements.append(_allow(("s3:ListBucket",), [bucket.bucket_arn]))
        if access is Access.BUCKET_READ_DELETE:
            # Deleting "every version" needs their ids (verify lists an application's prefix),
            # and without ListBucket a missing object answers 403, not 404: a missing raw part
            # would be retried into the DLQ instead of refused as submission.missing.
            statements.append(
                _allow(("s3:ListBucket", "s3:ListBucketVersions"), [bucket.bucket_arn])
            )
        return statements


def _allow(actions: Sequence[str], resources: list[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=sorted(actions), resources=resources)
