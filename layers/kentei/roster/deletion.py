"""Deletion from the roster (削除, R10): staff decide it with a reason, or the registry
re-check proposes it (the person died); the sitting's ticket becomes void, and a deletion
record remains.

The deletion record says who deleted, when, why (a reason code and the staff's text) and
which record (the application id, exam number, round, trade, work and grade): ids and codes
only. It holds nothing of the person (no name, address or birth date, not even the
資格仮名ID: the sitting item, kept, resolves the person while the records are kept).

The sitting itself stays on the roster with status ``deleted``: it holds ids and exam facts,
no personal data, and keeps its exam number resolving (numbers are never reused; the claim
stays too). Its seats are released. When the person has no registered sitting left, the
examinee item (their items: name, address, birth date...) is deleted with it; the vault's
entry stays (other prefectures and other records may still need the person).

Pure: the data layer (:mod:`kentei.data.deletions`) writes what this module decides.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.records.codes import Grade
from kentei.records.fields import Code, PrefectureCode
from kentei.roster.sitting import APPLICATION_ID_PATTERN, Sitting, SittingStatus

MAX_REASON_TEXT: Final = 400


class DeletionReasonCode(StrEnum):
    """Why a sitting leaves the roster."""

    DECEASED = "deceased"
    """The person died (the registry re-check's proposal, or staff told so)."""
    WITHDRAWN = "withdrawn"
    """The applicant withdrew (受検辞退)."""
    INELIGIBLE = "ineligible"
    """The applicant turned out not to be eligible for the grade (受検資格なし)."""
    DUPLICATE = "duplicate"
    """The same person's application was accepted twice for the same exam."""
    OTHER = "other"
    """Anything else: the text says what."""


class DeletionSource(StrEnum):
    """Who decided the deletion."""

    STAFF = "staff"
    """The exam office, through the API."""
    REGISTRY_RECHECK = "registry_recheck"
    """The periodic registry query found the person deceased (and staff confirmed the
    proposal, where a proposal needs confirming)."""


class DeletionReason(BaseModel):
    """Why: a code, and the staff's words (screened for My Numbers at the edge)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    code: DeletionReasonCode
    text: str = Field(
        min_length=1,
        max_length=MAX_REASON_TEXT,
        description="the staff's words: no personal data beyond what the decision needs",
    )


class DeletionRecord(BaseModel):
    """What remains of a deletion: who, when, why, which record; ids and codes only."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    deletion_id: str = Field(description="the application id: a sitting is deleted once")
    prefecture_code: PrefectureCode
    application_id: str = Field(pattern=APPLICATION_ID_PATTERN)
    exam_number: str = Field(min_length=1, max_length=32, description="受検番号")
    round: str = Field(description="the round's key: 2026-前期")
    trade_code: Code
    work_code: Code
    grade: Grade
    reason: DeletionReason
    source: DeletionSource
    deleted_by: str = Field(max_length=128, description="the staff id, or the job's id")
    deleted_at: AwareDatetime
    seats_released: tuple[str, ...] = Field(
        default=(), description="the sessions whose seat the deletion released"
    )
    examinee_deleted: bool = Field(
        default=False,
        description="the person had no registered sitting left: their items were deleted",
    )


class SittingNotOnRosterError(LookupError):
    """``application_id``: no sitting of this application on this prefecture's roster."""

    field = "application_id"


class SittingAlreadyDeletedError(RuntimeError):
    """``application_id``: the sitting was deleted already (rule: a sitting is deleted once).
    ``record`` is the deletion that removed it."""

    field = "application_id"

    def __init__(self, record: DeletionRecord | None) -> None:
        super().__init__("the sitting is deleted already")
        self.record = record


class DeletionConflictError(RuntimeError):
    """The sitting, its seats or the person changed while the deletion was written, again
    and again: nothing was written; try again."""


def deleted_sitting(sitting: Sitting) -> Sitting:
    """The sitting as the roster keeps it after the deletion: status deleted, no sessions."""
    if sitting.status is not SittingStatus.REGISTERED:
        raise SittingAlreadyDeletedError(None)
    return sitting.model_copy(update={"status": SittingStatus.DELETED, "sessions": {}})


def deletion_record(
    sitting: Sitting,
    reason: DeletionReason,
    *,
    source: DeletionSource,
    by: str,
    at: datetime,
    seats_released: tuple[str, ...] = (),
    examinee_deleted: bool = False,
) -> DeletionRecord:
    """The record of deleting ``sitting``: built from the sitting's ids and codes alone."""
    return DeletionRecord(
        deletion_id=sitting.application_id,
        prefecture_code=sitting.prefecture_code,
        application_id=sitting.application_id,
        exam_number=sitting.exam_number,
        round=sitting.exam_round.key,
        trade_code=sitting.trade_code,
        work_code=sitting.work_code,
        grade=sitting.grade,
        reason=reason,
        source=source,
        deleted_by=by,
        deleted_at=at,
        seats_released=tuple(sorted(seats_released)),
        examinee_deleted=examinee_deleted,
    )


def is_repeat(record: DeletionRecord, reason: DeletionReason, by: str) -> bool:
    """Whether a deletion asked again is the one made (same reason, same staff): a client
    retrying a deletion whose answer it lost."""
    return record.reason == reason and record.deleted_by == by
