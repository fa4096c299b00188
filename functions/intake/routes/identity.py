"""The choice of the applicant among verify's candidates, for staff of the prefecture."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.identity_choice import choose_identity
from intake.responses import documented
from intake.views import ApplicationStatus, IdentityChoiceRequest

router = Router()  # type: ignore[no-untyped-call]


@router.post(
    paths.REVIEW_IDENTITY,
    summary="Choose (or confirm) the applicant among the candidates",
    description="For an application under review whose applicant the registry could not "
    "single out by the four items (several residents match, or an e-Gov application gave no "
    "My Number): `candidate` is the `index` of one of `verification.identity_candidates`. "
    "Verify then enrols that person; until it has, the application cannot be accepted. To "
    "choose no one, return the application. Role `reviewer`, of the application's "
    "prefecture (others: 404); 409 when the application awaits no choice; written to the "
    "audit trail.",
    tags=["review"],
    responses=documented(200, "The application's status", 400, 401, 403, 404, 409, 413, 415),
)
def post_identity_choice(
    application_id: str,
    choice: Annotated[IdentityChoiceRequest, Body(description="The candidate chosen.")],
) -> ApplicationStatus:
    event = router.current_event.raw_event
    staff = require_staff(require_caller(event))
    return choose_identity(staff, application_id, choice, request_id(event))
