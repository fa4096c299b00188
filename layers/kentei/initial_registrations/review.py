"""Staff review of a past passer's claim (初期登録申請の審査, R17): pure, no I/O.

Verify sends a registration whose claim did not match to staff (``in_review``, naming the
failed checks). Staff compare the claimant (their certificate's name and birth date) with the
historical record as the association holds it, and decide:

- **link** (:func:`plan_link`): the historical record is linked to the claimant's 資格仮名ID
  and their pass record (``PASS#<資格仮名ID>#H-<number>``) written; the registration
  ``linked``. A record linked to **another** person is relinked only when staff say so
  (``replace``): that person's pass record of it is then revoked (kept, marked revoked with
  the reason). A record already linked to the claimant needs no new link.
- **reject** (:func:`plan_reject`): the registration ``rejected``; a record whose open
  conflict names this registration is released (``unlinked``, or still ``linked`` to whoever
  it was linked to).

Either way the claimant's items leave the registration. The plan says what to write; the
store writes it in one transaction, conditional on the registration and the record being as
read (:class:`ReviewChangedError` otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kentei.exemptions.model import PassRecord, PassRevocation
from kentei.initial_registrations.record import (
    DECIDED_STATUS,
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    ReviewDecision,
    StaffDecision,
)
from kentei.results.historical.matching import pass_record_of, record_id
from kentei.results.historical.model import HistoricalStatus, Link, StoredHistoricalPass


class ReviewError(Exception):
    """A decision the registration's or the record's state refuses."""


class RegistrationDecidedError(ReviewError):
    """The registration is not in review (decided before, otherwise)."""


class NoHistoricalRecordError(ReviewError):
    """No historical record of the claimed number in the prefecture: nothing to link."""


class LinkedToAnotherError(ReviewError):
    """The record is linked to another person: relinking it needs ``replace``."""


class ReviewChangedError(ReviewError):
    """The registration or the record changed since it was read: nothing was written."""


@dataclass(frozen=True)
class LinkPlan:
    """What a link writes. ``link`` None: the record is the claimant's already (only its
    conflict mark, if it names this registration, is cleared)."""

    decided: InitialRegistrationRequest
    current: StoredHistoricalPass
    after: StoredHistoricalPass
    link: Link | None
    pass_record: PassRecord | None
    revoke: PassRevocation | None


@dataclass(frozen=True)
class RejectPlan:
    """What a rejection writes: the registration, and the record only when its conflict
    names this registration (``current`` and ``after`` then)."""

    decided: InitialRegistrationRequest
    current: StoredHistoricalPass | None
    after: StoredHistoricalPass | None


def is_repeat(
    record: InitialRegistrationRequest, decision: ReviewDecision, by: str, reason: str
) -> bool:
    """Whether ``record`` is already this decision, by ``by``, for ``reason`` (a retry whose
    answer was lost gets the same answer)."""
    review = record.review
    return (
        review is not None
        and record.status is DECIDED_STATUS[decision]
        and review.decision is decision
        and review.by == by
        and review.reason == reason
    )


def linked_to_other(current: StoredHistoricalPass, person: str) -> bool:
    return current.link is not None and current.link.qualification_pseudonym_id != person


def plan_link(
    record: InitialRegistrationRequest,
    current: StoredHistoricalPass | None,
    *,
    by: str,
    at: datetime,
    reason: str,
    replace: bool = False,
) -> LinkPlan:
    person = _in_review(record)
    if current is None:
        raise NoHistoricalRecordError("no historical record of the claimed number")
    replacing = current.link if linked_to_other(current, person) else None
    if replacing is not None and not replace:
        raise LinkedToAnotherError("the record is linked to another person")
    decided = _decided(
        record,
        StaffDecision(
            decision=ReviewDecision.LINK, by=by, at=at, reason=reason, replaced=bool(replacing)
        ),
    )
    if current.link is not None and replacing is None:
        # The claimant's already (another registration of theirs linked it meanwhile).
        return LinkPlan(decided, current, _released(current, record), None, None, None)
    link = Link(qualification_pseudonym_id=person, linked_at=at, application_id=record.request_id)
    after = current.model_copy(
        update={
            "status": HistoricalStatus.LINKED,
            "link": link,
            "conflict": (),
            "conflict_application_id": None,
        }
    )
    revoke = (
        None
        if replacing is None
        else PassRevocation(
            qualification_pseudonym_id=replacing.qualification_pseudonym_id,
            record_id=record_id(current.record.passer_number),
            reason=reason,
        )
    )
    return LinkPlan(decided, current, after, link, pass_record_of(current.record, person), revoke)


def plan_reject(
    record: InitialRegistrationRequest,
    current: StoredHistoricalPass | None,
    *,
    by: str,
    at: datetime,
    reason: str,
) -> RejectPlan:
    _in_review(record)
    decided = _decided(
        record, StaffDecision(decision=ReviewDecision.REJECT, by=by, at=at, reason=reason)
    )
    if current is None or current.conflict_application_id != record.request_id:
        return RejectPlan(decided, None, None)
    return RejectPlan(decided, current, _released(current, record))


def _in_review(record: InitialRegistrationRequest) -> str:
    if (
        record.status is not InitialRegistrationStatus.IN_REVIEW
        or record.qualification_pseudonym_id is None
    ):
        raise RegistrationDecidedError("the registration is not in review")
    return record.qualification_pseudonym_id


def _released(
    current: StoredHistoricalPass, record: InitialRegistrationRequest
) -> StoredHistoricalPass:
    """The record without the conflict this registration opened: ``unlinked`` unless linked."""
    if current.conflict_application_id != record.request_id:
        return current
    return current.model_copy(
        update={
            "status": (
                HistoricalStatus.LINKED if current.link is not None else HistoricalStatus.UNLINKED
            ),
            "conflict": (),
            "conflict_application_id": None,
        }
    )


def _decided(
    record: InitialRegistrationRequest, review: StaffDecision
) -> InitialRegistrationRequest:
    """The registration decided: its status, staff's decision, the claimant's items dropped."""
    return InitialRegistrationRequest.model_validate(
        {
            **record.model_dump(exclude={"claimant", "review"}),
            "status": DECIDED_STATUS[review.decision],
            "review": review.model_dump(),
            "claimant": None,
        }
    )
