"""What sync sent to the national qualifications system (issue 12), in the records table under
the prefecture, and the synced items as they are now.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``NATIONAL_SENT#<kind>#<record id>``: the newest version of the record the national side
  acknowledged (``applied`` or ``stale``), when, and the version it said it holds: ids,
  versions and times only, never the record's data (reconciliation starts from these).
  ``version`` and ``held_version`` are 40-digit zero-padded strings (a stream sequence number
  has up to 40 digits, more than a DynamoDB number keeps), so they compare as strings; a mark
  is only ever replaced by a newer version's (:meth:`PrefectureNationalSync.mark_sent`).

The synced items themselves (``EXAMINEE#``, ``SITTING#``, ``PASS#``, ``CERTIFICATE#``) belong to
the roster, passes and certificates stores; :meth:`PrefectureNationalSync.item` reads one as
stored (consistent), for :mod:`kentei.national.records` to map, and
:meth:`PrefectureNationalSync.synced_items` and :meth:`PrefectureNationalSync.sent_marks` read
them all, with every mark, for reconciliation (:mod:`sync.national_reconcile`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from botocore.exceptions import ClientError

from kentei.catalog import NATIONAL_SYNCED_PREFIXES
from kentei.data.partition import PrefecturePartition, instant
from kentei.data.suspensions import PrefectureSuspensions
from kentei.retention.kinds import RecordKind

SENT_PREFIX: Final = "NATIONAL_SENT#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {SENT_PREFIX: RecordKind.NATIONAL_SYNC}
"""The retention kind of each item this module writes, by its key prefix."""
VERSION_DIGITS: Final = 40


def sent_key(kind: str, record_id: str) -> str:
    return f"{SENT_PREFIX}{kind}#{record_id}"


def padded(version: int) -> str:
    """``version`` as a string that compares as the number does."""
    if not 0 < version < 10**VERSION_DIGITS:
        raise ValueError("a version has 1 to 40 digits")
    return f"{version:0{VERSION_DIGITS}d}"


@dataclass(frozen=True)
class SentMark:
    """The national side acknowledged ``version`` of the record at ``sent_at``."""

    kind: str
    record_id: str
    qualification_pseudonym_id: str
    version: int
    held_version: int
    outcome: Literal["applied", "stale"]
    sent_at: datetime


class PrefectureNationalSync(PrefecturePartition):
    """One prefecture's sent marks, and its synced items as stored."""

    def item(self, record_key: str) -> dict[str, Any] | None:
        """The item at ``record_key`` as stored (DynamoDB JSON), read consistently."""
        return self._get(record_key)

    def suspended_persons(self) -> frozenset[str]:
        """Whose use of their data is suspended in the prefecture (利用停止): their records
        are not provided to the national side until it is lifted."""
        return PrefectureSuspensions(
            self.prefecture_code, self._table, client=self._client
        ).suspended_persons()

    def sent(self, kind: str, record_id: str) -> SentMark | None:
        item = self._get(sent_key(kind, record_id))
        return None if item is None else _mark(item)

    def synced_items(self) -> Iterator[dict[str, Any]]:
        """Every synced item of the prefecture as stored (DynamoDB JSON), prefix by prefix."""
        for prefix in NATIONAL_SYNCED_PREFIXES:
            yield from self._query(prefix)

    def sent_marks(self) -> Iterator[SentMark]:
        """Every sent mark of the prefecture."""
        for item in self._query(SENT_PREFIX):
            yield _mark(item)

    def has_synced(self) -> bool:
        """Whether the prefecture holds a synced item or a sent mark (one small read each)."""
        for prefix in (SENT_PREFIX, *NATIONAL_SYNCED_PREFIXES):
            answer = self._dynamodb.query(
                TableName=self._table,
                KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :k)",
                ExpressionAttributeValues={
                    ":p": {"S": self.prefecture_code},
                    ":k": {"S": prefix},
                },
                ProjectionExpression="record_key",
                Limit=1,
            )
            if answer["Items"]:
                return True
        return False

    def mark_sent(self, mark: SentMark) -> bool:
        """Keep ``mark`` unless a mark of the same or a newer version is there (False)."""
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    **self._key(sent_key(mark.kind, mark.record_id)),
                    "item_type": {"S": "national_sent"},
                    "kind": {"S": mark.kind},
                    "record_id": {"S": mark.record_id},
                    "qualification_pseudonym_id": {"S": mark.qualification_pseudonym_id},
                    "version": {"S": padded(mark.version)},
                    "held_version": {"S": padded(mark.held_version)},
                    "outcome": {"S": mark.outcome},
                    "sent_at": {"S": instant(mark.sent_at)},
                },
                ConditionExpression="attribute_not_exists(record_key) OR version < :v",
                ExpressionAttributeValues={":v": {"S": padded(mark.version)}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


def _mark(item: dict[str, Any]) -> SentMark:
    return SentMark(
        kind=item["kind"]["S"],
        record_id=item["record_id"]["S"],
        qualification_pseudonym_id=item["qualification_pseudonym_id"]["S"],
        version=int(item["version"]["S"]),
        held_version=int(item["held_version"]["S"]),
        outcome="applied" if item["outcome"]["S"] == "applied" else "stale",
        sent_at=datetime.fromisoformat(item["sent_at"]["S"]),
    )
