"""Revocation of a pass (合格の取消し, R15): what it records and what follows from it. Pure.

Staff (``certificates``) revoke an announced pass with the date it takes effect, the reason and
the legal basis as text (the empowering article is unconfirmed: ``domain.md``). What follows,
in the one transaction the data layer writes (:mod:`kentei.data.pass_revocations`):

- the pass record is kept, marked revoked (the passer roster no longer counts it);
- every certificate of the pass is marked revoked (certify then flips their status list
  entries and publishes the lists, and notifies the person);
- **exemptions withdrawn** (:func:`withdraw_exemptions`): every registered sitting of the
  person that is exempt from a part on the strength of the revoked record, and not yet
  announced, gets that part's exemption replaced by a decision *not exempt* (reason
  ``pass_revoked``), so the results decide it as a part neither sat nor exempt. A sitting
  already announced on such an exemption is not changed silently: it is listed as a
  *dependent pass* for staff (a correction of its own, with its own reason);
- the printed certificate's return (返納) is tracked on the revocation
  (:class:`ReturnStatus`): pending until staff record it returned, or closed as not returned
  with a note.

Ids, dates and staff's texts only (the reason and legal basis are screened for a My Number
at the API edge); never a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.exemptions.model import Basis, ExemptionDecision, NotExemptReason, Outcome, PassRecord
from kentei.roster.parts import Part
from kentei.roster.sitting import Sitting, SittingStatus

_CONFIG: Final = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class ReturnStatus(StrEnum):
    """What became of the printed certificate a revocation asks back (返納)."""

    PENDING = "pending"
    """Asked back, not yet returned."""
    RETURNED = "returned"
    """Returned to the association (at the counter or by post)."""
    NOT_RETURNED = "not_returned"
    """Closed without a return (lost, refused, the person unreachable): with a note."""


class WithdrawnExemption(BaseModel):
    """One part of one sitting whose exemption rested on the revoked pass."""

    model_config = _CONFIG
    application_id: str = Field(min_length=1, max_length=64)
    part: Part


class PassRevocationRecord(BaseModel):
    """A revoked pass: when, why, under what basis, by whom, and what followed."""

    model_config = _CONFIG
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    application_id: str = Field(min_length=1, max_length=64, description="the pass's sitting")
    record_id: str = Field(min_length=1, max_length=64, description="the pass record")
    effective_on: dt.date = Field(description="取消日: the day the revocation takes effect")
    reason: str = Field(min_length=1, max_length=1000)
    legal_basis: str = Field(min_length=1, max_length=500, description="根拠 as text")
    revoked_by: str = Field(min_length=1, max_length=200)
    revoked_at: AwareDatetime
    certificates: tuple[str, ...] = Field(description="the certificate ids revoked")
    withdrawn: tuple[WithdrawnExemption, ...] = ()
    dependent_passes: tuple[str, ...] = Field(
        (), description="application ids of passes announced on an exemption it gave"
    )
    return_status: ReturnStatus = ReturnStatus.PENDING
    return_on: dt.date | None = None
    return_note: str | None = Field(None, max_length=500)
    return_recorded_by: str | None = Field(None, max_length=200)
    return_recorded_at: AwareDatetime | None = None

    def returned(
        self, status: ReturnStatus, *, on: dt.date, note: str | None, by: str, at: dt.datetime
    ) -> PassRevocationRecord:
        """This revocation with its return closed as ``status`` (returned, or not returned
        with a note)."""
        if status is ReturnStatus.PENDING:
            raise ValueError("a return is closed as returned or not returned")
        return self.model_copy(
            update={
                "return_status": status,
                "return_on": on,
                "return_note": note,
                "return_recorded_by": by,
                "return_recorded_at": at,
            }
        )

    @property
    def return_asked(self) -> bool:
        """A printed certificate was issued, so its return is tracked."""
        return bool(self.certificates)


@dataclass(frozen=True)
class Withdrawal:
    """What a revocation does to the person's other sittings."""

    rewrites: tuple[tuple[Sitting, Sitting], ...]
    """(before, after) of each registered sitting whose exemption is withdrawn."""
    withdrawn: tuple[WithdrawnExemption, ...]
    dependent_passes: tuple[str, ...]


def withdraw_exemptions(
    sittings: Iterable[Sitting],
    record: PassRecord,
    announced: Sequence[PassRecord],
    *,
    on: dt.date,
) -> Withdrawal:
    """The exemptions to withdraw because ``record`` is revoked, and the passes to list.

    ``sittings`` are the person's sittings in the prefecture; ``announced`` their pass records
    (a sitting with one is announced: it is listed, not changed)."""
    # A pass record's id is the application id of its sitting.
    announced_ids = {r.record_id for r in announced if r.record_id != record.record_id}
    rewrites: list[tuple[Sitting, Sitting]] = []
    withdrawn: list[WithdrawnExemption] = []
    dependent: list[str] = []
    for sitting in sorted(sittings, key=lambda s: s.application_id):
        resting = [d for d in sitting.exemptions if _rests_on(d, record.record_id)]
        if not resting or sitting.status is not SittingStatus.REGISTERED:
            continue
        if sitting.application_id in announced_ids:
            dependent.append(sitting.application_id)
            continue
        decisions = tuple(
            _withdrawn(d, record.record_id, on) if _rests_on(d, record.record_id) else d
            for d in sitting.exemptions
        )
        rewrites.append((sitting, sitting.model_copy(update={"exemptions": decisions})))
        withdrawn += [
            WithdrawnExemption(application_id=sitting.application_id, part=d.part) for d in resting
        ]
    return Withdrawal(tuple(rewrites), tuple(withdrawn), tuple(dependent))


def _rests_on(decision: ExemptionDecision, record_id: str) -> bool:
    return (
        decision.outcome is Outcome.EXEMPT
        and decision.basis is Basis.PASS_RECORD
        and decision.record_id == record_id
    )


def _withdrawn(decision: ExemptionDecision, record_id: str, on: dt.date) -> ExemptionDecision:
    return ExemptionDecision(
        part=decision.part,
        outcome=Outcome.NOT_EXEMPT,
        reason=NotExemptReason.PASS_REVOKED,
        considered=(record_id,),
        rules_version=decision.rules_version,
        decided_on=on,
    )


__all__ = [
    "PassRevocationRecord",
    "ReturnStatus",
    "Withdrawal",
    "WithdrawnExemption",
    "withdraw_exemptions",
]
