"""Raw submissions into the inbox, attached files into the attachments bucket.

The inbox is under the vault key, and intake's grant on it is encrypt-only: intake writes
the signed bytes as received (:class:`Inbox`) and can never read them back; verify reads them
(:class:`InboxReader`: ``s3:GetObject`` and the vault key's decrypt, verify's grants only)
and, once verification has ended, deletes every version of the raw parts that hold the My
Number (:meth:`InboxReader.delete`), so that the vault is left the only place holding it.
Objects live under ``applications/<application id>/<part name>`` with the part name
percent-encoded (no ``/``), so a client-chosen name can neither nest nor escape the
application's prefix.

Attachments also go, under the records key, to the attachments bucket for staff review, at
``applications/<application id>/<sha256>``: named by content, not by the client's name.
Both writes are single-part ``PutObject`` (a multipart upload would need ``kms:Decrypt``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Final, Protocol
from urllib.parse import quote

from botocore.exceptions import ClientError

from kentei import aws, settings

SSE: Final = "aws:kms"
_MISSING: Final = frozenset({"NoSuchKey", "404"})


class Part(Protocol):
    """A part of a raw submission: the document, its signature, an attachment, a package."""

    @property
    def name(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    @property
    def content(self) -> bytes: ...


class HashedPart(Part, Protocol):
    @property
    def sha256(self) -> str: ...


def prefix(application_id: str) -> str:
    """Where an application's objects start, in both buckets."""
    return f"applications/{application_id}/"


def inbox_key(application_id: str, part_name: str) -> str:
    return prefix(application_id) + quote(part_name, safe="-._~")


def attachment_key(application_id: str, sha256: str) -> str:
    return prefix(application_id) + sha256


class Inbox:
    def __init__(self, bucket: str | None = None, key_id: str | None = None) -> None:
        self._bucket = bucket or settings.bucket_name("inbox")
        self._key_id = key_id or settings.key_id("vault")

    def put_parts(self, application_id: str, parts: Iterable[Part]) -> str:
        """Write every part, encrypted under the vault key; the prefix they are under."""
        for part in parts:
            aws.s3().put_object(
                Bucket=self._bucket,
                Key=inbox_key(application_id, part.name),
                Body=part.content,
                ContentType=part.media_type,
                ServerSideEncryption=SSE,
                SSEKMSKeyId=self._key_id,
            )
        return prefix(application_id)


class InboxReader:
    """Verify's read path into the inbox: one part of an application's raw submission."""

    def __init__(self, bucket: str | None = None) -> None:
        self._bucket = bucket or settings.bucket_name("inbox")

    def get(self, application_id: str, part_name: str) -> bytes | None:
        """The part's bytes exactly as intake wrote them, or None if the inbox has no such
        part. Any other failure (throttling, no grant) raises: it may pass on a retry."""
        try:
            response = aws.s3().get_object(
                Bucket=self._bucket, Key=inbox_key(application_id, part_name)
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        with response["Body"] as body:
            return body.read()

    def delete(self, application_id: str, part_names: Collection[str]) -> int:
        """Delete every version (and delete marker) of these parts; how many were deleted.

        The bucket is versioned, so a plain ``DeleteObject`` would only hide the bytes behind a
        delete marker: each version is deleted by its id (``s3:DeleteObjectVersion``), found
        by listing the application's prefix (``s3:ListBucketVersions``). Intake may have
        written a part twice (a retried request), hence every version. Parts already gone
        delete nothing, so a retry is harmless; a failure raises (the message is retried).
        """
        keys = {inbox_key(application_id, name) for name in part_names}
        client = aws.s3()
        deleted = 0
        for page in client.get_paginator("list_object_versions").paginate(
            Bucket=self._bucket, Prefix=prefix(application_id)
        ):
            for version in (*page.get("Versions", ()), *page.get("DeleteMarkers", ())):
                if version.get("Key") in keys and "VersionId" in version:
                    client.delete_object(
                        Bucket=self._bucket, Key=version["Key"], VersionId=version["VersionId"]
                    )
                    deleted += 1
        return deleted


class Attachments:
    def __init__(self, bucket: str | None = None, key_id: str | None = None) -> None:
        self._bucket = bucket or settings.bucket_name("attachments")
        self._key_id = key_id or settings.key_id("records")

    def put(self, application_id: str, attachment: HashedPart) -> str:
        """Write one attached file under the records key; its object key."""
        key = attachment_key(application_id, attachment.sha256)
        aws.s3().put_object(
            Bucket=self._bucket,
            Key=key,
            Body=attachment.content,
            ContentType=attachment.media_type,
            ServerSideEncryption=SSE,
            SSEKMSKeyId=self._key_id,
        )
        return key
