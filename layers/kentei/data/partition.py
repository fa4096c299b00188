"""What every store of one prefecture's items in the records table shares: the partition key,
a consistent read of one item, the client, and the fixed-width instant the items hold.

The roster, sessions, change proposals and deletions each keep their items under the
prefecture (partition ``prefecture_code``, sort ``record_key``); subclasses add their own
layout. Every read and write stays in the store's prefecture.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from kentei import aws, settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from kentei.data.audit import AuditEvent


READ_BATCH: Final = 100
"""``BatchGetItem``'s limit."""
_READ_RETRIES: Final = 8


def instant(at: datetime) -> str:
    """UTC with microseconds and a fixed width, so that stored times compare as strings."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class PrefecturePartition:
    def __init__(
        self,
        prefecture_code: str,
        table: str | None = None,
        *,
        audit_table: str | None = None,
        client: DynamoDBClient | None = None,
    ) -> None:
        """``client`` None: the function's (:func:`kentei.aws.dynamodb`); ``audit_table``
        None: the catalog's audit table, for stores that write audit entries with their
        items."""
        self.prefecture_code = prefecture_code
        self._table = table or settings.table_name("records")
        self._audit_table = audit_table
        self._client = client

    @property
    def _dynamodb(self) -> DynamoDBClient:
        return self._client or aws.dynamodb()

    def _key(self, record_key: str) -> dict[str, Any]:
        return {"prefecture_code": {"S": self.prefecture_code}, "record_key": {"S": record_key}}

    def _get(self, record_key: str) -> dict[str, Any] | None:
        item = self._dynamodb.get_item(
            TableName=self._table, Key=self._key(record_key), ConsistentRead=True
        ).get("Item")
        return dict(item) if item is not None else None

    def _batch_get(self, record_keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored items of ``record_keys``, by record key (consistent reads, 100 keys a
        request, what DynamoDB leaves unprocessed asked again with backoff)."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(record_keys), READ_BATCH):
            remaining = [self._key(key) for key in record_keys[start : start + READ_BATCH]]
            for attempt in range(_READ_RETRIES):
                if not remaining:
                    break
                answer = self._dynamodb.batch_get_item(
                    RequestItems={self._table: {"Keys": remaining, "ConsistentRead": True}}
                )
                for item in answer.get("Responses", {}).get(self._table, []):
                    found[item["record_key"]["S"]] = dict(item)
                unprocessed = answer.get("UnprocessedKeys", {}).get(self._table)
                remaining = [dict(key) for key in unprocessed["Keys"]] if unprocessed else []
                if remaining:
                    time.sleep(min(1.0, 0.05 * 2**attempt))
            if remaining:
                raise RuntimeError(f"{len(remaining)} reads left unprocessed")
        return found

    def _query(
        self,
        prefix: str,
        filter_expression: str = "",
        values: dict[str, Any] | None = None,
        names: dict[str, str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every item of the partition whose key starts with ``prefix`` (consistent, page by
        page), those ``filter_expression`` keeps."""
        arguments: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "prefecture_code = :p AND begins_with(record_key, :k)",
            "ExpressionAttributeValues": {
                ":p": {"S": self.prefecture_code},
                ":k": {"S": prefix},
                **(values or {}),
            },
            "ConsistentRead": True,
        }
        if filter_expression:
            arguments["FilterExpression"] = filter_expression
        if names:
            arguments["ExpressionAttributeNames"] = names
        for page in self._dynamodb.get_paginator("query").paginate(**arguments):
            yield from page["Items"]

    def _page_at_status(
        self, prefix: str, status: str, limit: int, after: str | None, read_batch: int = 100
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Up to ``limit`` items of ``prefix`` whose ``status`` attribute is ``status``, in key
        order (consistent), and the id (the key after ``prefix``) to read after for the next
        page, or None at the end. Each query reads ``read_batch`` items before the filter."""
        found: list[dict[str, Any]] = []
        start = None if after is None else self._key(prefix + after)
        while True:
            arguments: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "prefecture_code = :p AND begins_with(record_key, :k)",
                "FilterExpression": "#s = :status",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {
                    ":p": {"S": self.prefecture_code},
                    ":k": {"S": prefix},
                    ":status": {"S": status},
                },
                "Limit": read_batch,
                "ConsistentRead": True,
            }
            if start is not None:
                arguments["ExclusiveStartKey"] = start
            answer = self._dynamodb.query(**arguments)
            for item in answer["Items"]:
                found.append(dict(item))
                if len(found) == limit:
                    return found, item["record_key"]["S"].removeprefix(prefix)
            start = answer.get("LastEvaluatedKey")
            if start is None:
                return found, None

    def _write_audited(
        self, writes: Sequence[TransactWriteItemTypeDef], audit: Sequence[AuditEvent] = ()
    ) -> None:
        """``writes`` in one transaction, with ``audit``'s entries appended to their chain
        (:meth:`kentei.data.audit.AuditTrail.transact`) when there are any. Every event is of
        this prefecture."""
        for event in audit:
            if event.prefecture_code != self.prefecture_code:
                raise ValueError("an audit event of another prefecture")
        if audit:
            from kentei.data.audit import AuditTrail

            AuditTrail(self._audit_table).transact(writes, audit)
        else:
            self._dynamodb.transact_write_items(TransactItems=list(writes))
