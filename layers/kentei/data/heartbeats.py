"""Heartbeat receipts in the records table, under the system partition (not a prefecture)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from kentei import aws, settings
from kentei.heartbeat import HeartbeatReceipt
from kentei.retention.kinds import RecordKind

SYSTEM_PARTITION: Final = "SYSTEM"
HEARTBEAT_PREFIX: Final = "HEARTBEAT#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {HEARTBEAT_PREFIX: RecordKind.HEARTBEAT}
"""The retention kind of each item this module writes, by its key prefix."""


def record_key(function: str) -> str:
    return f"{HEARTBEAT_PREFIX}{function}"


class DynamoHeartbeatStore:
    def __init__(self, table: str | None = None) -> None:
        self._given = table

    @property
    def _table(self) -> str:
        """The records table, read from the settings when first used (a store may be built
        before they are: a composition root builds every port)."""
        return self._given or settings.table_name("records")

    def save(self, receipt: HeartbeatReceipt) -> None:
        aws.dynamodb().put_item(
            TableName=self._table,
            Item={
                "prefecture_code": {"S": SYSTEM_PARTITION},
                "record_key": {"S": record_key(receipt.function)},
                "heartbeat_id": {"S": receipt.heartbeat_id},
                "sent_at": {"S": receipt.sent_at.isoformat()},
                "received_at": {"S": receipt.received_at.isoformat()},
            },
        )

    def received(self) -> list[HeartbeatReceipt]:
        """Every function's latest heartbeat."""
        pages = (
            aws.dynamodb()
            .get_paginator("query")
            .paginate(
                TableName=self._table,
                KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :k)",
                ExpressionAttributeValues={
                    ":p": {"S": SYSTEM_PARTITION},
                    ":k": {"S": HEARTBEAT_PREFIX},
                },
                ConsistentRead=True,
            )
        )
        return [_receipt(item) for page in pages for item in page["Items"]]

    def forget(self, receipt: HeartbeatReceipt) -> None:
        """Delete the function's heartbeat if it is still this one (a newer one stays)."""
        try:
            aws.dynamodb().delete_item(
                TableName=self._table,
                Key={
                    "prefecture_code": {"S": SYSTEM_PARTITION},
                    "record_key": {"S": record_key(receipt.function)},
                },
                ConditionExpression="heartbeat_id = :id",
                ExpressionAttributeValues={":id": {"S": receipt.heartbeat_id}},
            )
        except aws.dynamodb().exceptions.ConditionalCheckFailedException:
            return

    def latest(self, function: str) -> HeartbeatReceipt | None:
        item = (
            aws.dynamodb()
            .get_item(
                TableName=self._table,
                Key={
                    "prefecture_code": {"S": SYSTEM_PARTITION},
                    "record_key": {"S": record_key(function)},
                },
                ConsistentRead=True,
            )
            .get("Item")
        )
        return None if item is None else _receipt(item)


def _receipt(item: Mapping[str, Any]) -> HeartbeatReceipt:
    return HeartbeatReceipt(
        function=item["record_key"]["S"].removeprefix(HEARTBEAT_PREFIX),
        heartbeat_id=item["heartbeat_id"]["S"],
        sent_at=datetime.fromisoformat(item["sent_at"]["S"]),
        received_at=datetime.fromisoformat(item["received_at"]["S"]),
    )
