"""An initial registration's claim settled against the prefecture's historical records: what
verify does once the signer is verified and enrolled (the 資格仮名ID known).

:func:`settle_claim` reads the record of the claimed number, matches it
(:func:`~kentei.results.historical.matching.match`) and then, through the store's port, either
links it (the record ``linked``, the person's ``PASS#<資格仮名ID>#H-<number>`` and the
``historical_pass.linked`` audit entry in one transaction) or marks it ``in_conflict`` with
the failed checks (``historical_pass.conflict``, in the same write). A record changed between
the read and the write (another person's claim linked it meanwhile) is read and matched
again, once: the later claim is then a conflict. No record of the number: ``in_review`` with
``historical.not_found`` and nothing written. Ids and codes only: never a name or a number of
the person's in an outcome or an audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from kentei.data.audit import AuditAction, AuditEvent
from kentei.exemptions.model import PassRecord
from kentei.results.historical.matching import (
    Claim,
    ClaimCheck,
    ClaimStatus,
    match,
    pass_record_of,
)
from kentei.results.historical.model import HistoricalChangedError, Link, StoredHistoricalPass

RECORD_TYPE: Final = "historical_pass"
ATTEMPTS: Final = 2


class ClaimStore(Protocol):
    """What settling a claim needs of a prefecture's historical records
    (:class:`kentei.data.historical_passes.PrefectureHistoricalPasses`)."""

    prefecture_code: str

    def get(self, passer_number: str) -> StoredHistoricalPass | None: ...

    def link(
        self,
        current: StoredHistoricalPass,
        link: Link,
        pass_record: PassRecord,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredHistoricalPass: ...

    def mark_in_conflict(
        self,
        current: StoredHistoricalPass,
        application_id: str,
        failures: Sequence[str],
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredHistoricalPass: ...


class ChangedMeanwhileError(RuntimeError):
    """The record kept changing between the read and the write (retried by the caller)."""


@dataclass(frozen=True)
class ClaimOutcome:
    status: ClaimStatus
    failures: tuple[ClaimCheck, ...] = ()
    pass_record_id: str | None = None


def settle_claim(
    store: ClaimStore,
    claim: Claim,
    *,
    at: datetime,
    actor: str,
    request_id: str,
) -> ClaimOutcome:
    """Settle ``claim`` (see the module): ``actor`` and ``request_id`` name who settles it
    in the audit entry (verify, the message's request)."""
    for _ in range(ATTEMPTS):
        current = store.get(claim.passer_number)
        result = match(current, claim)
        if current is None:
            return ClaimOutcome(ClaimStatus.IN_REVIEW, result.failures)
        if result.already:
            return ClaimOutcome(ClaimStatus.ALREADY_LINKED)
        try:
            if result.matched:
                record = pass_record_of(current.record, claim.qualification_pseudonym_id)
                link = Link(
                    qualification_pseudonym_id=claim.qualification_pseudonym_id,
                    linked_at=at,
                    application_id=claim.application_id,
                )
                event = _event(
                    AuditAction.HISTORICAL_PASS_LINKED,
                    store,
                    claim,
                    (at, actor, request_id),
                    person=True,
                )
                store.link(current, link, record, at, audit=[event])
                return ClaimOutcome(ClaimStatus.LINKED, pass_record_id=record.record_id)
            event = _event(
                AuditAction.HISTORICAL_PASS_CONFLICT, store, claim, (at, actor, request_id)
            )
            store.mark_in_conflict(
                current,
                claim.application_id,
                [failure.value for failure in result.failures],
                audit=[event],
            )
            return ClaimOutcome(ClaimStatus.IN_REVIEW, result.failures)
        except HistoricalChangedError:
            continue
    raise ChangedMeanwhileError("the historical record kept changing")


def _event(
    action: AuditAction,
    store: ClaimStore,
    claim: Claim,
    by: tuple[datetime, str, str],
    *,
    person: bool = False,
) -> AuditEvent:
    """The entry; the person is named only on a link (a conflicting record is not known to
    be the claimant's)."""
    at, actor, request_id = by
    return AuditEvent(
        actor=actor,
        action=action,
        record_type=RECORD_TYPE,
        record_id=claim.passer_number,
        prefecture_code=store.prefecture_code,
        request_id=request_id,
        at=at,
        person_id=claim.qualification_pseudonym_id if person else None,
    )
