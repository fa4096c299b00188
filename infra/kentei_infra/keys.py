"""The customer-managed KMS keys of the catalog, with their aliases."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from constructs import Construct

from kentei import catalog


class Keys(Construct):
    """One ``kms.Key`` per :data:`kentei.catalog.KEYS` entry, by catalog name.

    Rotation is on wherever AWS supports it (symmetric encryption keys); HMAC and asymmetric
    keys cannot rotate automatically. Keys are retained: deleting one would make every record,
    object and message it protects unreadable.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
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
        )
