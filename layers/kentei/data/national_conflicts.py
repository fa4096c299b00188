"""Conflicts with the national qualifications system (issue 12), in the records table under
the prefecture (:class:`kentei.national.conflicts.NationalConflict`).

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``NATIONAL_CONFLICT#<conflict id>``: the conflict as JSON (both sides' values are personal
  data, kept under the records key like the examinee), its ``status`` and 資格仮名ID as
  attributes;
- ``NATIONAL_CONFLICT_OPEN#<kind>#<record id>``: the record's open conflict found by
  reconciliation, if any. A record has at most one: a second finding while one is open is not
  kept again (:meth:`PrefectureNationalConflicts.open_writes` fails on the marker). A conflict
  from the feed is not marked: each change read from it is kept, none is lost.

Resolving deletes the marker and records the decision, in one transaction with what the
decision writes (the examinee's items and history when theirs are taken, the examinee marked to
travel again when ours are kept) and its audit entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent
from kentei.data.partition import PrefecturePartition
from kentei.data.roster import PrefectureRoster
from kentei.data.transactions import cancellation_codes
from kentei.national.conflicts import (
    ConflictCause,
    ConflictDecidedError,
    ConflictStatus,
    NationalConflict,
)
from kentei.records.examinee import Examinee
from kentei.retention.kinds import RecordKind
from kentei.roster.changes import HistoryEntry

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

CONFLICT_PREFIX: Final = "NATIONAL_CONFLICT#"
OPEN_PREFIX: Final = "NATIONAL_CONFLICT_OPEN#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    CONFLICT_PREFIX: RecordKind.NATIONAL_CONFLICT,
    OPEN_PREFIX: RecordKind.NATIONAL_CONFLICT,
}
"""The retention kind of each item this module writes, by its key prefix."""
MAX_PAGE: Final = 100


def _marked(conflict: NationalConflict) -> bool:
    """Reconciliation's findings are one per record; the feed's are each kept."""
    return conflict.cause is ConflictCause.NEWER_ON_NATIONAL_SIDE


class ConflictOpenAlreadyError(RuntimeError):
    """The record has an open conflict already: the new finding is not kept twice."""


def open_key(kind: str, record_id: str) -> str:
    return f"{OPEN_PREFIX}{kind}#{record_id}"


class PrefectureNationalConflicts(PrefecturePartition):
    """One prefecture's conflicts with the national side."""

    def open_writes(self, conflict: NationalConflict) -> list[TransactWriteItemTypeDef]:
        """The writes that keep ``conflict`` open, for the caller's transaction: they fail
        (on the marker, second) when the record has an open conflict already."""
        if conflict.prefecture_code != self.prefecture_code:
            raise ValueError("a conflict of another prefecture")
        if conflict.status is not ConflictStatus.OPEN:
            raise ValueError("a conflict is kept open first")
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(conflict),
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }
        if not _marked(conflict):
            return [put]
        return [
            put,
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(open_key(conflict.record_kind.value, conflict.record_id)),
                        "item_type": {"S": "national_conflict_open"},
                        "conflict_id": {"S": conflict.conflict_id},
                    },
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            },
        ]

    def open(self, conflict: NationalConflict, audit: Sequence[AuditEvent] = ()) -> None:
        """Keep ``conflict`` open with its audit events; raises
        :class:`ConflictOpenAlreadyError` if the record has an open one."""
        try:
            self._write_audited(self.open_writes(conflict), audit)
        except ClientError as exc:
            if cancellation_codes(exc) is None:
                raise
            raise ConflictOpenAlreadyError("the record has an open conflict") from None

    def conflict(self, conflict_id: str) -> NationalConflict | None:
        item = self._get(CONFLICT_PREFIX + conflict_id)
        return None if item is None else NationalConflict.model_validate_json(item["conflict"]["S"])

    def open_for(self, kind: str, record_id: str) -> NationalConflict | None:
        marker = self._get(open_key(kind, record_id))
        return None if marker is None else self.conflict(marker["conflict_id"]["S"])

    def open_persons(self) -> frozenset[str]:
        """The 資格仮名IDs with an open conflict (reconciliation leaves their records to staff)."""
        return frozenset(
            item["qualification_pseudonym_id"]["S"]
            for item in self._query(
                CONFLICT_PREFIX,
                "#s = :open",
                {":open": {"S": ConflictStatus.OPEN.value}},
                {"#s": "status"},
            )
        )

    def conflicts(
        self, status: ConflictStatus, limit: int, cursor: str | None = None
    ) -> tuple[list[NationalConflict], str | None]:
        """Up to ``limit`` conflicts with ``status``, oldest first, and the cursor (a conflict
        id) to read after, or None at the end."""
        items, following = self._page_at_status(
            CONFLICT_PREFIX, status.value, limit, cursor, MAX_PAGE
        )
        return [NationalConflict.model_validate_json(i["conflict"]["S"]) for i in items], following

    def decide(
        self,
        decided: NationalConflict,
        writes: Sequence[TransactWriteItemTypeDef] = (),
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """Record the decision on an open conflict with ``writes`` (what it changes) and its
        audit events, in one transaction; raises :class:`ConflictDecidedError` if it was
        resolved meanwhile (or ``writes`` failed their conditions: the examinee changed)."""
        if decided.status is ConflictStatus.OPEN:
            raise ValueError("a decision keeps ours or takes theirs")
        own: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": self._item(decided),
                    "ConditionExpression": "#s = :open",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":open": {"S": ConflictStatus.OPEN.value}},
                }
            },
        ]
        if _marked(decided):
            own.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": self._key(open_key(decided.record_kind.value, decided.record_id)),
                        "ConditionExpression": "conflict_id = :id",
                        "ExpressionAttributeValues": {":id": {"S": decided.conflict_id}},
                    }
                }
            )
        try:
            self._write_audited([*own, *writes], audit)
        except ClientError as exc:
            if cancellation_codes(exc) is None:
                raise
            raise ConflictDecidedError("the conflict or the examinee changed meanwhile") from None

    def keep_ours(self, decided: NationalConflict, audit: Sequence[AuditEvent] = ()) -> None:
        """Resolve with ours: the examinee travels to the national side again, as a newer
        version (:meth:`~kentei.data.roster.PrefectureRoster.reassert_write`)."""
        if decided.status is not ConflictStatus.KEPT_OURS or decided.decided_at is None:
            raise ValueError("a decision that keeps ours")
        roster = PrefectureRoster(self.prefecture_code, self._table)
        self.decide(
            decided,
            [roster.reassert_write(decided.qualification_pseudonym_id, decided.decided_at)],
            audit,
        )

    def take_theirs(
        self,
        decided: NationalConflict,
        change: tuple[Examinee, HistoryEntry, datetime] | None,
        audit: Sequence[AuditEvent] = (),
    ) -> None:
        """Resolve with theirs: ``change`` is the examinee with their items, its history entry
        and the ``updated_at`` it was read at (the write's condition); None when ours hold
        their values already (the examinee travels again unchanged, so both sides end on one
        version)."""
        if decided.status is not ConflictStatus.TOOK_THEIRS or decided.decided_at is None:
            raise ValueError("a decision that takes theirs")
        roster = PrefectureRoster(self.prefecture_code, self._table)
        person = decided.qualification_pseudonym_id
        if change is None:
            writes = [roster.reassert_write(person, decided.decided_at)]
        else:
            examinee, history, basis = change
            writes = [
                roster.examinee_update_write(person, examinee, decided.decided_at, basis),
                roster.history_write(history),
            ]
        self.decide(decided, writes, audit)

    def _item(self, conflict: NationalConflict) -> dict[str, Any]:
        return {
            **self._key(CONFLICT_PREFIX + conflict.conflict_id),
            "item_type": {"S": "national_conflict"},
            "status": {"S": conflict.status.value},
            "qualification_pseudonym_id": {"S": conflict.qualification_pseudonym_id},
            "conflict": {"S": conflict.model_dump_json()},
        }
