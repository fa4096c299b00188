"""Review (審査) routes, for association staff of the application's prefecture."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.responses import documented
from intake.reviewing import decide_application, list_applications, open_application
from intake.views import ApplicationStatus, DecisionRequest, ReviewApplication, ReviewPage
from kentei.applications.model import Status
from kentei.callers import Caller
from kentei.data.applications import MAX_PAGE

router = Router()  # type: ignore[no-untyped-call]


def _staff() -> Caller:
    return require_staff(require_caller(router.current_event.raw_event))


@router.get(
    paths.REVIEW_APPLICATIONS,
    summary="The prefecture's applications by status",
    description="Applications of the caller's prefecture at `status` (by default those "
    "awaiting review), oldest first, as summaries without names. Role `reviewer`; each "
    "page listed is written to the audit trail.",
    tags=["review"],
    responses=documented(200, "One page of summaries", 401, 403),
)
def get_review_applications(
    status: Annotated[Status, Query(description="Which applications.")] = Status.UNDER_REVIEW,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")] = 25,
    cursor: Annotated[
        str | None,
        Query(
            max_length=1024,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="`next_cursor` of the previous page.",
        ),
    ] = None,
) -> ReviewPage:
    staff = _staff()
    return list_applications(
        staff, status, limit, cursor, request_id(router.current_event.raw_event)
    )


@router.get(
    paths.REVIEW_APPLICATION,
    summary="Open an application for review",
    description="The form (without the My Number), attachments, automatic check findings "
    "and history. Role `reviewer`, of the application's prefecture (others: 404); every "
    "opening is written to the audit trail.",
    tags=["review"],
    responses=documented(200, "The application under review", 401, 403, 404),
)
def get_review_application(application_id: str) -> ReviewApplication:
    staff = _staff()
    return open_application(staff, application_id, request_id(router.current_event.raw_event))


@router.post(
    paths.REVIEW_DECISION,
    summary="Accept, or return for correction",
    description="The decision on an application under review: `accept`, or `return` with at "
    "least one reason the applicant will read (never quote a value of the form). The same "
    "decision retried by the same staff member gets the same answer; any other decision on "
    "a decided application is a 409. Role `reviewer`, of the application's prefecture "
    "(others: 404); written to the audit trail with the decision.",
    tags=["review"],
    responses=documented(200, "The application's new status", 400, 401, 403, 404, 409, 413, 415),
)
def post_decision(
    application_id: str, decision: Annotated[DecisionRequest, Body(description="The decision.")]
) -> ApplicationStatus:
    staff = _staff()
    event = router.current_event.raw_event
    return decide_application(staff, application_id, decision, request_id(event))
