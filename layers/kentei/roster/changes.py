"""Change proposals (訂正・変更, R9; 削除 proposals, R10) from the periodic registry re-check
(定期照会): what the registry says now against what the roster holds, as a proposal staff
accept or reject, never a silent overwrite.

Pure: :func:`compare` turns an examinee and a registry record into a :class:`Difference` (or
nothing), :func:`apply` gives the examinee with a proposal's after-values. The values are
personal data (name, address...): a proposal lives under the records key like the examinee,
and never holds the My Number (the registry's answer to a lookup by number does not carry it).
Each value is a plain string: before and after exactly as the examinee and the registry hold
them; the comparison itself uses the registry's comparison keys
(:mod:`kentei.registry.normalise`), so a width or spacing difference is no change.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.records.examinee import Examinee
from kentei.records.sensitive import REVEAL
from kentei.registry.model import RegistryRecord, RegistryStatus
from kentei.registry.normalise import normalise_address, normalise_name

PROPOSAL_ID_PATTERN: Final = r"^chg-[0-9a-z]{26}$"
RUN_ID_PATTERN: Final = r"^[0-9]{8}T[0-9]{6}Z$"
FIELDS: Final = ("name", "name_kana", "birth_date", "sex", "address")
"""The examinee's items the registry answers for (the four items and the reading)."""
_CROCKFORD: Final = "0123456789abcdefghjkmnpqrstvwxyz"
_DIGIT_RUN: Final = re.compile(r"[0-9]{12}")


class ChangeSource(StrEnum):
    REGISTRY_RECHECK = "registry_recheck"
    """The periodic registry re-check (定期照会)."""


class ChangeKind(StrEnum):
    UPDATE = "update"
    """The registry holds other items (a new name, a new address): correct them."""
    MOVED_OUT = "moved_out"
    """The person moved out (転出); the items the registry holds, where they differ."""
    DECEASED = "deceased"
    """The person died: a deletion from the roster is proposed (R10), nothing is deleted here."""


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    """A later run found another difference for the person while this one was open."""


class ChangeError(ValueError):
    """A decision the proposal's state does not allow (the API: 409)."""


class ProposalDecidedError(ChangeError):
    """The proposal is decided already (or superseded): nothing to decide."""


class ExamineeChangedError(ChangeError):
    """The examinee changed since the proposal was made: its before-values are stale."""


class FieldChange(BaseModel):
    """One item: its name on the examinee, and the value before and after (personal data)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str = Field(pattern="^(" + "|".join(FIELDS) + ")$")
    before: str | None = Field(repr=False)
    after: str | None = Field(repr=False)


class Difference(BaseModel):
    """What a re-check found for one person: the kind and the items that differ."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ChangeKind
    registry_status: RegistryStatus
    changes: tuple[FieldChange, ...] = ()

    def same_as(self, other: Difference) -> bool:
        """The same finding: the same kind and the same items with the same after-values."""
        return self.kind is other.kind and {(c.field, c.after) for c in self.changes} == {
            (c.field, c.after) for c in other.changes
        }


class Proposal(BaseModel):
    """A change proposal (``CHANGE#<proposal id>`` under the prefecture)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    proposal_id: str = Field(pattern=PROPOSAL_ID_PATTERN)
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    kind: ChangeKind
    registry_status: RegistryStatus
    changes: tuple[FieldChange, ...]
    source: ChangeSource
    run_id: str = Field(pattern=RUN_ID_PATTERN)
    proposed_at: AwareDatetime
    basis: AwareDatetime = Field(
        description="the examinee's updated_at the before-values were read at"
    )
    status: ProposalStatus = ProposalStatus.PROPOSED
    decided_by: str | None = None
    decided_at: AwareDatetime | None = None
    reason: str | None = Field(None, max_length=500, repr=False)

    @model_validator(mode="after")
    def _decided(self) -> Self:
        open_ = self.status in (ProposalStatus.PROPOSED, ProposalStatus.SUPERSEDED)
        if open_ == (self.decided_at is not None):
            raise ValueError("a proposal has a decision exactly when accepted or rejected")
        if self.kind is not ChangeKind.DECEASED and not self.changes:
            raise ValueError("a correction proposal names the items it changes")
        return self

    @property
    def difference(self) -> Difference:
        return Difference(
            kind=self.kind, registry_status=self.registry_status, changes=self.changes
        )

    def decided(
        self, status: ProposalStatus, by: str, at: datetime, reason: str | None = None
    ) -> Proposal:
        if self.status is not ProposalStatus.PROPOSED:
            raise ProposalDecidedError(f"the proposal is {self.status.value}")
        return self.model_copy(
            update={"status": status, "decided_by": by, "decided_at": at, "reason": reason}
        )


class HistoryEntry(BaseModel):
    """A change made to an examinee: when, by whom, from where, the items before and after
    (``EXAMINEE_HISTORY#<資格仮名ID>#<at>#<proposal id>``). Never the My Number."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    qualification_pseudonym_id: str
    at: AwareDatetime
    by: str
    source: ChangeSource
    proposal_id: str
    before: dict[str, str | None] = Field(repr=False)
    after: dict[str, str | None] = Field(repr=False)


def new_proposal_id(at: datetime) -> str:
    """``chg-`` and 26 characters of Crockford base32 (lower case): time first, then random,
    so ids sort by creation. Never twelve digits in a row (nothing the My Number detector
    could take for a number)."""
    while True:
        value = (int(at.timestamp() * 1000) << 80) | secrets.randbits(80)
        text = "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))
        if not _DIGIT_RUN.search(text):
            return "chg-" + text


def run_id_of(scheduled_at: datetime) -> str:
    """The run of a schedule's instant (UTC, to the second): a retried message is the same run."""
    return scheduled_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(getattr(value, "value", value))


def _same(field: str, before: str | None, after: str | None) -> bool:
    if before is None or after is None:
        return before == after
    if field in ("name", "name_kana"):
        return normalise_name(before) == normalise_name(after)
    if field == "address":
        return normalise_address(before) == normalise_address(after)
    return before == after


def compare(examinee: Examinee, record: RegistryRecord) -> Difference | None:
    """What differs between the roster's examinee and the registry's answer, or None.

    A person the registry does not know (``unknown``) is no difference: the caller counts it
    as an error for staff to look at another way (nothing to propose). An item the registry
    does not hold (a reading) is never proposed away.
    """
    if record.person is None:
        return None
    changes = []
    for name in FIELDS:
        before = _text(getattr(examinee, name))
        after = _text(getattr(record.person, name))
        if after is None or _same(name, before, after):
            continue
        changes.append(FieldChange(field=name, before=before, after=after))
    if record.status is RegistryStatus.DECEASED:
        return Difference(kind=ChangeKind.DECEASED, registry_status=record.status)
    if record.status is RegistryStatus.MOVED:
        return Difference(
            kind=ChangeKind.MOVED_OUT, registry_status=record.status, changes=tuple(changes)
        )
    if not changes:
        return None
    return Difference(kind=ChangeKind.UPDATE, registry_status=record.status, changes=tuple(changes))


def apply(examinee: Examinee, proposal: Proposal) -> Examinee:
    """The examinee with the proposal's after-values (validated as the examinee's items).

    Raises :class:`ExamineeChangedError` if an item no longer holds its before-value.
    """
    data = examinee.model_dump(mode="json", context={REVEAL: True})
    for change in proposal.changes:
        current = _text(getattr(examinee, change.field))
        if current != change.before:
            raise ExamineeChangedError(f"the examinee's {change.field} changed since the proposal")
        data[change.field] = change.after
    return Examinee.model_validate(data)


def history_of(proposal: Proposal, by: str, at: datetime) -> HistoryEntry:
    return HistoryEntry(
        qualification_pseudonym_id=proposal.qualification_pseudonym_id,
        at=at,
        by=by,
        source=proposal.source,
        proposal_id=proposal.proposal_id,
        before={c.field: c.before for c in proposal.changes},
        after={c.field: c.after for c in proposal.changes},
    )


class RunRecord(BaseModel):
    """A re-check run in one prefecture (``RECHECK_RUN#<run id>``): counts only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str = Field(pattern=RUN_ID_PATTERN)
    prefecture_code: str
    scheduled_at: AwareDatetime
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    batches: int = 0
    queried: int = 0
    differences: int = 0
    proposed: int = 0
    errors: int = 0
