"""Conflicts with the national qualifications system for staff (R16, issue 12; role
``reviewer``, own prefecture): list the open ones with both sides' values, and resolve one by
keeping ours or taking theirs, with a reason; and the reconciliation's reports (roles
``reviewer`` and ``auditor``: counts and ids, never values).

Keeping ours sends our examinee to the national side again as a newer version; taking theirs
changes our examinee's items (with a history entry: before, after, who, when, from the national
side), which travel there as a newer version. Either way both sides end on the same version.
A conflict is the caller's prefecture's or it is not there (``404``); one resolved meanwhile, or
an examinee changed since it was read, is a ``409`` and nothing is written. Listing is audited
before it is returned; a decision in its transaction.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from intake import screening
from intake.access import staff_event, staff_prefecture
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, NotFoundError
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditOutcome
from kentei.national.conflicts import (
    ConflictCause,
    ConflictDecidedError,
    ConflictStatus,
    FieldValues,
    NationalConflict,
    TheirsRefusedError,
)
from kentei.national.model import RecordKind
from kentei.national.reconciliation import ReconcileReport
from kentei.records.examinee import Examinee
from kentei.roster.changes import (
    ChangeSource,
    HistoryEntry,
    NothingToChangeError,
    RequestedItems,
    apply_changes,
    requested_changes,
)
from kentei.screening import holding_my_number

_NOT_FOUND = "no such conflict in the caller's prefecture"
MAX_PAGE = 100


class ConflictView(BaseModel):
    """A conflict as staff see it: the person by 資格仮名ID, the record, both sides' values."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    conflict_id: str
    qualification_pseudonym_id: str
    record_kind: RecordKind
    record_id: str
    cause: ConflictCause = Field(
        description="`both_changed`: the person changed items on the national side while ours "
        "moved too; `values_refused`: their values fail our rules (only ours can be kept); "
        "`newer_on_national_side`: reconciliation found a newer record there no change "
        "explains."
    )
    fields: tuple[FieldValues, ...]
    national_sequence: int | None
    found_at: AwareDatetime
    status: ConflictStatus
    theirs_takeable: bool
    decided_by: str | None
    decided_at: AwareDatetime | None
    reason: str | None

    @classmethod
    def of(cls, conflict: NationalConflict) -> Self:
        return cls.model_validate(
            conflict.model_dump(exclude={"prefecture_code", "national_version", "our_version"})
            | {"theirs_takeable": conflict.theirs_takeable}
        )


class ConflictPage(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    conflicts: tuple[ConflictView, ...]
    next_cursor: str | None


class Keep(StrEnum):
    OURS = "ours"
    THEIRS = "theirs"


class ConflictDecision(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    keep: Keep = Field(description="`ours` (our examinee as it is) or `theirs`.")
    reason: str = Field(min_length=1, max_length=500, description="Why (kept with it).")


def list_conflicts(
    staff: Caller,
    limit: int,
    cursor: str | None,
    request_id: str,
    deps: Dependencies | None = None,
) -> ConflictPage:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    found, following = deps.national_conflicts(prefecture).conflicts(
        ConflictStatus.OPEN, limit, cursor
    )
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.NATIONAL_CONFLICTS_LISTED,
            ("national_conflict_list", ConflictStatus.OPEN.value),
            person=None,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return ConflictPage(conflicts=tuple(ConflictView.of(c) for c in found), next_cursor=following)


class ReconciliationReports(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    reports: tuple[ReconcileReport, ...] = Field(
        description="The latest runs, newest first: per record kind compared, buckets, buckets "
        "drilled, differing (= repaired + conflicts + pending), unsyncable; the ids repaired, "
        "kept as conflicts, or pending."
    )


def list_reconciliations(
    staff: Caller, limit: int, request_id: str, deps: Dependencies | None = None
) -> ReconciliationReports:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    reports = tuple(deps.national_reports(prefecture).latest(limit))
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.NATIONAL_RECONCILIATIONS_READ,
            ("national_reconcile", "latest"),
            person=None,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return ReconciliationReports(reports=reports)


def resolve_conflict(
    staff: Caller,
    conflict_id: str,
    decision: ConflictDecision,
    request_id: str,
    deps: Dependencies | None = None,
) -> ConflictView:
    screening.refuse(holding_my_number(decision.reason, "reason"))
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    store = deps.national_conflicts(prefecture)
    conflict = store.conflict(conflict_id)
    if conflict is None:
        raise NotFoundError(_NOT_FOUND)
    at = deps.clock()
    event = staff_event(
        staff,
        AuditAction.NATIONAL_CONFLICT_RESOLVED,
        ("national_conflict", conflict_id),
        person=conflict.qualification_pseudonym_id,
        at=at,
        request_id=request_id,
    )
    try:
        if decision.keep is Keep.OURS:
            decided = conflict.decided(ConflictStatus.KEPT_OURS, staff.id, at, decision.reason)
            store.keep_ours(decided, [event])
            return ConflictView.of(decided)
        decided = conflict.decided(ConflictStatus.TOOK_THEIRS, staff.id, at, decision.reason)
        store.take_theirs(decided, _theirs(decided, deps, at), [event])
    except (ConflictDecidedError, TheirsRefusedError) as exc:
        slug = "conflict-decided" if isinstance(exc, ConflictDecidedError) else "theirs-refused"
        raise ConflictError(str(exc), slug=slug) from None
    return ConflictView.of(decided)


def _theirs(
    decided: NationalConflict, deps: Dependencies, at: datetime
) -> tuple[Examinee, HistoryEntry, datetime] | None:
    """Our examinee with their values, its history entry and the ``updated_at`` it was read
    at; None when ours hold them already."""
    person = decided.qualification_pseudonym_id
    stored = deps.roster(decided.prefecture_code).examinee(person)
    if stored is None:
        raise TheirsRefusedError("the examinee is no longer on the roster")
    try:
        items = RequestedItems.model_validate({f.field: f.theirs for f in decided.fields})
    except ValidationError:
        # Never the error's text: it quotes the values.
        raise TheirsRefusedError("their values fail the examinee's rules") from None
    try:
        changes = requested_changes(stored.examinee, items)
    except NothingToChangeError:
        return None
    history = HistoryEntry(
        qualification_pseudonym_id=person,
        at=at,
        by=decided.decided_by or "",
        source=ChangeSource.NATIONAL_SYSTEM,
        proposal_id=decided.conflict_id,
        before={c.field: c.before for c in changes},
        after={c.field: c.after for c in changes},
    )
    return apply_changes(stored.examinee, changes), history, stored.updated_at
