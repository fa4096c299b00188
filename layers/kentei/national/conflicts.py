"""Conflicts with the national qualifications system (R16, issue 12): a record both sides
changed since they last agreed, or a change from the national side our rules refuse, kept with
both values for staff to resolve (``NATIONAL_CONFLICT#`` in :mod:`kentei.data.national_conflicts`).

Three causes:

- ``both_changed`` (the pull, :mod:`sync.national_pull`): the person changed items through
  Mynaportal on a version older than the one we sent since, or while a change of ours was still
  on its way;
- ``values_refused`` (the pull): the national side's values fail our examinee's rules (a name
  too long, a postal code that is not seven digits...): only ours can be kept;
- ``newer_on_national_side`` (reconciliation, :mod:`sync.national_reconcile`): the national side
  holds a newer version of an examinee record with other content, and no change in its feed
  explains it.

Staff keep ours (the record is sent again as a newer version) or take theirs (the examinee's
items change, with history, and travel back as a newer version): either way both sides end on
the same version. The values are personal data: kept out of ``repr``, never logged.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.national.model import PREFECTURE_PATTERN, RecordKind
from kentei.sortable_ids import sortable_id

CONFLICT_ID_PATTERN: Final = r"^ncf-[0-9a-z]{26}$"


class ConflictCause(StrEnum):
    BOTH_CHANGED = "both_changed"
    VALUES_REFUSED = "values_refused"
    NEWER_ON_NATIONAL_SIDE = "newer_on_national_side"


class ConflictStatus(StrEnum):
    OPEN = "open"
    KEPT_OURS = "kept_ours"
    TOOK_THEIRS = "took_theirs"


class ConflictDecidedError(ValueError):
    """The conflict is resolved already (the API: 409)."""


class TheirsRefusedError(ValueError):
    """Theirs cannot be taken: the national side's values fail our rules, or the record is not
    an examinee's (the API: 409)."""


class FieldValues(BaseModel):
    """One item both sides hold differently: ours and theirs (personal data)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    field: str = Field(min_length=1, max_length=64)
    ours: str | None = Field(repr=False)
    theirs: str | None = Field(repr=False)


class NationalConflict(BaseModel):
    """A conflict kept for staff (``NATIONAL_CONFLICT#<conflict id>`` under the prefecture)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    conflict_id: str = Field(pattern=CONFLICT_ID_PATTERN)
    prefecture_code: str = Field(pattern=PREFECTURE_PATTERN)
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    record_kind: RecordKind
    record_id: str = Field(min_length=1, max_length=64)
    cause: ConflictCause
    fields: tuple[FieldValues, ...] = Field(min_length=1)
    national_sequence: int | None = Field(
        None, ge=1, description="the national side's change (the pull's conflicts)"
    )
    national_version: int | None = Field(None, ge=0, description="the version theirs is of")
    our_version: int | None = Field(
        None, ge=1, description="the newest version of ours the national side acknowledged"
    )
    found_at: AwareDatetime
    status: ConflictStatus = ConflictStatus.OPEN
    decided_by: str | None = None
    decided_at: AwareDatetime | None = None
    reason: str | None = Field(None, max_length=500, repr=False)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.status is ConflictStatus.OPEN) != (self.decided_at is None):
            raise ValueError("a conflict has a decision exactly when it is resolved")
        pulled = self.cause in (ConflictCause.BOTH_CHANGED, ConflictCause.VALUES_REFUSED)
        if pulled != (self.national_sequence is not None):
            raise ValueError("a conflict from the feed, and only one, names its change")
        if pulled and self.record_kind is not RecordKind.EXAMINEE:
            raise ValueError("the national side changes examinee records only")
        if self.status is ConflictStatus.TOOK_THEIRS and not self.theirs_takeable:
            raise ValueError("theirs cannot be taken for this conflict")
        return self

    @property
    def theirs_takeable(self) -> bool:
        """Theirs can become our examinee's items: an examinee record whose values passed our
        rules (the values themselves are checked again when staff take them)."""
        return (
            self.record_kind is RecordKind.EXAMINEE
            and self.cause is not ConflictCause.VALUES_REFUSED
        )

    def decided(
        self, status: ConflictStatus, by: str, at: datetime, reason: str | None = None
    ) -> NationalConflict:
        if self.status is not ConflictStatus.OPEN:
            raise ConflictDecidedError(f"the conflict is {self.status.value}")
        if status is ConflictStatus.OPEN:
            raise ValueError("a decision keeps ours or takes theirs")
        if status is ConflictStatus.TOOK_THEIRS and not self.theirs_takeable:
            raise TheirsRefusedError("theirs cannot be taken for this conflict")
        return self.model_copy(
            update={"status": status, "decided_by": by, "decided_at": at, "reason": reason}
        )


def new_conflict_id(at: datetime) -> str:
    """``ncf-`` and 26 characters (:func:`kentei.sortable_ids.sortable_id`): ids sort by when
    they were found."""
    return sortable_id("ncf-", at)
