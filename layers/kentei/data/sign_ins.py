"""Staff sign-ins in the records table, under the user's prefecture.

Two kinds of item per prefecture partition: ``STAFF_SIGNIN#<username>``, the user's summary
(last sign-in, counts), and ``STAFF_SIGNIN_EVENT#<instant>#<username>#<outcome>``, one per attempt.
Both are written in one transaction, so the summary never counts an attempt that is not
kept. They hold the staff user's own id, instants, a source address and a flag: no applicant
data, no other personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei import aws, settings
from kentei.data.transactions import failed_first
from kentei.retention.kinds import RecordKind
from kentei.sign_ins import Outcome, SignIn, SignInSummary

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

SUMMARY_PREFIX: Final = "STAFF_SIGNIN#"
EVENT_PREFIX: Final = "STAFF_SIGNIN_EVENT#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    SUMMARY_PREFIX: RecordKind.SIGN_IN_EVENT,
    EVENT_PREFIX: RecordKind.SIGN_IN_EVENT,
}
"""The retention kind of each item this module writes, by its key prefix."""


def summary_key(username: str) -> str:
    return f"{SUMMARY_PREFIX}{username}"


def event_key(sign_in: SignIn) -> str:
    return f"{EVENT_PREFIX}{sign_in.at.isoformat()}#{sign_in.username}#{sign_in.outcome.value}"


class DynamoSignInStore:
    def __init__(self, table: str | None = None, client: DynamoDBClient | None = None) -> None:
        """``client`` None: the function's (:func:`kentei.aws.dynamodb`); the local runtime
        passes one of its moto server."""
        self._table = table or settings.table_name("records")
        self._client = client

    @property
    def _dynamodb(self) -> DynamoDBClient:
        return self._client or aws.dynamodb()

    def record(self, sign_in: SignIn) -> bool:
        at = sign_in.at.isoformat()
        event: dict[str, Any] = {
            "prefecture_code": {"S": sign_in.prefecture_code},
            "record_key": {"S": event_key(sign_in)},
            "username": {"S": sign_in.username},
            "at": {"S": at},
            "outcome": {"S": sign_in.outcome.value},
            "mfa_used": {"BOOL": sign_in.mfa_used},
        }
        if sign_in.source_ip:
            event["source_ip"] = {"S": sign_in.source_ip}
        key = {
            "prefecture_code": {"S": sign_in.prefecture_code},
            "record_key": {"S": summary_key(sign_in.username)},
        }
        values: dict[str, Any] = {
            ":one": {"N": "1"},
            ":at": {"S": at},
            ":u": {"S": sign_in.username},
        }
        if sign_in.outcome is Outcome.SIGNED_IN:
            sets = ["username = :u", "last_sign_in_at = :at", "last_mfa_used = :mfa"]
            values[":mfa"] = {"BOOL": sign_in.mfa_used}
            if sign_in.source_ip:
                sets.append("last_source_ip = :ip")
                values[":ip"] = {"S": sign_in.source_ip}
            update = f"SET {', '.join(sets)} ADD sign_ins :one"
        else:
            update = "SET username = :u, last_failure_at = :at ADD failures :one"
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": event,
                    # The same attempt twice (a sweep reading an event again) counts once.
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": key,
                    "UpdateExpression": update,
                    "ExpressionAttributeValues": values,
                }
            },
        ]
        try:
            self._dynamodb.transact_write_items(TransactItems=writes)
        except ClientError as exc:
            if failed_first(exc):
                return False
            raise
        return True

    def summaries(self, prefecture_code: str) -> list[SignInSummary]:
        found: list[SignInSummary] = []
        paginator = self._dynamodb.get_paginator("query")
        for page in paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :k)",
            ExpressionAttributeValues={":p": {"S": prefecture_code}, ":k": {"S": SUMMARY_PREFIX}},
            ConsistentRead=True,
        ):
            found.extend(_summary(prefecture_code, item) for item in page.get("Items", []))
        return found


def _instant(item: dict[str, Any], name: str) -> datetime | None:
    value = item.get(name)
    return datetime.fromisoformat(value["S"]) if value else None


def _summary(prefecture_code: str, item: dict[str, Any]) -> SignInSummary:
    mfa = item.get("last_mfa_used")
    ip = item.get("last_source_ip")
    return SignInSummary(
        username=item["username"]["S"],
        prefecture_code=prefecture_code,
        last_sign_in_at=_instant(item, "last_sign_in_at"),
        last_source_ip=ip["S"] if ip else None,
        last_mfa_used=bool(mfa["BOOL"]) if mfa else None,
        sign_ins=int(item.get("sign_ins", {}).get("N", "0")),
        failures=int(item.get("failures", {}).get("N", "0")),
        last_failure_at=_instant(item, "last_failure_at"),
    )
