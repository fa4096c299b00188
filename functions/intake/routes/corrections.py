"""Correction requests (訂正請求, P10) through the change flow: the information-disclosure
office (role ``privacy``) records what the person asks to correct, as a change proposal that
review decides at ``/v1/roster/changes`` (:mod:`intake.routes.changes`)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.corrections import CorrectionItems, record_correction
from intake.examinee_changes import ChangeView
from intake.responses import documented
from kentei.person_requests.model import REQUEST_ID_PATTERN

router = Router()  # type: ignore[no-untyped-call]


@router.post(
    paths.PERSON_REQUEST_CORRECTION,
    status_code=201,
    summary="Record what a correction request asks to correct",
    description="The items the person asks to correct (name, reading, address, postal code, "
    "phone, employer items; never the My Number, nor the birth date or sex, which follow the "
    "registry) become a change proposal (source `person_request`, naming the request) for "
    "review to accept or reject at `/v1/roster/changes`, in one transaction with the request, "
    "which keeps the proposal's id. Only the items that differ are proposed; items that change "
    "nothing are a 422. Recording again while review has not decided supersedes the open "
    "proposal; once decided, a 409 (`correction-decided`): the request is decided next, and "
    "its decision must follow the proposal's (accepted: `granted` or `partly_granted`; "
    "rejected: `refused`; a correction request with no proposal can only be `refused`). A "
    "request of another kind, or closed, is a 409 (`request-state`). Role `privacy`, of the "
    "request's prefecture (others: 404); audited in the transaction.",
    tags=["person requests"],
    responses=documented(201, "The proposal", 400, 401, 403, 404, 409, 415, 422),
)
def post_correction(
    person_request_id: Annotated[
        str, Path(pattern=REQUEST_ID_PATTERN, description="The correction request's id.")
    ],
    body: Annotated[CorrectionItems, Body(description="What the person asks to correct.")],
) -> Response[ChangeView]:
    event = router.current_event.raw_event
    staff = require_staff(require_caller(event))
    proposal = record_correction(staff, person_request_id, body, request_id(event))
    return Response(status_code=201, content_type="application/json", body=proposal)
