"""What a reconciliation run with the national qualifications system found and did (R16, issue
12; 突合): its report, per prefecture and run, in counts and ids only (never a record's values
nor a digest). The run itself is :mod:`sync.national_reconcile`; the report is kept in the
prefecture's partition (:mod:`kentei.data.national_reconcile`).

Per record kind:

- ``compared``: the records of either side (ours, sent or not, and those only the national side
  holds, found where a bucket was drilled into);
- ``buckets`` and ``buckets_drilled``: the non-empty buckets of either side, and those whose
  digests differed (or held a record of ours not sent yet), read record by record;
- ``differing``: records the two sides hold differently, each either ``repaired`` (ours sent
  again as a newer version), a new ``conflicts`` entry for staff, or ``pending`` (a change
  from the national side that staff have, or the pull will bring, in a proposal or conflict):
  ``differing == repaired + conflicts + pending``;
- ``unsyncable``: items of ours that cannot become a record (the outbox refuses them too).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.national.model import PREFECTURE_PATTERN, RecordId, RecordKind

RUN_ID_PATTERN: Final = r"^[0-9]{8}T[0-9]{6}Z$"
_CONFIG: Final = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class RepairReason(StrEnum):
    """Why a record of ours was sent again."""

    MISSING = "missing"
    """The national side does not hold it."""
    OLDER = "older"
    """The national side holds an older version."""
    OTHER_CONTENT = "other_content"
    """The same version with other content (a hand edit on either side)."""
    NEWER_THERE = "newer_there"
    """The national side holds a newer version: not an examinee's change from that side."""
    ONLY_THEIRS = "only_theirs"
    """We hold no such record (nor had it): sent as deleted."""
    NOT_SENT = "not_sent"
    """Our item has no acknowledged version, and the national side holds other content."""


class KindCounts(BaseModel):
    model_config = _CONFIG
    compared: int = Field(0, ge=0)
    buckets: int = Field(0, ge=0)
    buckets_drilled: int = Field(0, ge=0)
    differing: int = Field(0, ge=0)
    repaired: int = Field(0, ge=0)
    conflicts: int = Field(0, ge=0)
    pending: int = Field(0, ge=0)
    unsyncable: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _accounted(self) -> KindCounts:
        if self.differing != self.repaired + self.conflicts + self.pending:
            raise ValueError("every differing record is repaired, a conflict or pending")
        return self


class Repair(BaseModel):
    """A record sent again: which, as which version, and why (no values)."""

    model_config = _CONFIG
    kind: RecordKind
    record_id: RecordId
    version: int = Field(ge=1, lt=10**40)
    reason: RepairReason


class Unsettled(BaseModel):
    """A record left to staff: a new conflict (its id) or a pending one."""

    model_config = _CONFIG
    kind: RecordKind
    record_id: RecordId
    conflict_id: str | None = None


class ReconcileReport(BaseModel):
    """One prefecture's run (``run_id``: the schedule's instant, UTC to the second). A second
    attempt of the same run counts again (``attempt``) and keeps the repairs and conflicts of
    the attempts before (what was done stays reported)."""

    model_config = _CONFIG
    run_id: str = Field(pattern=RUN_ID_PATTERN)
    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    scheduled_at: AwareDatetime
    started_at: AwareDatetime
    finished_at: AwareDatetime
    attempt: int = Field(1, ge=1)
    kinds: dict[RecordKind, KindCounts]
    repairs: tuple[Repair, ...] = ()
    conflicts: tuple[Unsettled, ...] = ()
    pending: tuple[Unsettled, ...] = ()
    unlisted: int = Field(0, ge=0, description="ids left out of the lists above (too many)")

    def total(self, name: str) -> int:
        """One count summed over the kinds (``differing``, ``repaired``...)."""
        return sum(int(getattr(counts, name)) for counts in self.kinds.values())
