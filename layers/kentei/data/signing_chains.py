"""The certificate-signing key's certificate chain, read from the certificates bucket.

The object (a public PEM certificate list) is named by ``KENTEI_CERTIFICATE_SIGNING_CHAIN``;
:func:`kentei.certificates.pades_chain.load_signing_chain` reads it through
:class:`BucketChainSource` and checks it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kentei import aws, settings

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


class BucketChainSource:
    """Objects of the certificates bucket (``KENTEI_BUCKET_CERTIFICATES`` unless ``bucket``)."""

    def __init__(self, bucket: str | None = None, s3: S3Client | None = None) -> None:
        self._bucket = bucket
        self._s3_client = s3

    @property
    def bucket(self) -> str:
        return self._bucket or settings.bucket_name("certificates")

    def read(self, key: str) -> bytes:
        s3 = self._s3_client or aws.s3()
        body: bytes = s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body
