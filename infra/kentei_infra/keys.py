"""The customer-managed KMS keys of the catalog, with their aliases and explicit policies."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from constructs import Construct

from kentei import catalog
from kentei_infra.key_policies import ADMIN_CONTEXT, admin_arns, key_policy


class Keys(Construct):
    """One ``kms.Key`` per :data:`kentei.catalog.KEYS` entry, by catalog name.

    Rotation is on wherever AWS supports it (symmetric encryption keys); HMAC and asymmetric
    keys cannot rotate automatically. Keys are retained: deleting one would make every record,
    object and message it protects unreadable. Each key's policy is written out by
    :func:`kentei_infra.key_policies.key_policy` from the catalog (never CDK's default, which
    gives the account root ``kms:*``); the administrators come from context
    ``kentei:keyAdminRoleArn``.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self._region = Stack.of(self).region
        self._admins = admin_arns(self.node.try_get_context(ADMIN_CONTEXT))
        self.by_name: dict[str, kms.Key] = {spec.name: self._key(spec) for spec in catalog.KEYS}

    def _key(self, spec: catalog.KeySpec) -> kms.Key:
        return kms.Key(
            self,
            spec.name,
            alias=spec.alias,
            description=spec.purpose,
            key_spec=kms.KeySpec(spec.key_spec),
            key_usage=kms.KeyUsage(spec.usage.value),
            enable_key_rotation=spec.rotation,
            removal_policy=RemovalPolicy.RETAIN,
            policy=key_policy(spec, region=self._region, admins=self._admins),
        )
