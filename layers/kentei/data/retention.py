"""The retention job's store (保存期間満了による廃棄): one prefecture's items as the plan reads
them, their deletion with their S3 objects' every version, legal holds, deletion records and
dry-run reports.

Layout, in the prefecture's partition of ``records``:

- ``LEGAL_HOLD#<scope>#<value>``: a legal hold (訴訟ホールド) on a person (``person``, the
  資格仮名ID), a kind (``kind``, a :class:`~kentei.retention.kinds.RecordKind`) or a record
  (``record``, its sort key): the reason, who placed it and when; once lifted, who lifted it
  and when (the item stays: why a record outlived its period).
- ``RETENTION_DELETION#<run>#<kind>``: what a run deleted of a kind: the ids (sort keys), how
  many, the rules applied, the run's instant and when it was written. Never the data.
- ``RETENTION_DRY_RUN#<run>#<kind>``: what a dry run of that instant would delete, alike.

A run writes its deletion record of a kind *before* it deletes (ids added to a set, so a
retried run adds what it deletes again and nothing is deleted unrecorded), then deletes each
record with its derived items and every version of its S3 objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from boto3.dynamodb.types import TypeDeserializer

from kentei import aws, settings
from kentei.data.partition import PrefecturePartition, instant
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import (
    APPLICATION_PREFIX,
    EXAMINEE_PREFIX,
    Doomed,
    Hold,
    HoldScope,
    StoredItem,
    StoredObject,
)

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

HOLD_PREFIX: Final = "LEGAL_HOLD#"
DELETION_PREFIX: Final = "RETENTION_DELETION#"
DRY_RUN_PREFIX: Final = "RETENTION_DRY_RUN#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    HOLD_PREFIX: RecordKind.LEGAL_HOLD,
    DELETION_PREFIX: RecordKind.DELETION_RECORD,
    DRY_RUN_PREFIX: RecordKind.JOB_RUN,
}
"""The retention kind of each item this module writes, by its key prefix."""
_PLAIN: Final = TypeDeserializer()
_PERSON_DOCUMENTS: Final = {
    APPLICATION_PREFIX: "application",
    "INITIAL_REGISTRATION#": "registration",
}
"""Where an application's and an initial registration's 資格仮名ID is: in their document."""


def hold_key(hold: Hold) -> str:
    return f"{HOLD_PREFIX}{hold.scope.value}#{hold.value}"


def report_key(prefix: str, run_id: str, kind: RecordKind) -> str:
    return f"{prefix}{run_id}#{kind.value}"


@dataclass(frozen=True)
class PlacedHold:
    hold: Hold
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str | None = None
    lifted_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.lifted_at is None


@dataclass(frozen=True)
class KindReport:
    """A deletion record or a dry-run report of one kind: ids and rules, never data."""

    run_id: str
    kind: RecordKind
    record_keys: frozenset[str]
    rules: frozenset[str]
    scheduled_at: datetime


def plain(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item's attributes as plain values (DynamoDB JSON read)."""
    return {name: _PLAIN.deserialize(value) for name, value in item.items()}


class PrefectureLegalHolds(PrefecturePartition):
    """One prefecture's legal holds: placed, lifted, read."""

    def place(self, hold: Hold, reason: str, by: str, at: datetime) -> None:
        """Place (or place again, after a lift) a hold."""
        self._dynamodb.put_item(
            TableName=self._table,
            Item={
                **self._key(hold_key(hold)),
                "item_type": {"S": "legal_hold"},
                "scope": {"S": hold.scope.value},
                "value": {"S": hold.value},
                "reason": {"S": reason},
                "placed_by": {"S": by},
                "placed_at": {"S": instant(at)},
            },
        )

    def lift(self, hold: Hold, by: str, at: datetime) -> bool:
        """Lift a placed hold; False if there is none in force."""
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key=self._key(hold_key(hold)),
                UpdateExpression="SET lifted_by = :by, lifted_at = :at",
                ConditionExpression=(
                    "attribute_exists(record_key) AND attribute_not_exists(lifted_at)"
                ),
                ExpressionAttributeValues={":by": {"S": by}, ":at": {"S": instant(at)}},
            )
        except self._dynamodb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def placed(self) -> list[PlacedHold]:
        return [_placed(plain(item)) for item in self._query(HOLD_PREFIX)]

    def active(self) -> list[Hold]:
        return [placed.hold for placed in self.placed() if placed.active]


def _placed(item: Mapping[str, Any]) -> PlacedHold:
    lifted_at = item.get("lifted_at")
    return PlacedHold(
        hold=Hold(HoldScope(item["scope"]), item["value"]),
        reason=item["reason"],
        placed_by=item["placed_by"],
        placed_at=datetime.fromisoformat(item["placed_at"]),
        lifted_by=item.get("lifted_by"),
        lifted_at=datetime.fromisoformat(lifted_at) if lifted_at else None,
    )


class PrefectureRetention(PrefecturePartition):
    """One prefecture's items for the retention job: read all, delete some, record both."""

    def items(self, kind_of: Callable[[str], RecordKind]) -> Iterator[StoredItem]:
        """Every item of the partition whose kind ``kind_of`` knows (by its sort key,
        :func:`kentei.data.record_kinds.kind_of`), as plain values."""
        pages = self._dynamodb.get_paginator("query").paginate(
            TableName=self._table,
            KeyConditionExpression="prefecture_code = :p",
            ExpressionAttributeValues={":p": {"S": self.prefecture_code}},
            ConsistentRead=True,
        )
        for item in (item for page in pages for item in page["Items"]):
            values = plain(item)
            key = values["record_key"]
            try:
                kind = kind_of(key)
            except KeyError:
                continue
            yield StoredItem(key, kind, values)

    def delete(self, doomed: Doomed) -> None:
        """The record and its derived items (a missing one deletes nothing)."""
        for record_key in (doomed.record_key, *doomed.companions):
            self._dynamodb.delete_item(TableName=self._table, Key=self._key(record_key))

    def add_to_report(
        self, prefix: str, run_id: str, kind: RecordKind, doomed: Sequence[Doomed], at: datetime
    ) -> None:
        """Add these records to the run's deletion record (or dry-run report) of the kind."""
        if not doomed:
            return
        keys = {d.record_key for d in doomed}
        rules = {d.rule for d in doomed}
        self._dynamodb.update_item(
            TableName=self._table,
            Key=self._key(report_key(prefix, run_id, kind)),
            UpdateExpression=(
                "SET item_type = :t, #kind = :k, run_id = :r, scheduled_at = :at, "
                "written_at = if_not_exists(written_at, :at) ADD record_keys :keys, #rules :rules"
            ),
            ExpressionAttributeNames={"#kind": "kind", "#rules": "rules"},
            ExpressionAttributeValues={
                ":t": {"S": "retention_deletion" if prefix == DELETION_PREFIX else "dry_run"},
                ":k": {"S": kind.value},
                ":r": {"S": run_id},
                ":at": {"S": instant(at)},
                ":keys": {"SS": sorted(keys)},
                ":rules": {"SS": sorted(rules)},
            },
        )

    def holds_person(self, qualification_pseudonym_id: str) -> bool:
        """Whether an examinee, application or initial registration of the person is here
        (what the vault entry is kept for: the schedule's ``kept_while``)."""
        if self._get(f"{EXAMINEE_PREFIX}{qualification_pseudonym_id}") is not None:
            return True
        value = {":q": {"S": qualification_pseudonym_id}}
        for prefix, document in _PERSON_DOCUMENTS.items():
            found = self._query(prefix, "contains(#d, :q)", value, {"#d": document})
            if next(found, None) is not None:
                return True
        return False

    def reports(self, prefix: str, run_id: str) -> list[KindReport]:
        return [
            KindReport(
                run_id=values["run_id"],
                kind=RecordKind(values["kind"]),
                record_keys=frozenset(values["record_keys"]),
                rules=frozenset(values["rules"]),
                scheduled_at=datetime.fromisoformat(values["scheduled_at"]),
            )
            for values in map(plain, self._query(f"{prefix}{run_id}#"))
        ]


class StoredObjects:
    """Deletes a record's S3 objects with every version and delete marker."""

    def __init__(self, client: S3Client | None = None) -> None:
        self._client = client

    @property
    def _s3(self) -> S3Client:
        return self._client or aws.s3()

    def delete_every_version(self, stored: StoredObject) -> int:
        """Every version of the object (or of every object under the prefix); how many."""
        bucket = settings.bucket_name(stored.bucket)
        deleted = 0
        for page in self._s3.get_paginator("list_object_versions").paginate(
            Bucket=bucket, Prefix=stored.key
        ):
            for version in (*page.get("Versions", ()), *page.get("DeleteMarkers", ())):
                key = version.get("Key", "")
                if (stored.prefix or key == stored.key) and "VersionId" in version:
                    self._s3.delete_object(Bucket=bucket, Key=key, VersionId=version["VersionId"])
                    deleted += 1
        return deleted


def deleted_ids(reports: Iterable[KindReport]) -> dict[RecordKind, frozenset[str]]:
    return {report.kind: report.record_keys for report in reports}
