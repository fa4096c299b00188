"""``POST /v1/change-requests`` and ``GET /v1/change-requests/{request_id}``: a person's
signed change request from the Mynaportal bridge (:mod:`intake.signed_change_requests`)."""

from __future__ import annotations

from typing import Annotated, Final

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from intake import paths
from intake.access import require_caller
from intake.routes.signed_requests import IdempotencyKey, accepted, status_route, submission_route
from intake.signed_change_requests import (
    ChangeRequestAccepted,
    ChangeRequestState,
    change_request_status,
    submit_change_request,
)
from kentei.change_requests import ChangeRequestBody

router = Router()  # type: ignore[no-untyped-call]

_SUBMIT: Final = """Submit a person's signed change request (訂正・変更の申出).

The Mynaportal bridge only (other callers: 403). The body carries the change document exactly
as the person signed it (/v1/schemas/change-document.json: their マイナポータル仮名ID, their My
Number, the prefecture whose roster holds them, the items to change) and a detached CMS
signature over it with their JPKI signature certificate. Intake checks the shape and size and
refuses a My Number anywhere but the document's `my_number` (422 naming the field); verify
checks the signature, the person and the items, and proposes the change to the prefecture's
review staff, or refuses it with reason codes (see the status).

The `Idempotency-Key` header is required: the same key with the same request returns the
original `202` and creates nothing; the same key with another request is a `409`."""


@submission_route(
    router,
    paths.CHANGE_REQUESTS,
    summary="Submit a signed change request",
    description=_SUBMIT,
    tag="change requests",
)
def post_change_request(
    request: Annotated[ChangeRequestBody, Body(description="The signed change request.")],
    idempotency_key: IdempotencyKey,
) -> Response[ChangeRequestAccepted]:
    return accepted(router, submit_change_request, request, idempotency_key)


@status_route(
    router,
    paths.CHANGE_REQUEST,
    summary="Status of a change request",
    description="Where the change request stands: `received`, `proposed` (staff review it), "
    "`accepted` or `rejected` (staff's decision), or `refused` with reason codes. Never the "
    "items. Visible to the bridge that sent it only; anyone else, and a malformed id, gets 404.",
    tag="change requests",
    what="change request",
)
def get_change_request(
    request_id: Annotated[
        str, Path(description="The change request's id (a malformed one is a 404).")
    ],
) -> ChangeRequestState:
    return change_request_status(require_caller(router.current_event.raw_event), request_id)
