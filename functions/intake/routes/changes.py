"""Change proposals from the periodic registry re-check (定期照会, R9, R10), for review staff
of the prefecture (role ``reviewer``): open proposals, accept, reject; and the runs."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.examinee_changes import (
    MAX_PAGE,
    AcceptRequest,
    ChangePage,
    ChangeView,
    RecheckRuns,
    RejectRequest,
    accept_change,
    list_changes,
    list_runs,
    reject_change,
)
from intake.responses import documented
from kentei.callers import Caller
from kentei.roster.changes import PROPOSAL_ID_PATTERN

router = Router()  # type: ignore[no-untyped-call]

_PROPOSAL_ID = Path(pattern=PROPOSAL_ID_PATTERN, description="The proposal's id.")


def _staff() -> Caller:
    return require_staff(require_caller(router.current_event.raw_event))


@router.get(
    paths.ROSTER_CHANGES,
    summary="Open change proposals",
    description="The prefecture's open change proposals, oldest first: the person by "
    "資格仮名ID, the items before and after (never the My Number), where they come from (the "
    "registry re-check run). A deceased person's proposal is a deletion to decide (R10). Role "
    "`reviewer`; each page listed is written to the audit trail.",
    tags=["roster"],
    responses=documented(200, "One page of proposals", 401, 403, 422),
)
def get_changes(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")] = 25,
    cursor: Annotated[
        str | None,
        Query(pattern=PROPOSAL_ID_PATTERN, description="`next_cursor` of the previous page."),
    ] = None,
) -> ChangePage:
    staff = _staff()
    return list_changes(staff, limit, cursor, request_id(router.current_event.raw_event))


@router.post(
    paths.ROSTER_CHANGE_ACCEPT,
    summary="Accept a change proposal",
    description="The examinee's items become the proposal's after-values, with a history "
    "entry (before, after, who, when, the source), in one transaction with the audit entry. "
    "A proposal already decided, or an examinee changed since the proposal, is a 409 and "
    "nothing changes. Role `reviewer`, of the proposal's prefecture (others: 404).",
    tags=["roster"],
    responses=documented(200, "The decided proposal", 400, 401, 403, 404, 409, 415, 422),
)
def post_accept(
    proposal_id: Annotated[str, _PROPOSAL_ID],
    request: Annotated[AcceptRequest, Body(description="Nothing: an empty object.")],
) -> ChangeView:
    staff = _staff()
    return accept_change(staff, proposal_id, request_id(router.current_event.raw_event))


@router.post(
    paths.ROSTER_CHANGE_REJECT,
    summary="Reject a change proposal",
    description="The proposal is closed with the reason, the examinee unchanged; a later run "
    "that finds the difference again proposes it again. Role `reviewer`, of the proposal's "
    "prefecture (others: 404); audited with the decision.",
    tags=["roster"],
    responses=documented(200, "The decided proposal", 400, 401, 403, 404, 409, 415, 422),
)
def post_reject(
    proposal_id: Annotated[str, _PROPOSAL_ID],
    request: Annotated[RejectRequest, Body(description="The reason.")],
) -> ChangeView:
    staff = _staff()
    event = router.current_event.raw_event
    return reject_change(staff, proposal_id, request, request_id(event))


@router.get(
    paths.ROSTER_RECHECKS,
    summary="Registry re-check runs",
    description="The prefecture's latest runs of the periodic registry re-check (定期照会), "
    "newest first: when it was scheduled, started and finished, how many examinees were "
    "queried, how many differences were found and proposed, how many could not be checked. "
    "Counts only. Role `reviewer`; written to the audit trail.",
    tags=["roster"],
    responses=documented(200, "The runs", 401, 403, 422),
)
def get_rechecks(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="How many runs.")] = 10,
) -> RecheckRuns:
    staff = _staff()
    return list_runs(staff, limit, request_id(router.current_event.raw_event))
