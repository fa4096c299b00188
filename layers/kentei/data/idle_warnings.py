"""The idle job's warnings in the records table: ``STAFF_IDLE_WARNING#<username>`` under the
user's prefecture, holding the instant of the latest warning (the staff user's own id only)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Final

from kentei import aws, settings
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

WARNING_PREFIX: Final = "STAFF_IDLE_WARNING#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {WARNING_PREFIX: RecordKind.SIGN_IN_EVENT}
"""The retention kind of each item this module writes, by its key prefix."""


class DynamoIdleWarnings:
    def __init__(self, table: str | None = None, client: DynamoDBClient | None = None) -> None:
        self._table = table or settings.table_name("records")
        self._client = client

    @property
    def _dynamodb(self) -> DynamoDBClient:
        return self._client or aws.dynamodb()

    def warnings(self, prefecture_code: str) -> dict[str, datetime]:
        found: dict[str, datetime] = {}
        for page in self._dynamodb.get_paginator("query").paginate(
            TableName=self._table,
            KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :k)",
            ExpressionAttributeValues={":p": {"S": prefecture_code}, ":k": {"S": WARNING_PREFIX}},
            ConsistentRead=True,
        ):
            for item in page.get("Items", []):
                username = item["record_key"]["S"].removeprefix(WARNING_PREFIX)
                found[username] = datetime.fromisoformat(item["warned_at"]["S"])
        return found

    def record_warning(self, prefecture_code: str, username: str, at: datetime) -> None:
        self._dynamodb.put_item(
            TableName=self._table,
            Item={
                "prefecture_code": {"S": prefecture_code},
                "record_key": {"S": f"{WARNING_PREFIX}{username}"},
                "warned_at": {"S": at.isoformat()},
            },
        )
