"""The records and audit tables in moto's in-process DynamoDB, named through the catalog's
settings: for data-layer tests of decisions and their audit entries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import boto3
import pytest
from moto import mock_aws

from kentei import aws, catalog

RECORDS: Final = "kentei-test-records"
AUDIT: Final = "kentei-test-audit"


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


@contextmanager
def records_and_audit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto with the records and audit tables, the settings naming them, fresh clients."""
    for name, value in {
        "AWS_DEFAULT_REGION": catalog.REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        catalog.table("records").env_var: RECORDS,
        catalog.table("audit").env_var: AUDIT,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    aws.dynamodb.cache_clear()
    try:
        with mock_aws():
            create_table(RECORDS, "prefecture_code", "record_key")
            create_table(AUDIT, "audit_partition", "event_key")
            yield
    finally:
        aws.dynamodb.cache_clear()
