"""moto's in-process AWS for data-layer tests: the settings naming the test resources, fresh
``kentei.aws`` clients, and the records, audit and inbox resources shaped as the catalog's."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.responses import DynamoHandler

from kentei import aws, catalog
from kentei_local import moto_kms, moto_query, moto_transactions

RECORDS: Final = "kentei-test-records"
AUDIT: Final = "kentei-test-audit"
INBOX: Final = "kentei-test-inbox"
_CLIENTS: Final = (aws.dynamodb, aws.s3, aws.kms, aws.sqs, aws.cognito_idp)


@contextmanager
def mocked_aws(monkeypatch: pytest.MonkeyPatch, settings: Mapping[str, str]) -> Iterator[None]:
    """moto for the block, fake credentials, ``settings`` in the environment, and
    ``kentei.aws``'s cached clients made anew inside and after it."""
    for name, value in {
        "AWS_DEFAULT_REGION": catalog.REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        **settings,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    moto_transactions.install()  # a cancelled transaction undone item by item
    moto_query.install()  # a base-table query reads the one partition, not the table
    moto_kms.install()  # Sign and Verify honour MessageType (DIGEST), as KMS does
    for client in _CLIENTS:
        client.cache_clear()
    try:
        with mock_aws():
            yield
    finally:
        for client in _CLIENTS:
            client.cache_clear()


def isolate_dynamodb_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """One lock around each DynamoDB request moto handles in process, for threaded tests.

    DynamoDB isolates each write and transaction; moto does not: an ``ADD`` is a
    read-modify-write, a cancelled transaction is undone by restoring a copy of the table
    (dropping what another thread wrote meanwhile), and an answer is built from the stored
    item after the backend call, when another thread may have changed it. Locking the whole
    request (backend call and answer) gives moto DynamoDB's isolation, as the local runtime's
    server does (``kentei_local.moto_server``)."""
    lock = threading.RLock()
    original = DynamoHandler.call_action

    def isolated(self: DynamoHandler) -> Any:
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", isolated)


def create_table(name: str, partition_key: str, sort_key: str) -> None:
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": partition_key, "KeyType": "HASH"},
            {"AttributeName": sort_key, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": partition_key, "AttributeType": "S"},
            {"AttributeName": sort_key, "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def create_records_table() -> None:
    create_table(RECORDS, "prefecture_code", "record_key")


def create_inbox(*, versioned: bool = False) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=INBOX, CreateBucketConfiguration={"LocationConstraint": catalog.REGION})
    if versioned:
        s3.put_bucket_versioning(Bucket=INBOX, VersioningConfiguration={"Status": "Enabled"})


@contextmanager
def records_and_audit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto with the records and audit tables, the settings naming them."""
    settings = {catalog.table("records").env_var: RECORDS, catalog.table("audit").env_var: AUDIT}
    with mocked_aws(monkeypatch, settings):
        create_records_table()
        create_table(AUDIT, "audit_partition", "event_key")
        yield
