"""The issuer's published documents in the certificates bucket, read as the public API serves them.

Certify publishes, under ``published/`` of the certificates bucket:

- ``published/jwks.json``: the key ring's JWK Set (``application/jwk-set+json``);
- ``published/status/<list number>/<purpose>.jwt``: status list ``n``'s ``revocation`` or
  ``message`` credential (``application/vc+jwt``), the document behind the issuer's URL
  ``<issuer>/credentials/status/<n>/<purpose>``;

each with its ``Cache-Control``. The public verification function reads them here (its grant
is ``s3:GetObject`` on ``published/*`` alone) and serves them with the stored content type and
cache lifetime. They are public by nature: keys and bits, no person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from kentei import aws, catalog, settings

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

BUCKET: Final = catalog.CERTIFICATES_BUCKET
PUBLISHED_PREFIX: Final = catalog.PUBLISHED_PREFIX
JWKS_KEY: Final = f"{PUBLISHED_PREFIX}jwks.json"
JWKS_MEDIA_TYPE: Final = "application/jwk-set+json"
VC_JWT_MEDIA_TYPE: Final = "application/vc+jwt"
MAX_DOCUMENT_BYTES: Final = 1024 * 1024
"""The largest published document read: a message list with tens of thousands of changes is
a few hundred kilobytes; anything larger is not ours."""
_ABSENT: Final = frozenset({"404", "NoSuchKey", "NotFound", "403", "AccessDenied"})
"""S3 answers ``AccessDenied`` for a missing key to a reader without ``s3:ListBucket``, which
the public function does not hold: either way the document is not there for it."""


def status_list_key(list_number: int, purpose: str) -> str:
    """Where status list ``list_number``'s ``purpose`` credential is published."""
    if list_number < 1:
        raise ValueError("a status list number is positive")
    return f"{PUBLISHED_PREFIX}status/{list_number}/{purpose}.jwt"


class DocumentTooLargeError(ValueError):
    """A published object larger than :data:`MAX_DOCUMENT_BYTES`."""


@dataclass(frozen=True)
class PublishedDocument:
    body: bytes
    content_type: str
    cache_control: str | None


class PublishedDocuments:
    """The certificates bucket's ``published/`` objects (``KENTEI_BUCKET_CERTIFICATES``)."""

    def __init__(self, bucket: str | None = None, *, s3: S3Client | None = None) -> None:
        self._bucket = bucket
        self._s3_client = s3

    @property
    def bucket(self) -> str:
        return self._bucket or settings.bucket_name(BUCKET)

    def get(self, key: str) -> PublishedDocument | None:
        """The document at ``key`` (under ``published/``), or None when there is none."""
        if not key.startswith(PUBLISHED_PREFIX):
            raise ValueError("only published documents are read here")
        s3 = self._s3_client or aws.s3()
        try:
            answer = s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _ABSENT:
                return None
            raise
        stream = answer["Body"]
        try:
            body = stream.read(MAX_DOCUMENT_BYTES + 1)
        finally:
            stream.close()
        if len(body) > MAX_DOCUMENT_BYTES:
            raise DocumentTooLargeError(f"{key} is larger than {MAX_DOCUMENT_BYTES} bytes")
        return PublishedDocument(
            body=body,
            content_type=answer.get("ContentType") or "application/octet-stream",
            cache_control=answer.get("CacheControl"),
        )
