"""``POST /v1/applications`` (bridges and staff) and ``GET /v1/applications/{id}``."""

from __future__ import annotations

from typing import Annotated, Final

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from intake import paths
from intake.access import authorize_submission, request_id, require_caller
from intake.receive import Submission
from intake.responses import SUBMITTED, documented, idempotency_key_header
from intake.status import application_status
from intake.submit import submit
from intake.views import ApplicationAccepted, ApplicationStatus
from kentei.applications.model import ID_PATTERN
from kentei.submissions import ApplicationRequest

router = Router()  # type: ignore[no-untyped-call]

_SUBMIT: Final = """Submit an application (受検申請).

`channel` decides the body: `mynaportal` (the Mynaportal bridge: the signed document, its
detached CMS signature and the attachments), `egov` (the e-Gov bridge: the package as e-Gov
delivers it) or `paper` (association staff key in a paper form of their prefecture). Each
bridge submits only its own channel and only staff with the role `clerk` submit paper
(otherwise 403). Every submission is written to the audit trail with the application.

The `Idempotency-Key` header is required: the same key with the same request returns the
original `202` and creates nothing; the same key with another request is a `409`. A key
names one application for its caller.

A corrected resubmission of a returned application names it in `?resubmission_of=` (it must
be visible to the caller and still `returned`, otherwise 409). The new application starts
with a history of its own; it replaces the returned one only once verification shows it comes
from the same person, and is returned with `resubmission.other_person` if not."""


@router.post(
    paths.APPLICATIONS,
    status_code=202,
    summary="Submit an application",
    description=_SUBMIT,
    tags=["applications"],
    responses=SUBMITTED,
)
def post_application(
    request: Annotated[ApplicationRequest, Body(description="The application, by channel.")],
    idempotency_key: Annotated[
        str, idempotency_key_header("8-128 visible ASCII characters, new for each application.")
    ],
    resubmission_of: Annotated[
        str | None,
        Query(
            pattern=ID_PATTERN.pattern,
            description="The id of the returned application this one corrects.",
        ),
    ] = None,
) -> Response[ApplicationAccepted]:
    event = router.current_event
    caller = require_caller(event.raw_event)
    authorize_submission(caller, request.channel)
    body = (event.decoded_body or "").encode("utf-8", "surrogatepass")
    accepted = submit(
        Submission(
            caller=caller,
            idempotency_key=idempotency_key,
            request=request,
            resubmission_of=resubmission_of,
            body=body,
            request_id=request_id(event.raw_event),
        ),
        router.lambda_context,
    )
    return Response(
        status_code=202,
        content_type="application/json",
        body=accepted,
        headers={"Location": accepted.status_url},
    )


@router.get(
    paths.APPLICATION,
    summary="Status of an application",
    description="Its status (申請状況) with reasons and history, without personal data. "
    "Visible to the bridge that submitted it and to staff of its prefecture (roles `clerk` "
    "or `reviewer`; other staff 403); anyone else, and a malformed id, gets 404. A staff "
    "member's read is written to the audit trail.",
    tags=["applications"],
    responses=documented(200, "The application's status", 401, 403, 404),
)
def get_application(application_id: str) -> ApplicationStatus:
    event = router.current_event.raw_event
    return application_status(require_caller(event), application_id, request_id(event))
