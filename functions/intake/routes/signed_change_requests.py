"""``POST /v1/change-requests`` and ``GET /v1/change-requests/{request_id}``: a person's
signed change request from the Mynaportal bridge (:mod:`intake.signed_change_requests`)."""

from __future__ import annotations

from typing import Annotated, Final, TypeVar

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path

from intake import paths
from intake.access import request_id, require_caller
from intake.responses import documented
from intake.signed_change_requests import (
    ChangeRequestAccepted,
    ChangeRequestState,
    SignedChangeRequest,
    change_request_status,
    submit_change_request,
)
from kentei.change_requests import ChangeRequestBody

router = Router()  # type: ignore[no-untyped-call]
T = TypeVar("T")

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


SUBMITTED: Final = documented(
    202,
    "Received: stored and queued for verification",
    400,
    401,
    403,
    409,
    413,
    415,
    headers={"Location": {"description": "the status URL", "schema": {"type": "string"}}},
)
"""The answers of a signed request's submission (change requests, initial registrations)."""
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=128,
        pattern=r"^[\x21-\x7e]+$",
        description="8-128 visible ASCII characters, new for each request.",
    ),
]


def signed_request(
    current: Router, body: ChangeRequestBody, idempotency_key: str
) -> SignedChangeRequest:
    """The signed request as the router's current event carries it."""
    event = current.current_event
    return SignedChangeRequest(
        caller=require_caller(event.raw_event),
        idempotency_key=idempotency_key,
        body=body,
        raw_body=(event.decoded_body or "").encode("utf-8", "surrogatepass"),
        request_id=request_id(event.raw_event),
    )


def accepted_response(body: T, status_url: str) -> Response[T]:
    return Response(
        status_code=202,
        content_type="application/json",
        body=body,
        headers={"Location": status_url},
    )


@router.post(
    paths.CHANGE_REQUESTS,
    status_code=202,
    summary="Submit a signed change request",
    description=_SUBMIT,
    tags=["change requests"],
    responses=SUBMITTED,
)
def post_change_request(
    request: Annotated[ChangeRequestBody, Body(description="The signed change request.")],
    idempotency_key: IdempotencyKey,
) -> Response[ChangeRequestAccepted]:
    accepted = submit_change_request(
        signed_request(router, request, idempotency_key), router.lambda_context
    )
    return accepted_response(accepted, accepted.status_url)


@router.get(
    paths.CHANGE_REQUEST,
    summary="Status of a change request",
    description="Where the change request stands: `received`, `proposed` (staff review it), "
    "`accepted` or `rejected` (staff's decision), or `refused` with reason codes. Never the "
    "items. Visible to the bridge that sent it only; anyone else, and a malformed id, gets 404.",
    tags=["change requests"],
    responses=documented(200, "The change request's status", 401, 403, 404),
)
def get_change_request(
    request_id: Annotated[
        str, Path(description="The change request's id (a malformed one is a 404).")
    ],
) -> ChangeRequestState:
    return change_request_status(require_caller(router.current_event.raw_event), request_id)
