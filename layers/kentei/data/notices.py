"""Notice records and post lists (R13, R2) in the records table, under the prefecture.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``NOTICE#<notice id>``: a notice's record (:class:`kentei.notice_records.NoticeRecord`):
  kind, channel, subject ids, outcome, receipt id, failed attempts. The notice id starts with
  its application id, so an application's notices are one query.
- ``POSTLIST#<group key>#<application id>``: a pass notice to mail
  (:class:`kentei.notice_records.PostListEntry`, ids only), so a results group's post list is
  one query; written in the transaction that records the notice's ``post_list`` outcome.

A final record (sent, or on the post list) is never overwritten: a second writer's condition
fails and the stored record is answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.partition import PrefecturePartition
from kentei.data.transactions import cancellation_codes
from kentei.notice_records import (
    NoticeOutcome,
    NoticeRecord,
    PostListEntry,
    notice_prefix,
)
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import PutTypeDef

NOTICE_PREFIX: Final = "NOTICE#"
POST_LIST_PREFIX: Final = "POSTLIST#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    NOTICE_PREFIX: RecordKind.NOTICE,
    POST_LIST_PREFIX: RecordKind.NOTICE,
}
"""The retention kind of each item this module writes, by its key prefix."""
_NOT_FINAL: Final = "attribute_not_exists(record_key) OR outcome = :retrying"


def notice_key(notice_id: str) -> str:
    return f"{NOTICE_PREFIX}{notice_id}"


def post_list_key(group_key: str, application_id: str) -> str:
    return f"{POST_LIST_PREFIX}{group_key}#{application_id}"


class PrefectureNotices(PrefecturePartition):
    """One prefecture's notice records and post lists."""

    def get(self, notice_id: str) -> NoticeRecord | None:
        item = self._get(notice_key(notice_id))
        return None if item is None else NoticeRecord.model_validate_json(item["notice"]["S"])

    def of_application(self, application_id: str) -> list[NoticeRecord]:
        return [
            NoticeRecord.model_validate_json(item["notice"]["S"])
            for item in self._query(f"{NOTICE_PREFIX}{notice_prefix(application_id)}")
        ]

    def save(self, record: NoticeRecord, post: PostListEntry | None = None) -> NoticeRecord:
        """Write ``record`` (and its post-list entry, in one transaction) unless a final
        record is stored already: that one is answered then."""
        self._own(record)
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": self._item(record),
            "ConditionExpression": _NOT_FINAL,
            "ExpressionAttributeValues": {":retrying": {"S": NoticeOutcome.RETRYING.value}},
        }
        try:
            if post is None:
                self._dynamodb.put_item(**put)
            else:
                self._dynamodb.transact_write_items(
                    TransactItems=[
                        {"Put": put},
                        {"Put": {"TableName": self._table, "Item": self._post_item(post)}},
                    ]
                )
        except ClientError as exc:
            failed = exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
            codes = cancellation_codes(exc)
            if not failed and (codes is None or codes[0] != "ConditionalCheckFailed"):
                raise
            stored = self.get(record.notice_id)
            if stored is None:
                raise
            return stored
        return record

    def post_list(self, group_key: str) -> list[PostListEntry]:
        """A results group's post list, in application-id order."""
        return [
            PostListEntry.model_validate_json(item["entry"]["S"])
            for item in self._query(f"{POST_LIST_PREFIX}{group_key}#")
        ]

    def _own(self, record: NoticeRecord) -> None:
        if record.application_id[:2] != self.prefecture_code:
            raise ValueError("the notice's application is of another prefecture")

    def _item(self, record: NoticeRecord) -> dict[str, Any]:
        return {
            **self._key(notice_key(record.notice_id)),
            "item_type": {"S": "notice"},
            "outcome": {"S": record.outcome.value},
            "notice": {"S": record.model_dump_json()},
        }

    def _post_item(self, entry: PostListEntry) -> dict[str, Any]:
        return {
            **self._key(post_list_key(entry.group_key, entry.application_id)),
            "item_type": {"S": "post_list_entry"},
            "entry": {"S": entry.model_dump_json()},
        }
