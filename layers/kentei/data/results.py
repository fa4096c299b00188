"""Scores (R11) in the records table, under the prefecture: each sitting's current score of
each part and component, and what every change replaced.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``RESULT#<application id>#<part>#<component or ->``: the current
  :class:`kentei.results.decision.ScoreEntry`, with its ``source`` (the import that brought
  it, or a correction), the row it came from, when and by whom.
- ``RESULT_HISTORY#<application id>#<at>#<part>#<component or ->``: a change: the entry
  before (None: there was none) and after, the sources of both.

:meth:`PrefectureScores.record_many` applies rows in batches and is idempotent: a row whose
score and source are those stored already writes nothing, so committing the same import
twice, or a redelivered message, changes nothing; a later source (a corrected file, a
correction) replaces a value and leaves a history entry.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel, ConfigDict

from kentei.data.audit import AuditEvent, AuditTrail
from kentei.data.partition import READ_BATCH, PrefecturePartition, instant
from kentei.results.decision import ScoreEntry
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef, WriteRequestTypeDef

RESULT_PREFIX: Final = "RESULT#"
HISTORY_PREFIX: Final = "RESULT_HISTORY#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    RESULT_PREFIX: RecordKind.RESULT,
    HISTORY_PREFIX: RecordKind.RESULT,
}
"""The retention kind of each item this module writes, by its key prefix."""
BATCH: Final = 25
"""``BatchWriteItem``'s limit."""
_RETRIES: Final = 8


@dataclass(frozen=True)
class ScoreRow:
    """One score to record for one sitting, from ``source`` (an import id or a correction)."""

    application_id: str
    entry: ScoreEntry
    row: int | None = None


@dataclass(frozen=True)
class StoredScore:
    application_id: str
    entry: ScoreEntry
    source: str
    row: int | None
    recorded_at: datetime
    recorded_by: str


class ScoreChange(BaseModel):
    """A change to a sitting's score (``RESULT_HISTORY#``)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    application_id: str
    at: datetime
    by: str
    before: ScoreEntry | None
    before_source: str | None
    after: ScoreEntry
    after_source: str


@dataclass(frozen=True)
class Applied:
    written: int
    unchanged: int
    replaced: int


def slot(entry: ScoreEntry) -> str:
    """``<part>#<component or ->``: which score of the sitting ``entry`` is."""
    component = entry.component.value if entry.component is not None else "-"
    return f"{entry.part.value}#{component}"


def result_key(application_id: str, entry: ScoreEntry) -> str:
    return f"{RESULT_PREFIX}{application_id}#{slot(entry)}"


class PrefectureScores(PrefecturePartition):
    """One prefecture's scores."""

    def scores_of(self, application_id: str) -> list[StoredScore]:
        return [_stored(item) for item in self._query(f"{RESULT_PREFIX}{application_id}#")]

    def history_of(self, application_id: str) -> list[ScoreChange]:
        return [
            ScoreChange.model_validate_json(item["change"]["S"])
            for item in self._query(f"{HISTORY_PREFIX}{application_id}#")
        ]

    def record_many(
        self, rows: Iterable[ScoreRow], *, source: str, at: datetime, by: str
    ) -> Applied:
        """Apply ``rows`` from ``source``: each new or changed score written with its history
        entry, in batches of 25; a score stored already with this value is left alone. The
        stored scores are read 100 at a time (``BatchGetItem``), never one request a row."""
        totals = [0, 0, 0]  # written, unchanged, replaced
        pending: list[WriteRequestTypeDef] = []
        seen: set[str] = set()
        chunk: list[ScoreRow] = []
        for row in rows:
            key = result_key(row.application_id, row.entry)
            if key in seen:
                raise ValueError("a score is recorded once per call")
            seen.add(key)
            chunk.append(row)
            if len(chunk) == READ_BATCH:
                pending = self._apply_chunk(chunk, pending, totals, source=source, at=at, by=by)
                chunk = []
        pending = self._apply_chunk(chunk, pending, totals, source=source, at=at, by=by)
        self._flush(pending)
        return Applied(written=totals[0], unchanged=totals[1], replaced=totals[2])

    def _apply_chunk(
        self,
        chunk: Sequence[ScoreRow],
        pending: list[WriteRequestTypeDef],
        totals: list[int],
        *,
        source: str,
        at: datetime,
        by: str,
    ) -> list[WriteRequestTypeDef]:
        current = self._batch_get([result_key(r.application_id, r.entry) for r in chunk])
        for row in chunk:
            found = current.get(result_key(row.application_id, row.entry))
            stored = None if found is None else _stored(found)
            if stored is not None and stored.entry == row.entry:
                # The same value (from this source, or another first): nothing to change.
                totals[1] += 1
                continue
            pending.append({"PutRequest": {"Item": self._score_item(row, source, at, by)}})
            change = ScoreChange(
                application_id=row.application_id,
                at=at,
                by=by,
                before=None if stored is None else stored.entry,
                before_source=None if stored is None else stored.source,
                after=row.entry,
                after_source=source,
            )
            pending.append({"PutRequest": {"Item": self._history_item(change, row.entry)}})
            totals[0] += 1
            totals[2] += stored is not None
            if len(pending) >= BATCH - 1:
                self._flush(pending)
                pending = []
        return pending

    def correct(
        self,
        rows: Sequence[ScoreRow],
        *,
        source: str,
        at: datetime,
        by: str,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """A correction's scores with their history entries and ``audit``, in one transaction
        (a few rows of one sitting, before its group is announced)."""
        AuditTrail(self._audit_table).transact(
            self.correction_writes(rows, source=source, at=at, by=by), audit
        )

    def correction_writes(
        self, rows: Sequence[ScoreRow], *, source: str, at: datetime, by: str
    ) -> list[TransactWriteItemTypeDef]:
        """The writes of a correction's scores and their history, for a transaction."""
        writes: list[TransactWriteItemTypeDef] = []
        for row in rows:
            current = self._get(result_key(row.application_id, row.entry))
            stored = None if current is None else _stored(current)
            change = ScoreChange(
                application_id=row.application_id,
                at=at,
                by=by,
                before=None if stored is None else stored.entry,
                before_source=None if stored is None else stored.source,
                after=row.entry,
                after_source=source,
            )
            writes.append(
                {"Put": {"TableName": self._table, "Item": self._score_item(row, source, at, by)}}
            )
            writes.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": self._history_item(change, row.entry),
                        "ConditionExpression": "attribute_not_exists(record_key)",
                    }
                }
            )
        return writes

    def _flush(self, requests: Sequence[WriteRequestTypeDef]) -> None:
        """Write ``requests``, retrying what DynamoDB leaves unprocessed (with backoff)."""
        remaining = list(requests)
        for attempt in range(_RETRIES):
            if not remaining:
                return
            answer = self._dynamodb.batch_write_item(RequestItems={self._table: remaining})
            unprocessed = answer.get("UnprocessedItems", {}).get(self._table, [])
            remaining = [
                {"PutRequest": {"Item": request["PutRequest"]["Item"]}}
                for request in unprocessed
                if "PutRequest" in request
            ]
            if remaining:
                time.sleep(min(1.0, 0.05 * 2**attempt))
        if remaining:
            raise RuntimeError(f"{len(remaining)} score writes left unprocessed")

    def _score_item(self, row: ScoreRow, source: str, at: datetime, by: str) -> dict[str, Any]:
        item: dict[str, Any] = {
            **self._key(result_key(row.application_id, row.entry)),
            "item_type": {"S": "score"},
            "application_id": {"S": row.application_id},
            "entry": {"S": row.entry.model_dump_json()},
            "source": {"S": source},
            "recorded_at": {"S": instant(at)},
            "recorded_by": {"S": by},
        }
        if row.row is not None:
            item["row"] = {"N": str(row.row)}
        return item

    def _history_item(self, change: ScoreChange, entry: ScoreEntry) -> dict[str, Any]:
        return {
            **self._key(
                f"{HISTORY_PREFIX}{change.application_id}#{instant(change.at)}#{slot(entry)}"
            ),
            "item_type": {"S": "score_change"},
            "change": {"S": change.model_dump_json()},
        }


def _stored(item: dict[str, Any]) -> StoredScore:
    return StoredScore(
        application_id=item["application_id"]["S"],
        entry=ScoreEntry.model_validate_json(item["entry"]["S"]),
        source=item["source"]["S"],
        row=int(item["row"]["N"]) if "row" in item else None,
        recorded_at=datetime.fromisoformat(item["recorded_at"]["S"]),
        recorded_by=item["recorded_by"]["S"],
    )
