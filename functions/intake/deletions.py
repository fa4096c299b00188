"""Deletion from the roster (削除, R10) by the exam office (role ``exam_admin``), and the
deletion records for the exam office and auditors.

A deletion names the accepted application whose sitting leaves the roster, with a reason
code and the staff's words (screened for My Numbers before anything is stored or logged).
The data layer deletes it in one transaction with its audit entry
(:mod:`kentei.data.deletions`): the sitting's status ``deleted``, its seats released, the
deletion record (ids and codes only) kept, the examinee's items deleted with their last
sitting. Certify then voids the ticket (``ticket_void``).

The same deletion asked again by the same staff member (a client retrying a lost answer)
answers the record made and asks certify again (voiding is idempotent); any other deletion
of a deleted sitting is ``409``. Only accepted applications of the caller's prefecture are
found: anything else is ``404``.
"""

from __future__ import annotations

from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, NotFoundError
from intake.telemetry import instruments
from kentei import screening as detector
from kentei.applications.model import Status
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.messages import TicketVoid
from kentei.roster.deletion import (
    MAX_REASON_TEXT,
    DeletionConflictError,
    DeletionReason,
    DeletionReasonCode,
    DeletionRecord,
    DeletionSource,
    SittingAlreadyDeletedError,
    SittingNotOnRosterError,
    is_repeat,
)

_NOT_FOUND = "no accepted application with this id in the caller's prefecture"


class DeletionRequest(BaseModel):
    """Why the sitting leaves the roster."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    reason_code: DeletionReasonCode
    reason_text: str = Field(
        min_length=1,
        max_length=MAX_REASON_TEXT,
        description="the exam office's words (no My Number; no more of the person than needed)",
    )

    @property
    def reason(self) -> DeletionReason:
        return DeletionReason(code=self.reason_code, text=self.reason_text)


class DeletionView(BaseModel):
    """A deletion record: who, when, why, which record; ids and codes only."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    deletion_id: str
    application_id: str
    exam_number: str = Field(description="受検番号 (kept: numbers are never reused)")
    round: str
    trade_code: str
    work_code: str
    grade: str
    reason_code: DeletionReasonCode
    reason_text: str
    source: str = Field(description="staff, or registry_recheck")
    deleted_by: str
    deleted_at: AwareDatetime
    seats_released: tuple[str, ...]
    examinee_deleted: bool

    @classmethod
    def of(cls, record: DeletionRecord) -> Self:
        return cls(
            deletion_id=record.deletion_id,
            application_id=record.application_id,
            exam_number=record.exam_number,
            round=record.round,
            trade_code=record.trade_code,
            work_code=record.work_code,
            grade=record.grade.value,
            reason_code=record.reason.code,
            reason_text=record.reason.text,
            source=record.source.value,
            deleted_by=record.deleted_by,
            deleted_at=record.deleted_at,
            seats_released=record.seats_released,
            examinee_deleted=record.examinee_deleted,
        )


class SittingDeleted(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    deletion: DeletionView
    ticket_void_queued: bool = Field(description="certify voids the sitting's ticket, if any")


class DeletionList(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    items: tuple[DeletionView, ...]


def delete_sitting(
    staff: Caller,
    application_id: str,
    request: DeletionRequest,
    request_id: str,
    deps: Dependencies | None = None,
) -> SittingDeleted:
    screening.refuse(detector.holding_my_number(request.reason_text, "body.reason_text"))
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    stored = deps.applications(prefecture).get(application_id)
    person = None if stored is None else stored.application.qualification_pseudonym_id
    if stored is None or stored.application.status is not Status.ACCEPTED or person is None:
        raise NotFoundError(_NOT_FOUND)
    deletions = deps.deletions(prefecture)
    at = deps.clock()
    event = AuditEvent.by(
        staff,
        AuditAction.SITTING_DELETED,
        record_type="sitting",
        record_id=application_id,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        person_id=person,
    )
    new = True
    try:
        record = deletions.delete_sitting(
            person,
            application_id,
            request.reason,
            source=DeletionSource.STAFF,
            by=staff.id,
            at=at,
            audit=(event,),
        )
    except SittingNotOnRosterError:
        raise NotFoundError(_NOT_FOUND) from None
    except SittingAlreadyDeletedError as exc:
        made = exc.record
        if made is None or not is_repeat(made, request.reason, staff.id):
            raise ConflictError(
                "the sitting is deleted from the roster already", slug="sitting-deleted"
            ) from None
        record, new = made, False
    except DeletionConflictError:
        raise ConflictError(
            "the sitting changed while it was deleted; try again", slug="concurrent-change"
        ) from None
    deps.certify_queue.send(TicketVoid(application_id=application_id, prefecture_code=prefecture))
    if new:
        instruments.count("SittingsDeleted", source=DeletionSource.STAFF.value)
    instruments.logger.info(
        "sitting deleted",
        extra={
            "application_id": application_id,
            "reason_code": record.reason.code.value,
            "new": new,
        },
    )
    return SittingDeleted(deletion=DeletionView.of(record), ticket_void_queued=True)


def list_deletions(
    staff: Caller, request_id: str, deps: Dependencies | None = None
) -> DeletionList:
    """The prefecture's deletion records, newest first; the listing is audited first."""
    deps = deps or dependencies()
    prefecture = _prefecture(staff)
    records = deps.deletions(prefecture).records()
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.DELETIONS_LISTED,
            record_type="deletion_list",
            record_id=prefecture,
            prefecture_code=prefecture,
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return DeletionList(items=tuple(DeletionView.of(r) for r in records))


def _prefecture(staff: Caller) -> str:
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    return staff.prefecture_code
