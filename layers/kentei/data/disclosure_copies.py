"""Sealed disclosure copies (開示の写し, P10) in the disclosures bucket.

- ``disclosures/<prefecture>/<request id>.sealed``: a copy sealed under its one-time passphrase
  (:mod:`kentei.disclosures.sealing`), written by verify with ``ServerSideEncryption=aws:kms``
  under the bucket's key and a SHA-256 checksum; the privacy office downloads it at a
  presigned GET (intake). The bucket's lifecycle deletes it (the schedule's
  ``disclosure_copy``).
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from kentei import aws, catalog, settings

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


class DisclosureCopies:
    """Objects of the disclosures bucket (``KENTEI_BUCKET_DISCLOSURES`` unless ``bucket``)."""

    def __init__(self, bucket: str | None = None, *, s3: S3Client | None = None) -> None:
        self._bucket = bucket
        self._s3_client = s3

    @property
    def bucket(self) -> str:
        return self._bucket or settings.bucket_name(catalog.DISCLOSURES_BUCKET)

    @property
    def _s3(self) -> S3Client:
        return self._s3_client or aws.s3()

    def put(self, key: str, sealed: bytes) -> None:
        if not key.startswith(catalog.DISCLOSURES_PREFIX):
            raise ValueError("a disclosure copy is kept under disclosures/")
        key_id = settings.key_id(catalog.bucket(catalog.DISCLOSURES_BUCKET).key or "")
        self._s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=sealed,
            ContentType="application/json",
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=key_id,
            ChecksumSHA256=base64.b64encode(hashlib.sha256(sealed).digest()).decode("ascii"),
        )

    def download_url(self, key: str, expires_s: int) -> str:
        """A presigned GET of ``key``: the copy never passes through the API."""
        return self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_s
        )
