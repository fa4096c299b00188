"""The published documents as the public function reads them from S3 (moto): content type and
Cache-Control as stored, a missing one is None, and nothing outside ``published/`` is read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from moto import mock_aws

from kentei import catalog
from kentei.data.published import (
    JWKS_KEY,
    MAX_DOCUMENT_BYTES,
    DocumentTooLargeError,
    PublishedDocuments,
    status_list_key,
)

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

BUCKET = "kentei-certificates-test"


@pytest.fixture
def s3() -> Iterator[S3Client]:
    with mock_aws():
        client = boto3.client("s3", region_name=catalog.REGION)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": catalog.REGION}
        )
        yield client


def test_a_document_comes_back_with_its_type_and_cache_lifetime(s3: S3Client) -> None:
    key = status_list_key(3, "message")
    s3.put_object(
        Bucket=BUCKET,
        Key=key,
        Body=b"eyJ.a.b",
        ContentType="application/vc+jwt",
        CacheControl="public, max-age=300",
    )
    documents = PublishedDocuments(BUCKET, s3=s3)

    document = documents.get(key)

    assert key == "published/status/3/message.jwt"
    assert document is not None
    assert (document.body, document.content_type, document.cache_control) == (
        b"eyJ.a.b",
        "application/vc+jwt",
        "public, max-age=300",
    )
    assert documents.get(JWKS_KEY) is None


def test_only_published_documents_are_read_and_none_too_large(s3: S3Client) -> None:
    documents = PublishedDocuments(BUCKET, s3=s3)
    s3.put_object(Bucket=BUCKET, Key="certificates/13/x.pdf", Body=b"%PDF")
    with pytest.raises(ValueError, match="only published"):
        documents.get("certificates/13/x.pdf")
    s3.put_object(Bucket=BUCKET, Key=JWKS_KEY, Body=b"{" + b" " * MAX_DOCUMENT_BYTES)
    with pytest.raises(DocumentTooLargeError):
        documents.get(JWKS_KEY)
    with pytest.raises(ValueError, match="positive"):
        status_list_key(0, "revocation")
