"""The JWK Set last published, as a record beside the status lists (issue 11).

One item of the partition :data:`~kentei.data.status_lists.CREDENTIALS_PARTITION` of
``records``: ``JWKS_PUBLISHED`` with the ``digest`` of the document put at
``published/jwks.json`` (:func:`kentei.credentials.jwks.jwks_digest`: public keys, no person)
and the instant ``published_at``. Certify's daily re-signing compares the key ring's JWK Set
with it, so a rotation (a new active key, one more retired) is seen without reading S3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei import aws, settings
from kentei.data.status_lists import CREDENTIALS_PARTITION, signing_instant
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

JWKS_PUBLISHED_KEY: Final = "JWKS_PUBLISHED"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {JWKS_PUBLISHED_KEY: RecordKind.ISSUER_RECORD}
"""The retention kind of each item this module writes, by its key prefix."""


@dataclass(frozen=True)
class JwksPublication:
    """What was last published: the document's digest, and when."""

    digest: str
    published_at: dt.datetime


class PublishedJwks:
    """The record of the JWK Set last published (the records table)."""

    def __init__(self, table: str | None = None, *, client: DynamoDBClient | None = None) -> None:
        self._table_name = table
        self._client = client

    @property
    def _table(self) -> str:
        return self._table_name or settings.table_name("records")

    @property
    def _dynamodb(self) -> DynamoDBClient:
        return self._client or aws.dynamodb()

    @staticmethod
    def _key() -> dict[str, Any]:
        return {
            "prefecture_code": {"S": CREDENTIALS_PARTITION},
            "record_key": {"S": JWKS_PUBLISHED_KEY},
        }

    def last(self) -> JwksPublication | None:
        item = self._dynamodb.get_item(
            TableName=self._table, Key=self._key(), ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        return JwksPublication(
            item["digest"]["S"], dt.datetime.fromisoformat(item["published_at"]["S"])
        )

    def record(self, digest: str, at: dt.datetime) -> bool:
        """Record that the document of ``digest`` was published at ``at``; False (nothing
        written) when a later publication is recorded already."""
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    **self._key(),
                    "digest": {"S": digest},
                    "published_at": {"S": signing_instant(at)},
                },
                ConditionExpression="attribute_not_exists(record_key) OR published_at <= :t",
                ExpressionAttributeValues={":t": {"S": signing_instant(at)}},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
