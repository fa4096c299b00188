"""Explicit key policies: administrators administer, only the catalog's functions use a key.

CDK's default key policy gives the account root ``kms:*``, which lets any IAM policy in the
account grant any cryptographic use: an administrator, or anyone an administrator gives
``kms:Decrypt``, could read the My Number. Each key's policy here has:

- **Administration** for the key administrators: the actions in :data:`ADMIN_ACTIONS`, none
  of them cryptographic (no Encrypt, Decrypt, GenerateDataKey*, GenerateMac, VerifyMac,
  Sign, Verify, ReEncrypt*), and no ``kms:CreateGrant`` except the one below. The
  administrators are the account's IAM principals allowed by IAM (default), or, with context
  ``kentei:keyAdminRoleArn`` (an ARN or a list of ARNs), only those roles. The principal
  CloudFormation deploys with must be among them: KMS refuses a policy that would lock its
  creator out of ``PutKeyPolicy``.
- **Grants to DynamoDB** (keys under a table only): ``kms:CreateGrant`` through DynamoDB for an
  AWS resource, which DynamoDB needs when an administrator creates or restores a table under
  the key. The grant lets DynamoDB store the table encrypted; reading an item still takes
  ``dynamodb:GetItem`` on the table, and the vault's numbers are encrypted again under the
  vault key with an encryption context that only verify may decrypt.
- **S3 notifications** (keys under a queue that a bucket notifies, :func:`notification_sid`):
  ``kms:GenerateDataKey`` and ``kms:Decrypt`` for the S3 service principal, only for events of
  that bucket of this account (``aws:SourceArn``, ``aws:SourceAccount``): what S3 needs to send
  its event to the encrypted queue. It reads nothing: the messages are S3's own.
- **One statement per function and use** (:mod:`kentei_infra.key_uses`): exactly the actions
  its catalog grants imply, with the same ``kms:ViaService`` and ``kms:EncryptionContext:*``
  conditions as its IAM statement.

Every statement's principal is the account root (IAM must also allow: both sides are built
from the same catalog data) narrowed by an ``aws:PrincipalArn`` condition on the ARN of the
function's role, built from the role's known name (:func:`kentei_infra.settings.role_arn`).
Naming the role by reference (``Fn::GetAtt``) would make each key depend on the roles; the
name keeps keys independent of roles (no cycle whatever the roles' policies reference), lets
KMS accept the policy before the roles exist, and survives a role being replaced (a key policy
that names a role directly pins the deleted role's unique id).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from kentei import catalog
from kentei_infra.key_uses import KeyUse, function_key_uses, schedule_key_uses
from kentei_infra.settings import bucket_name, role_arn

ADMIN_CONTEXT: Final = "kentei:keyAdminRoleArn"
ADMIN_ACTIONS: Final = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
"""Administration without use: written out, since ``kms:Create*`` and ``kms:Get*`` would also
cover ``CreateGrant`` (which can hand out any use) and ``GetPublicKey``."""
ADMIN_SID: Final = "KeyAdministration"
TABLE_GRANT_SID: Final = "TableGrantsThroughDynamoDB"
NOTIFICATION_ACTIONS: Final = ("kms:Decrypt", "kms:GenerateDataKey")
"""What S3 asks KMS for to send an event notification to an SSE-KMS queue."""


def admin_arns(context: object | None) -> list[str]:
    """The administrators' ARNs from the context value (none: the account's IAM principals)."""
    if context is None:
        return []
    arns = [context] if isinstance(context, str) else context
    if not isinstance(arns, list) or not arns:
        raise ValueError(f"{ADMIN_CONTEXT} must be an ARN or a non-empty list of ARNs")
    for arn in arns:
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            raise ValueError(f"{ADMIN_CONTEXT}: {arn!r} is not an ARN")
    return [str(arn) for arn in arns]


def key_policy(spec: catalog.KeySpec, *, region: str, admins: Sequence[str]) -> iam.PolicyDocument:
    """The whole policy of catalog key ``spec``."""
    admin_condition: dict[str, dict[str, Any]] = (
        {"ArnEquals": {"aws:PrincipalArn": list(admins)}} if admins else {}
    )
    statements = [
        _statement(ADMIN_SID, ADMIN_ACTIONS, admin_condition),
    ]
    if any(table.key == spec.name for table in catalog.TABLES):
        statements.append(
            _statement(
                TABLE_GRANT_SID,
                ("kms:CreateGrant",),
                {
                    **admin_condition,
                    "StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"},
                    "Bool": {"kms:GrantIsForAWSResource": "true"},
                },
            )
        )
    for bucket in catalog.BUCKETS:
        if bucket.notify_queue is not None and catalog.queue(bucket.notify_queue).key == spec.name:
            statements.append(notification_statement(bucket, region))
    for function in catalog.FUNCTIONS:
        for use in function_key_uses(function):
            if use.key == spec.name:
                statements.append(_use_statement(function.name, use, region))
    for schedule in catalog.SCHEDULES:
        for use in schedule_key_uses(schedule):
            if use.key == spec.name:
                statements.append(_use_statement(schedule_role(schedule.name), use, region))
    return iam.PolicyDocument(statements=statements)


def notification_sid(bucket: str) -> str:
    """``S3NotificationsOfImports``: the statement letting S3 notify a queue of ``bucket``."""
    return "S3NotificationsOf" + "".join(part.capitalize() for part in bucket.split("-"))


def notification_statement(bucket: catalog.BucketSpec, region: str) -> iam.PolicyStatement:
    """S3 may encrypt (and check) the events of ``bucket`` it sends to the queue, and only
    those of this account's bucket."""
    return iam.PolicyStatement(
        sid=notification_sid(bucket.name),
        principals=[iam.ServicePrincipal("s3.amazonaws.com")],
        actions=list(NOTIFICATION_ACTIONS),
        resources=["*"],
        conditions={
            "ArnEquals": {"aws:SourceArn": bucket_arn(bucket.name, region)},
            "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
        },
    )


def bucket_arn(bucket: str, region: str) -> str:
    """The ARN of catalog bucket ``bucket``, from its known name (no reference, no cycle)."""
    return f"arn:{Aws.PARTITION}:s3:::{bucket_name(bucket, region)}"


def schedule_role(schedule: str) -> str:
    """The role name's last word of catalog schedule ``schedule`` (functions use theirs)."""
    return f"schedule-{schedule}"


def use_sid(function: str, use: KeyUse) -> str:
    """``VerifyDirect``, ``IntakeThroughS3Inbox``...: unique per function and use."""
    words = [function, "direct" if use.via is None else f"through-{use.via}"]
    if use.bucket is not None:
        words.append(use.bucket)
    return "".join(part.capitalize() for word in words for part in word.split("-"))


def _use_statement(function: str, use: KeyUse, region: str) -> iam.PolicyStatement:
    conditions = use.conditions(region)
    conditions["ArnEquals"] = {"aws:PrincipalArn": role_arn(function, region)}
    return _statement(use_sid(function, use), sorted(use.actions), conditions)


def _statement(
    sid: str, actions: Sequence[str], conditions: Mapping[str, Mapping[str, Any]]
) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        sid=sid,
        principals=[iam.AccountRootPrincipal()],
        actions=list(actions),
        # In a key policy, "*" is the key itself.
        resources=["*"],
        conditions=conditions or None,
    )
