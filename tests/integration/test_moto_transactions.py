"""The local runtime's moto undoes a cancelled transaction item by item
(:mod:`kentei_local.moto_transactions`): every item the transaction named is as it was, and
everything else stays as written, without copying the table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError
from tests.integration.moto_tables import RECORDS, create_records_table, mocked_aws

from kentei import aws, catalog


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with mocked_aws(monkeypatch, {catalog.table("records").env_var: RECORDS}):
        create_records_table()
        yield


def _key(name: str) -> dict[str, dict[str, str]]:
    return {"prefecture_code": {"S": "13"}, "record_key": {"S": name}}


def _value(name: str) -> str | None:
    item = aws.dynamodb().get_item(TableName=RECORDS, Key=_key(name)).get("Item")
    return None if item is None else item["v"]["S"]


@pytest.mark.usefixtures("moto")
def test_a_cancelled_transaction_leaves_every_item_it_named_as_it_was() -> None:
    dynamodb = aws.dynamodb()
    for name in ("kept", "updated", "deleted", "other"):
        dynamodb.put_item(TableName=RECORDS, Item={**_key(name), "v": {"S": "before"}})
    with pytest.raises(ClientError, match="TransactionCanceled") as caught:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": RECORDS, "Item": {**_key("new"), "v": {"S": "after"}}}},
                {
                    "Update": {
                        "TableName": RECORDS,
                        "Key": _key("updated"),
                        "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"S": "after"}},
                    }
                },
                {"Delete": {"TableName": RECORDS, "Key": _key("deleted")}},
                {
                    "Put": {
                        "TableName": RECORDS,
                        "Item": {**_key("kept"), "v": {"S": "after"}},
                        "ConditionExpression": "attribute_not_exists(record_key)",
                    }
                },
            ]
        )
    reasons = [r["Code"] for r in caught.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _value("new") is None
    assert _value("updated") == "before"
    assert _value("deleted") == "before"
    assert _value("kept") == "before"
    assert _value("other") == "before"


@pytest.mark.usefixtures("moto")
def test_a_transaction_that_goes_through_writes_everything() -> None:
    dynamodb = aws.dynamodb()
    dynamodb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": RECORDS, "Item": {**_key(f"n{i}"), "v": {"S": "x"}}}}
            for i in range(3)
        ]
    )
    assert [_value(f"n{i}") for i in range(3)] == ["x", "x", "x"]
