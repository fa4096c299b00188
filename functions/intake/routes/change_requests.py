"""A person's change requests (訂正・変更, R9): staff key in a paper request as a change
proposal that review decides (:mod:`intake.routes.changes`)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.change_requests import PaperChangeRequest, key_in
from intake.examinee_changes import ChangeView
from intake.responses import documented

router = Router()  # type: ignore[no-untyped-call]


@router.post(
    paths.ROSTER_CHANGE_REQUESTS,
    status_code=201,
    summary="Key in a paper change request",
    description="The person's request on paper to change their items (name, reading, "
    "address, postal code, phone, employer items; never the My Number), with how the staff "
    "member confirmed their identity: a change proposal (source `paper_request`) for review "
    "to accept or reject (`/v1/roster/changes`), the examinee unchanged until then. Only the "
    "items that differ are proposed; a request that changes nothing is a 422. Role `clerk` or "
    "`reviewer`, of the examinee's prefecture (others: 404); written to the audit trail.",
    tags=["roster"],
    responses=documented(201, "The proposal", 400, 401, 403, 404, 415, 422),
)
def post_change_request(
    qualification_pseudonym_id: Annotated[
        str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")
    ],
    request: Annotated[PaperChangeRequest, Body(description="The request.")],
) -> Response[ChangeView]:
    event = router.current_event.raw_event
    staff = require_staff(require_caller(event))
    proposal = key_in(staff, qualification_pseudonym_id, request, request_id(event))
    return Response(status_code=201, content_type="application/json", body=proposal)
