"""The S3 buckets of the catalog, logging to the access-log bucket."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from kentei import catalog
from kentei_infra.settings import bucket_name

_MINIMUM_TLS_VERSION = 1.2


class Buckets(Construct):
    """One ``s3.Bucket`` per :data:`kentei.catalog.BUCKETS` entry, by catalog name.

    Every bucket: TLS 1.2+ only, all public access blocked, ACLs disabled (bucket owner
    enforced), versioned, retained. A bucket with a catalog key is SSE-KMS under it with an S3
    bucket key (fewer KMS requests); one without (the truststore) is SSE-S3. Every bucket but
    the access-log bucket writes server access logs to it; that one is SSE-S3 because S3
    server access logging cannot deliver to an SSE-KMS bucket. A
    bucket whose catalog entry has a lifecycle (the inbox) has S3 delete its objects and
    noncurrent versions after the catalog's periods.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, keys: Mapping[str, kms.IKey]
    ) -> None:
        super().__init__(scope, construct_id)
        log_spec = catalog.bucket(catalog.ACCESS_LOGS_BUCKET)
        access_logs = self._bucket(log_spec, key=None, access_logs=None)
        self.by_name: dict[str, s3.Bucket] = {log_spec.name: access_logs}
        for spec in catalog.BUCKETS:
            if spec.name != log_spec.name:
                self.by_name[spec.name] = self._bucket(
                    spec,
                    key=None if spec.key is None else keys[spec.key],
                    access_logs=access_logs,
                )

    def _bucket(
        self, spec: catalog.BucketSpec, *, key: kms.IKey | None, access_logs: s3.IBucket | None
    ) -> s3.Bucket:
        region = Stack.of(self).region
        return s3.Bucket(
            self,
            spec.name,
            bucket_name=bucket_name(spec.name, region),
            encryption=(s3.BucketEncryption.S3_MANAGED if key is None else s3.BucketEncryption.KMS),
            encryption_key=key,
            bucket_key_enabled=key is not None,
            enforce_ssl=True,
            minimum_tls_version=_MINIMUM_TLS_VERSION,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix=None if access_logs is None else f"{spec.name}/",
            lifecycle_rules=None if spec.lifecycle is None else [lifecycle_rule(spec.lifecycle)],
            removal_policy=RemovalPolicy.RETAIN,
        )


def lifecycle_rule(lifecycle: catalog.Lifecycle) -> s3.LifecycleRule:
    """The catalog's lifecycle as one rule over the whole bucket (no prefix, no tag filter)."""
    return s3.LifecycleRule(
        id="bounded-retention",
        enabled=True,
        expiration=Duration.days(lifecycle.current_days),
        noncurrent_version_expiration=Duration.days(lifecycle.noncurrent_days),
        abort_incomplete_multipart_upload_after=Duration.days(lifecycle.incomplete_upload_days),
    )
