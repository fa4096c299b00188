"""Sign-in records against moto's DynamoDB: one transaction keeps the attempt and updates the
user's summary, failures count apart, and a prefecture's summaries hold no other prefecture's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from tests.integration.moto_tables import RECORDS, create_records_table, mocked_aws

from kentei import catalog
from kentei.data.idle_warnings import DynamoIdleWarnings
from kentei.data.sign_ins import EVENT_PREFIX, DynamoSignInStore
from kentei.sign_ins import Outcome, SignIn, record_sign_in

AT = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with mocked_aws(monkeypatch, {catalog.table("records").env_var: RECORDS}):
        create_records_table()
        yield


def test_sign_ins_and_failures_are_kept_and_summarised() -> None:
    store = DynamoSignInStore()
    later = AT + timedelta(hours=1)
    record_sign_in(store, SignIn("admin-13", "13", AT, Outcome.SIGNED_IN, "203.0.113.7", True))
    record_sign_in(store, SignIn("admin-13", "13", later, Outcome.FAILED, "203.0.113.8", False))
    record_sign_in(store, SignIn("clerk-27", "27", AT, Outcome.SIGNED_IN, None, False))

    (summary,) = store.summaries("13")
    assert summary.username == "admin-13"
    assert summary.last_sign_in_at == AT
    assert summary.last_source_ip == "203.0.113.7"
    assert summary.last_mfa_used is True
    assert (summary.sign_ins, summary.failures, summary.last_failure_at) == (1, 1, later)

    events = boto3.client("dynamodb").query(
        TableName=RECORDS,
        KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :k)",
        ExpressionAttributeValues={":p": {"S": "13"}, ":k": {"S": EVENT_PREFIX}},
    )["Items"]
    assert [e["outcome"]["S"] for e in events] == ["signed-in", "failed"]


def test_a_user_never_failing_has_no_failures() -> None:
    store = DynamoSignInStore()
    record_sign_in(store, SignIn("clerk-27", "27", AT, Outcome.SIGNED_IN, None, False))
    (summary,) = store.summaries("27")
    assert (summary.failures, summary.last_failure_at, summary.last_source_ip) == (0, None, None)


def test_idle_warnings_are_kept_per_prefecture_latest_first() -> None:
    warnings = DynamoIdleWarnings()
    warnings.record_warning("13", "clerk-13", AT)
    warnings.record_warning("13", "clerk-13", AT + timedelta(days=1))
    warnings.record_warning("27", "clerk-27", AT)
    assert warnings.warnings("13") == {"clerk-13": AT + timedelta(days=1)}
