"""Staff review of past passers' claims (R17; role ``results``): the initial registrations
in review, one opened, and the decision (:mod:`intake.passer_reviews`)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from intake import paths
from intake.access import request_id, require_caller, require_staff
from intake.passer_reviews import (
    MAX_PAGE,
    PasserDecisionRequest,
    Reviewable,
    ReviewRegistration,
    ReviewRegistrationPage,
    decide_registration,
    list_registrations,
    open_registration,
)
from intake.responses import documented
from kentei.callers import Caller
from kentei.initial_registrations import INITIAL_REGISTRATION_ID_PATTERN

router = Router()  # type: ignore[no-untyped-call]

_REGISTRATION_ID = Path(
    description="The registration's id (another prefecture's, or a malformed one, is a 404)."
)
_TAGS = ["initial registrations"]


def _staff() -> Caller:
    return require_staff(require_caller(router.current_event.raw_event))


@router.get(
    paths.REVIEW_INITIAL_REGISTRATIONS,
    summary="Initial registrations for staff review",
    description="The prefecture's initial registrations (初期登録申請) at `status` (by default "
    "`in_review`: those verify could not match), in id order: the failed checks, the numbers "
    "claimed, when, the claimant's name and birth date as their signature certificate states "
    "them (in review only), and the historical record as the association holds it, with "
    "whether it is linked to the claimant, to another person (nothing more of them) or to "
    "nobody. Role `results`; each page listed is written to the audit trail.",
    tags=_TAGS,
    responses=documented(200, "One page of registrations", 401, 403, 422),
)
def get_review_initial_registrations(
    status: Annotated[Reviewable, Query(description="Which registrations.")] = "in_review",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")] = 25,
    cursor: Annotated[
        str | None,
        Query(
            pattern=INITIAL_REGISTRATION_ID_PATTERN,
            description="`next_cursor` of the previous page.",
        ),
    ] = None,
) -> ReviewRegistrationPage:
    staff = _staff()
    return list_registrations(
        staff, status, limit, cursor, request_id(router.current_event.raw_event)
    )


@router.get(
    paths.REVIEW_INITIAL_REGISTRATION,
    summary="Open an initial registration for review",
    description="One initial registration as in the list, with its historical record and, "
    "once decided, staff's decision. Role `results`, of the registration's prefecture "
    "(others: 404); every opening is written to the audit trail.",
    tags=_TAGS,
    responses=documented(200, "The registration under review", 401, 403, 404),
)
def get_review_initial_registration(
    registration_id: Annotated[str, _REGISTRATION_ID],
) -> ReviewRegistration:
    staff = _staff()
    return open_registration(staff, registration_id, request_id(router.current_event.raw_event))


@router.post(
    paths.REVIEW_INITIAL_REGISTRATION_DECISION,
    summary="Link or reject an initial registration",
    description="`link`: the historical record is linked to the claimant's 資格仮名ID and "
    "their pass record written, the registration `linked`; a record linked to another person "
    "needs `replace: true` (else 409 `linked-to-another`), and that person's pass record of it "
    "is then revoked (kept, marked revoked with the reason). A number the prefecture holds no "
    "record of cannot be linked (409 `no-historical-record`). `reject`: the registration "
    "`rejected`; a record whose open conflict is this registration's is released (`unlinked`, "
    "or still linked). The reason is required and kept. One transaction with the audit "
    "entries, conditional on the registration and the record being as read (a concurrent "
    "decision: 409 `concurrent-change`). The same decision retried by the same staff member "
    "with the same reason gets the same answer; any other on a decided registration is a 409 "
    "`registration-decided`. Role `results`, of the registration's prefecture (others: 404).",
    tags=_TAGS,
    responses=documented(200, "The decided registration", 400, 401, 403, 404, 409, 415, 422),
)
def post_review_initial_registration_decision(
    registration_id: Annotated[str, _REGISTRATION_ID],
    request: Annotated[PasserDecisionRequest, Body(description="The decision and its reason.")],
) -> ReviewRegistration:
    staff = _staff()
    event = router.current_event.raw_event
    return decide_registration(staff, registration_id, request, request_id(event))
