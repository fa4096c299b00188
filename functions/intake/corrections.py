"""Correction requests (訂正請求, P10) through the change flow (R9), for the prefecture's
information-disclosure office (role ``privacy``, own prefecture).

The office records the items the person asks to correct (the same items and rules as a paper
change request: :class:`kentei.roster.changes.RequestedItems`, only the items that differ,
every string screened for a My Number before anything is stored or logged): a change proposal
(source ``person_request``) for the request's person, written in one transaction with the
request (which keeps the proposal's id) and both audit entries. Review decides the proposal at
``/v1/roster/changes`` like any other; the request's decision must then follow it
(:mod:`kentei.person_requests.correction`): :func:`check_decision` and
:func:`check_withdrawal` are asked by :mod:`intake.person_requests` before it decides or
withdraws a correction request.

A request of another prefecture is not there (``404``); a request that is not an open
correction request, or whose correction review has decided, is a ``409``; items that change
nothing are a ``422``.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from intake import screening
from intake.access import staff_event, staff_prefecture
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, NotFoundError
from intake.examinee_changes import ChangeView
from intake.proposed_updates import proposed_update
from kentei.callers import Caller
from kentei.data.audit import AuditAction
from kentei.person_requests import correction
from kentei.person_requests.model import (
    ConcurrentRequestChangeError,
    Decision,
    PersonRequest,
    RequestStateError,
)
from kentei.roster.changes import (
    ChangeSource,
    Proposal,
    ProposalDecidedError,
    RequestedItems,
)

_NOT_FOUND: Final = "no such request in the caller's prefecture"
SLUGS: Final[dict[type[RequestStateError], str]] = {
    correction.CorrectionOpenError: "correction-open",
    correction.CorrectionDecidedError: "correction-decided",
    correction.CorrectionDisagreesError: "correction-disagrees",
}
"""The 409's slug of each correction rule (any other state of the request: ``request-state``)."""


class CorrectionItems(BaseModel):
    """What the person asks to correct, as the office recorded it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    items: RequestedItems = Field(
        description="The items to correct and their new values (null clears an optional one); "
        "items left out stay as they are. Never the My Number."
    )


def record_correction(
    staff: Caller,
    request_key: str,
    body: CorrectionItems,
    request_id: str,
    deps: Dependencies | None = None,
) -> ChangeView:
    """The request's correction as a change proposal for review; recording it again while
    review has not decided supersedes the open one."""
    screening.refuse_in_staff_body(body)
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    request = deps.person_requests(prefecture).request(request_key)
    if request is None:
        raise NotFoundError(_NOT_FOUND)
    current = _proposal_of(deps, request)
    try:
        correction.correctable(request, current)
    except RequestStateError as exc:
        raise conflict(exc) from None
    person = request.qualification_pseudonym_id
    proposal = proposed_update(
        deps,
        prefecture,
        person,
        body.items,
        ChangeSource.PERSON_REQUEST,
        not_found="the request's person is no longer on the caller's prefecture's roster",
        person_request_id=request.request_id,
    )
    at = proposal.proposed_at
    changed = correction.corrected(request, proposal)
    events = [
        staff_event(
            staff,
            AuditAction.EXAMINEE_CHANGE_PROPOSED,
            ("change_proposal", proposal.proposal_id),
            person=person,
            at=at,
            request_id=request_id,
        ),
        staff_event(
            staff,
            AuditAction.PERSON_REQUEST_CHANGED,
            ("person_request", request.request_id),
            person=person,
            at=at,
            request_id=request_id,
        ),
    ]
    try:
        deps.corrections(prefecture).propose_correction(
            changed, request, proposal, current, audit=events
        )
    except ProposalDecidedError as exc:
        raise ConflictError(str(exc), slug="correction-decided") from None
    except ConcurrentRequestChangeError as exc:
        raise ConflictError(str(exc), slug="request-changed") from None
    return ChangeView.of(proposal)


def check_decision(deps: Dependencies, request: PersonRequest, decision: Decision) -> None:
    """A ``409`` unless ``decision`` follows the correction's (a request of another kind
    passes)."""
    try:
        correction.check_decision(request, decision, _proposal_of(deps, request))
    except RequestStateError as exc:
        raise conflict(exc) from None


def check_withdrawal(deps: Dependencies, request: PersonRequest) -> None:
    """A ``409`` while the request's correction is open at review."""
    try:
        correction.check_withdrawal(request, _proposal_of(deps, request))
    except RequestStateError as exc:
        raise conflict(exc) from None


def conflict(error: RequestStateError) -> ConflictError:
    return ConflictError(str(error), slug=SLUGS.get(type(error), "request-state"))


def _proposal_of(deps: Dependencies, request: PersonRequest) -> Proposal | None:
    if request.proposal_id is None:
        return None
    found = deps.changes(request.prefecture_code).proposal(request.proposal_id)
    if found is None:
        raise LookupError("a correction request names a proposal that is not stored")
    return found
