"""The certificates bucket's objects: issued certificates and the published documents.

- ``certificates/<prefecture>/<certificate id>.pdf``: a signed certificate PDF;
  ``certificates/<prefecture>/<certificate id>.jwt``: its electronic certificate (VC-JWT).
  Both hold the person's name: SSE-KMS under the bucket's key, never public.
- ``published/jwks.json`` and ``published/status/<list number>/<purpose>.jwt``: the issuer's
  keys and status list credentials (public documents, served by the verification API), with
  their ``Cache-Control``; the layout and media types are :mod:`kentei.data.published`'s, the
  reader's.

Every object is written with ``ServerSideEncryption=aws:kms`` under the catalog's key of the
bucket and a SHA-256 checksum.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei import aws, catalog, settings

# The published layout is the public reader's (one definition for writer and reader).
from kentei.data.published import BUCKET

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

CERTIFICATES_PREFIX: Final = "certificates/"


def pdf_key(prefecture_code: str, certificate_id: str) -> str:
    return f"{CERTIFICATES_PREFIX}{prefecture_code}/{certificate_id}.pdf"


def vc_key(prefecture_code: str, certificate_id: str) -> str:
    return f"{CERTIFICATES_PREFIX}{prefecture_code}/{certificate_id}.jwt"


class CertificateFiles:
    """Objects of the certificates bucket (``KENTEI_BUCKET_CERTIFICATES`` unless ``bucket``)."""

    def __init__(
        self, bucket: str | None = None, *, key_id: str | None = None, s3: S3Client | None = None
    ) -> None:
        self._bucket = bucket
        self._key_id = key_id
        self._s3_client = s3

    @property
    def bucket(self) -> str:
        return self._bucket or settings.bucket_name(BUCKET)

    @property
    def _s3(self) -> S3Client:
        return self._s3_client or aws.s3()

    def exists(self, key: str) -> bool:
        try:
            self._s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def put(
        self, key: str, body: bytes, content_type: str, *, cache_control: str | None = None
    ) -> None:
        key_id = self._key_id or settings.key_id(catalog.bucket(BUCKET).key or "")
        extra: dict[str, Any] = {} if cache_control is None else {"CacheControl": cache_control}
        self._s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=key_id,
            ChecksumSHA256=base64.b64encode(hashlib.sha256(body).digest()).decode("ascii"),
            **extra,
        )

    def download_url(self, key: str, expires_s: int) -> str:
        """A presigned GET of ``key``: the PDF never passes through the API."""
        return self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_s
        )

    def read(self, key: str) -> bytes:
        body: bytes = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body
