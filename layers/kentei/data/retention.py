"""The retention job's store (保存期間満了による廃棄): one prefecture's items as the plan reads
them, their deletion with their S3 objects' every version, legal holds, deletion records and
dry-run reports.

Layout, in the prefecture's partition of ``records``:

- ``LEGAL_HOLD#<scope>#<value>``: a legal hold (訴訟ホールド) on a person (``person``, the
  資格仮名ID), a kind (``kind``, a :class:`~kentei.retention.kinds.RecordKind`) or a record
  (``record``, its sort key): the reason, who placed it and when; once lifted, who lifted it
  and when (the item stays: why a record outlived its period).
- ``RETENTION_DELETION#<run>#<kind>#<page>``: what a run deleted of a kind in one page of
  the partition: the ids (sort keys), the rules applied, the run's instant and when it was
  written. Never the data. A kind's deletion record is its pages' together (one item per page
  keeps each below DynamoDB's item size however large the partition).
- ``RETENTION_DRY_RUN#<run>#<kind>#<page>``: what a dry run of that instant would delete, alike.
- ``RETENTION_PAGE#<run>#<mode>#<phase>#<page>``: a page of a run (``mode`` ``run`` or
  ``dry``; ``phase`` ``index``, ``delete`` or ``release``): the keys it starts after and ends
  at (fixed when the index page is first read; a delete page takes its index page's, so a
  retried page reads the same range however much of it was deleted), whether it is the last,
  and its facts (zlib-compressed JSON: ids, kinds and instants, no data).

A run writes its deletion record of a kind *before* it deletes (ids added to a set, so a
retried run adds what it deletes again and nothing is deleted unrecorded), then deletes each
record with its derived items and every version of its S3 objects.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from boto3.dynamodb.types import TypeDeserializer

from kentei import aws, settings
from kentei.data.partition import PrefecturePartition, instant
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import (
    APPLICATION_PREFIX,
    EXAMINEE_PREFIX,
    PAGE_PREFIX,
    Doomed,
    Hold,
    HoldScope,
    StoredItem,
    StoredObject,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef
    from mypy_boto3_s3.client import S3Client

HOLD_PREFIX: Final = "LEGAL_HOLD#"
DELETION_PREFIX: Final = "RETENTION_DELETION#"
DRY_RUN_PREFIX: Final = "RETENTION_DRY_RUN#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    HOLD_PREFIX: RecordKind.LEGAL_HOLD,
    DELETION_PREFIX: RecordKind.DELETION_RECORD,
    DRY_RUN_PREFIX: RecordKind.JOB_RUN,
    PAGE_PREFIX: RecordKind.JOB_RUN,
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


def report_key(prefix: str, run_id: str, kind: RecordKind, page: int) -> str:
    return f"{prefix}{run_id}#{kind.value}#{page:06d}"


def page_key(run_id: str, mode: str, phase: str, page: int) -> str:
    return f"{PAGE_PREFIX}{run_id}#{mode}#{phase}#{page:06d}"


@dataclass(frozen=True)
class RunPage:
    """A page of a run: the range it reads (after ``after``, up to ``end`` included; None:
    from the start, or an empty page) and what it carries."""

    run_id: str
    mode: str
    phase: str
    page: int
    after: str | None
    end: str | None
    last: bool
    facts: str | None = None
    """What the page carries, as JSON: an index page its :class:`~kentei.retention.sweep.
    Index`, a delete page its slice of the settled index (:class:`~kentei.retention.sweep.
    Resolved`), a release page its releases."""


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

    def page_items(
        self,
        kind_of: Callable[[str], RecordKind],
        after: str | None,
        limit: int,
        end: str | None = None,
    ) -> tuple[list[StoredItem], str | None, bool]:
        """Up to ``limit`` items after the key ``after`` (None: from the start), or, ``end``
        given, every item after ``after`` up to ``end``; with the last key read and whether
        more items follow."""
        condition = "prefecture_code = :p" + ("" if end is None else " AND record_key <= :e")
        values: dict[str, Any] = {":p": {"S": self.prefecture_code}}
        if end is not None:
            values[":e"] = {"S": end}
        read: list[dict[str, Any]] = []
        start: dict[str, Any] | None = None if after is None else self._key(after)
        more = True
        while more and (end is not None or len(read) < limit):
            request: QueryInputTypeDef = {
                "TableName": self._table,
                "KeyConditionExpression": condition,
                "ExpressionAttributeValues": values,
                "ConsistentRead": True,
            }
            if end is None:
                request["Limit"] = limit - len(read)
            if start is not None:
                request["ExclusiveStartKey"] = start
            answer = self._dynamodb.query(**request)
            read += answer["Items"]
            start = answer.get("LastEvaluatedKey")
            more = start is not None
        items: list[StoredItem] = []
        for item in read:
            values_read = plain(item)
            key = values_read["record_key"]
            try:
                kind = kind_of(key)
            except KeyError:
                continue
            items.append(StoredItem(key, kind, values_read))
        last = read[-1]["record_key"]["S"] if read else None
        if more and end is None and last is not None:
            # Limit stopped the read: whether anything follows is one more look.
            follows = self._dynamodb.query(
                TableName=self._table,
                KeyConditionExpression="prefecture_code = :p",
                ExpressionAttributeValues={":p": {"S": self.prefecture_code}},
                ExclusiveStartKey=self._key(last),
                Limit=1,
                ProjectionExpression="record_key",
            )
            more = bool(follows["Items"])
        return items, last, more

    def page(self, run_id: str, mode: str, phase: str, page: int) -> RunPage | None:
        item = self._get(page_key(run_id, mode, phase, page))
        return None if item is None else _page_of(plain(item))

    def save_page(self, page: RunPage, at: datetime) -> RunPage:
        """Write the page once; a page written before (a retried message) is the stored one."""
        item: dict[str, Any] = {
            **self._key(page_key(page.run_id, page.mode, page.phase, page.page)),
            "item_type": {"S": "retention_page"},
            "run_id": {"S": page.run_id},
            "mode": {"S": page.mode},
            "phase": {"S": page.phase},
            "page": {"N": str(page.page)},
            "last": {"BOOL": page.last},
            "written_at": {"S": instant(at)},
        }
        for name, value in (("after", page.after), ("end", page.end)):
            if value is not None:
                item[name] = {"S": value}
        if page.facts is not None:
            item["facts"] = {"B": zlib.compress(page.facts.encode(), 9)}
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(record_key)",
            )
        except self._dynamodb.exceptions.ConditionalCheckFailedException:
            stored = self.page(page.run_id, page.mode, page.phase, page.page)
            assert stored is not None
            return stored
        return page

    def run_pages(self, run_id: str, mode: str, phase: str) -> list[RunPage]:
        """The run's pages of a phase, in order."""
        prefix = page_key(run_id, mode, phase, 0)[: -len("000000")]
        return [_page_of(plain(item)) for item in self._query(prefix)]

    def forget_pages(self, through_run: str) -> int:
        """Delete the page records (with their persons' facts) of every run, dry or not, whose
        id is ``through_run`` or before: run ids are UTC instants, they compare as strings."""
        gone = 0
        for item in self._query(PAGE_PREFIX):
            if item["run_id"]["S"] <= through_run:
                self._dynamodb.delete_item(
                    TableName=self._table, Key=self._key(item["record_key"]["S"])
                )
                gone += 1
        return gone

    def delete(self, doomed: Doomed) -> None:
        """The record and its derived items (a missing one deletes nothing)."""
        for record_key in (doomed.record_key, *doomed.companions):
            self._dynamodb.delete_item(TableName=self._table, Key=self._key(record_key))

    def add_to_report(
        self,
        prefix: str,
        run_id: str,
        kind: RecordKind,
        doomed: Sequence[Doomed],
        at: datetime,
        *,
        page: int = 0,
    ) -> None:
        """Add these records to the run's deletion record (or dry-run report) of the kind,
        in its item of the page."""
        if not doomed:
            return
        keys = {d.record_key for d in doomed}
        rules = {d.rule for d in doomed}
        self._dynamodb.update_item(
            TableName=self._table,
            Key=self._key(report_key(prefix, run_id, kind, page)),
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
        """The run's report of each kind: its pages' together."""
        return merged_reports(
            KindReport(
                run_id=values["run_id"],
                kind=RecordKind(values["kind"]),
                record_keys=frozenset(values["record_keys"]),
                rules=frozenset(values["rules"]),
                scheduled_at=datetime.fromisoformat(values["scheduled_at"]),
            )
            for values in map(plain, self._query(f"{prefix}{run_id}#"))
        )


def merged_reports(pages: Iterable[KindReport]) -> list[KindReport]:
    """One report per kind from its pages' (ids and rules together)."""
    by_kind: dict[RecordKind, KindReport] = {}
    for report in pages:
        before = by_kind.get(report.kind)
        by_kind[report.kind] = (
            report
            if before is None
            else replace(
                before,
                record_keys=before.record_keys | report.record_keys,
                rules=before.rules | report.rules,
            )
        )
    return [by_kind[kind] for kind in sorted(by_kind)]


def _page_of(values: Mapping[str, Any]) -> RunPage:
    raw = values.get("facts")
    return RunPage(
        run_id=values["run_id"],
        mode=values["mode"],
        phase=values["phase"],
        page=int(values["page"]),
        after=values.get("after"),
        end=values.get("end"),
        last=bool(values["last"]),
        facts=None if raw is None else zlib.decompress(bytes(raw)).decode(),
    )


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
