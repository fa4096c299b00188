"""What each function may do with each KMS key, derived once from the catalog grants.

KMS authorizes a request only if the key policy allows it, and here the key policy delegates
nothing to IAM for cryptography: both the function role's IAM statements
(:mod:`kentei_infra.permissions`) and the key's policy (:mod:`kentei_infra.key_policies`) are
built from the :class:`KeyUse` values of this module, with the same conditions, so the two
cannot drift apart.

A grant on a key (``key:*``) is for the function's own KMS calls (``via`` None); a grant on a
table, bucket or queue carries what that service asks KMS for with the caller's permissions,
limited to requests made through that service (``kms:ViaService``), and for S3 to the bucket's
own objects (the ``aws:s3:arn`` encryption context S3 sends). A direct use of a key whose
catalog entry declares an encryption context (the vault's ``purpose``) must carry it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from aws_cdk import Aws

from kentei import catalog
from kentei.catalog import Access
from kentei_infra.settings import bucket_name

TABLE_ACCESS: Final = frozenset({Access.TABLE_READ, Access.TABLE_READ_WRITE})
BUCKET_ACCESS: Final = frozenset(
    {Access.BUCKET_PUT, Access.BUCKET_READ, Access.BUCKET_READ_DELETE, Access.BUCKET_READ_WRITE}
)
BUCKET_READ: Final = frozenset(
    {Access.BUCKET_READ, Access.BUCKET_READ_DELETE, Access.BUCKET_READ_WRITE}
)
BUCKET_PUT: Final = frozenset({Access.BUCKET_PUT, Access.BUCKET_READ_WRITE})

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
MESSAGE_KEY_RECEIVE: Final = ("kms:Decrypt",)
"""What SQS asks KMS for when the consumer's event source mapping receives a message."""

CRYPTOGRAPHIC_ACTIONS: Final = frozenset(
    {
        "kms:Decrypt",
        "kms:DeriveSharedSecret",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyPair",
        "kms:GenerateDataKeyPairWithoutPlaintext",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:GenerateMac",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:Sign",
        "kms:Verify",
        "kms:VerifyMac",
    }
)
"""Every KMS action that uses key material; none is ever allowed to an administrator."""


@dataclass(frozen=True)
class KeyUse:
    """``actions`` on catalog key ``key``, directly (``via`` None) or through a service."""

    key: str
    actions: frozenset[str]
    via: str | None = None
    bucket: str | None = None
    """For S3: the catalog bucket whose objects alone the use covers."""

    def conditions(self, region: str) -> dict[str, dict[str, Any]]:
        """The IAM condition block that confines this use (empty for an unconditioned one)."""
        equals: dict[str, Any] = {}
        like: dict[str, Any] = {}
        if self.via is not None:
            equals["kms:ViaService"] = f"{self.via}.{region}.amazonaws.com"
        else:
            for name, value in sorted(catalog.key(self.key).encryption_context.items()):
                equals[f"kms:EncryptionContext:{name}"] = value
        if self.bucket is not None:
            arn = f"arn:{Aws.PARTITION}:s3:::{bucket_name(self.bucket, region)}"
            # A bucket key's context is the bucket's ARN; an object key's, the object's.
            like["kms:EncryptionContext:aws:s3:arn"] = [arn, f"{arn}/*"]
        conditions: dict[str, dict[str, Any]] = {}
        if equals:
            conditions["StringEquals"] = equals
        if like:
            conditions["StringLike"] = like
        return conditions


def grant_key_uses(grant: catalog.Grant) -> list[KeyUse]:
    """The key uses one catalog grant implies (none for a bucket without a key)."""
    access = grant.access
    name = grant.resource
    if access in KEY_ACTIONS:
        return [KeyUse(name, frozenset(KEY_ACTIONS[access]))]
    if access in TABLE_ACCESS:
        write = access is Access.TABLE_READ_WRITE
        table_actions = TABLE_KEY_READ + (TABLE_KEY_WRITE if write else ())
        return [KeyUse(catalog.table(name).key, frozenset(table_actions), via="dynamodb")]
    if access in BUCKET_ACCESS:
        key = catalog.bucket(name).key
        if key is None:
            return []
        object_actions = (OBJECT_KEY_READ if access in BUCKET_READ else ()) + (
            OBJECT_KEY_PUT if access in BUCKET_PUT else ()
        )
        return [KeyUse(key, frozenset(object_actions), via="s3", bucket=name)]
    if access in (Access.QUEUE_SEND, Access.QUEUE_SEND_DLQ):
        return [KeyUse(catalog.queue(name).key, frozenset(MESSAGE_KEY_SEND), via="sqs")]
    if access in (Access.USER_POOL_READ, Access.USER_POOL_DISABLE):
        return []  # Cognito keeps the pool under its own key.
    raise ValueError(f"no KMS mapping for {access}")


def function_key_uses(spec: catalog.FunctionSpec) -> list[KeyUse]:
    """Every key use of ``spec``: its grants' and its queue's, merged where they coincide."""
    uses = [use for grant in spec.grants for use in grant_key_uses(grant)]
    for consumed in catalog.queues_for(spec.name):
        uses.append(KeyUse(consumed.key, frozenset(MESSAGE_KEY_RECEIVE), via="sqs"))
    return merge(uses)


def schedule_key_uses(spec: catalog.ScheduleSpec) -> list[KeyUse]:
    """What a schedule's role needs to send into its encrypted queue."""
    return [KeyUse(catalog.queue(spec.queue).key, frozenset(MESSAGE_KEY_SEND), via="sqs")]


def merge(uses: Iterable[KeyUse]) -> list[KeyUse]:
    """One use per (key, service, bucket) with the union of the actions, in a stable order."""
    merged: dict[tuple[str, str, str], frozenset[str]] = {}
    for use in uses:
        scope = (use.key, use.via or "", use.bucket or "")
        merged[scope] = merged.get(scope, frozenset()) | use.actions
    return [
        KeyUse(key, actions, via or None, bucket or None)
        for (key, via, bucket), actions in sorted(merged.items())
    ]
