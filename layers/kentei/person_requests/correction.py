"""A correction request (訂正請求, P10) goes through the change flow (R9).

The information-disclosure office records the items the person asks to correct: a change
proposal (source ``person_request``, naming the request) for the person, written in the same
transaction as the request, which keeps the proposal's id. Review decides the proposal at
``/v1/roster/changes`` like any other; accepting it corrects the examinee with a history entry
whose source is the person request. The request's decision then follows the proposal's:

- accepted → ``granted`` or ``partly_granted`` (the office says which: a person may have asked
  for more than the proposal could carry);
- rejected → ``refused``;
- not decided yet → no decision on the request;
- no proposal recorded → ``refused`` only: there is nothing to correct.

A request has at most one open proposal: recording the items again while it is open supersedes
it; once review has decided it, the request is decided, not corrected again. A request with an
open proposal is not withdrawn (review rejects the proposal first), so no proposal is left to
be accepted for a request that is closed.

Pure: the rules as functions over the request and its proposal; the errors are
:class:`~kentei.person_requests.model.RequestStateError` (the API: 409), each kind its own
class.
"""

from __future__ import annotations

from kentei.person_requests.model import Decision, PersonRequest, RequestStateError
from kentei.person_requests.procedures import RequestKind
from kentei.roster.changes import Proposal, ProposalStatus

AGREEING: dict[ProposalStatus, frozenset[Decision]] = {
    ProposalStatus.ACCEPTED: frozenset({Decision.GRANTED, Decision.PARTLY_GRANTED}),
    ProposalStatus.REJECTED: frozenset({Decision.REFUSED}),
}
"""The request's decisions a decided proposal agrees with."""


class NotACorrectionError(RequestStateError):
    """Items were recorded for a request of another kind: it corrects nothing."""


class CorrectionOpenError(RequestStateError):
    """The request's proposal is not decided yet: review decides it first."""


class CorrectionDecidedError(RequestStateError):
    """The request's proposal is decided: the request is decided next, not corrected again."""


class CorrectionDisagreesError(RequestStateError):
    """The request's decision does not follow its proposal's (or there is no proposal and the
    decision grants something)."""


def correctable(request: PersonRequest, current: Proposal | None) -> None:
    """Raises unless the office may record items for ``request`` now: an open correction request
    with no proposal, or with ``current`` (its proposal) still open, to be superseded."""
    if request.kind is not RequestKind.CORRECTION:
        raise NotACorrectionError(f"a {request.kind.value} request corrects nothing")
    if not request.open:
        raise RequestStateError(f"the request is {request.status.value}")
    _check_current(request, current)
    if current is not None and current.status is not ProposalStatus.PROPOSED:
        raise CorrectionDecidedError(
            f"the correction was {current.status.value} at review: decide the request"
        )


def corrected(request: PersonRequest, proposal: Proposal) -> PersonRequest:
    """The request naming ``proposal`` as its correction."""
    if proposal.person_request_id != request.request_id:
        raise ValueError("the proposal and the request name each other")
    return request.model_copy(update={"proposal_id": proposal.proposal_id})


def check_decision(request: PersonRequest, decision: Decision, current: Proposal | None) -> None:
    """Raises unless ``decision`` on ``request`` follows its proposal ``current`` (None: none
    recorded). A request of another kind, or one closed already (its own state refuses a
    decision), is not checked here."""
    if request.kind is not RequestKind.CORRECTION or not request.open:
        return
    _check_current(request, current)
    if current is None:
        if decision is not Decision.REFUSED:
            raise CorrectionDisagreesError(
                "no correction was recorded for the request: it can only be refused "
                "(nothing to correct)"
            )
        return
    agreeing = AGREEING.get(current.status)
    if agreeing is None:
        raise CorrectionOpenError(
            "the correction is not decided at review yet (/v1/roster/changes): "
            "decide the request after it"
        )
    if decision not in agreeing:
        allowed = " or ".join(sorted(d.value for d in agreeing))
        raise CorrectionDisagreesError(
            f"the correction was {current.status.value} at review: the request is {allowed}"
        )


def check_withdrawal(request: PersonRequest, current: Proposal | None) -> None:
    """Raises if ``request``'s proposal is still open: review rejects it before the request is
    withdrawn, so nothing is corrected for a withdrawn request."""
    if request.kind is not RequestKind.CORRECTION or not request.open:
        return
    _check_current(request, current)
    if current is not None and current.status is ProposalStatus.PROPOSED:
        raise CorrectionOpenError(
            "the correction is open at review (/v1/roster/changes): reject it there first"
        )


def _check_current(request: PersonRequest, current: Proposal | None) -> None:
    named = None if current is None else current.proposal_id
    if named != request.proposal_id:
        raise ValueError("the proposal given is not the request's")
