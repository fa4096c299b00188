"""``POST /v1/initial-registrations`` and ``GET /v1/initial-registrations/{registration_id}``:
a person's initial registration from the Mynaportal bridge (:mod:`intake.initial_registrations`)."""

from __future__ import annotations

from typing import Annotated, Final

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from intake import paths
from intake.access import require_caller
from intake.initial_registrations import (
    InitialRegistrationAccepted,
    InitialRegistrationState,
    initial_registration_status,
    submit_initial_registration,
)
from intake.routes.signed_requests import IdempotencyKey, accepted, status_route, submission_route
from kentei.initial_registrations import InitialRegistrationBody

router = Router()  # type: ignore[no-untyped-call]

_SUBMIT: Final = """Submit a person's initial registration (初期登録申請) of a past pass.

The Mynaportal bridge only (other callers: 403). The body carries the document exactly as the
person signed it (their マイナポータル仮名ID, their My Number, the prefecture, the 技能士番号
they claim and optionally the certificate number) and a detached CMS signature over it with
their JPKI signature certificate. Intake checks the shape and size and refuses a My Number
anywhere but the document's `my_number` (422 naming the field); verify checks the signature
and the person and matches the claim with the prefecture's historical pass record (see the
status). `Idempotency-Key` as for change requests."""


@submission_route(
    router,
    paths.INITIAL_REGISTRATIONS,
    summary="Submit an initial registration",
    description=_SUBMIT,
    tag="initial registrations",
)
def post_initial_registration(
    request: Annotated[InitialRegistrationBody, Body(description="The signed registration.")],
    idempotency_key: IdempotencyKey,
) -> Response[InitialRegistrationAccepted]:
    return accepted(router, submit_initial_registration, request, idempotency_key)


@status_route(
    router,
    paths.INITIAL_REGISTRATION,
    summary="Status of an initial registration",
    description="`received`, `linked` (the past pass is the person's), `in_review` (staff "
    "check the claim), `refused` (verify refused it), or `rejected` (staff did not accept the "
    "claim), with reason codes. Never the items. Visible to the bridge "
    "that sent it only; anyone else, and a malformed id, gets 404.",
    tag="initial registrations",
    what="initial registration",
)
def get_initial_registration(
    registration_id: Annotated[
        str, Path(description="The registration's id (a malformed one is a 404).")
    ],
) -> InitialRegistrationState:
    return initial_registration_status(
        require_caller(router.current_event.raw_event), registration_id
    )
