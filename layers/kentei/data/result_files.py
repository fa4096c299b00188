"""Result files (R11) in the imports bucket: uploaded by staff at a presigned PUT, streamed by
sync, and their problems reports, downloaded at a presigned GET.

Keys (``kentei.results.imports.record``): ``imports/<prefecture>/<import id>.csv`` (the file as
uploaded; the bucket's notification tells sync) and ``reports/<prefecture>/<import id>.csv``
(the problems CSV). S3 deletes both after the bucket's lifecycle
(``kentei.catalog.IMPORTS_LIFECYCLE``). A file never passes through the API: staff put it
straight into S3, encrypted under the records key (the URL requires the SSE-KMS headers).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Final

import boto3
from botocore.config import Config

from kentei import aws, catalog, settings

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

CHUNK: Final = 64 * 1024
"""Bytes read from S3 at a time: memory stays flat in the file's size."""
_PRESIGN: Final = Config(signature_version="s3v4")
"""SigV4 (the SSE-KMS headers are signed); botocore picks the addressing style (virtual-hosted
on AWS, path-style at a local endpoint)."""


@dataclass(frozen=True)
class Upload:
    """A presigned PUT: the client sends exactly these headers with the file's bytes."""

    url: str
    headers: dict[str, str]
    expires_in_s: int


class ResultFiles:
    """The imports bucket."""

    def __init__(
        self, bucket: str | None = None, *, key_id: str | None = None, s3: S3Client | None = None
    ) -> None:
        self._bucket = bucket
        self._key_id = key_id
        self._s3_client = s3

    @property
    def bucket(self) -> str:
        return self._bucket or settings.bucket_name(catalog.IMPORTS_BUCKET)

    @property
    def _s3(self) -> S3Client:
        return self._s3_client or aws.s3()

    def upload(self, key: str, expires_s: int) -> Upload:
        """A presigned PUT of ``key``, SSE-KMS under the bucket's key (signed headers)."""
        key_id = self._key_id or settings.key_id(catalog.bucket(catalog.IMPORTS_BUCKET).key or "")
        headers = {
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": key_id,
        }
        url = self._presigner().generate_presigned_url(
            "put_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ServerSideEncryption": "aws:kms",
                "SSEKMSKeyId": key_id,
            },
            ExpiresIn=expires_s,
            HttpMethod="PUT",
        )
        return Upload(url=url, headers=headers, expires_in_s=expires_s)

    def download_url(self, key: str, expires_s: int) -> str:
        """A presigned GET of ``key`` (a problems report)."""
        return self._presigner().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_s
        )

    def chunks(self, key: str, version_id: str | None) -> Iterator[bytes]:
        """The object's bytes, :data:`CHUNK` at a time (never the whole file in memory)."""
        if version_id is None:
            answer = self._s3.get_object(Bucket=self.bucket, Key=key)
        else:
            answer = self._s3.get_object(Bucket=self.bucket, Key=key, VersionId=version_id)
        body = answer["Body"]
        try:
            yield from body.iter_chunks(chunk_size=CHUNK)
        finally:
            body.close()

    def delete_every_version(self, key: str) -> int:
        """Delete every version of ``key`` (and its delete markers): a file that must not be
        kept. The number of versions deleted."""
        deleted = 0
        for page in self._s3.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=key
        ):
            for version in (*page.get("Versions", ()), *page.get("DeleteMarkers", ())):
                if version.get("Key") == key and "VersionId" in version:
                    self._s3.delete_object(
                        Bucket=self.bucket, Key=key, VersionId=version["VersionId"]
                    )
                    deleted += 1
        return deleted

    def put_report(self, key: str, body: IO[bytes]) -> None:
        """Store a problems report read from ``body`` (a spooled file)."""
        self._s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType="text/csv; charset=utf-8",
        )

    def _presigner(self) -> S3Client:
        if self._s3_client is not None:
            return self._s3_client
        # A client of its own: SigV4 URLs, whatever the function's client is configured with.
        client: S3Client = boto3.client("s3", config=_PRESIGN)
        return client
