"""A person's initial registration from the Mynaportal bridge (初期登録申請, R17).

``POST /v1/initial-registrations``: the document exactly as the person signed it (their
マイナポータル仮名ID, their My Number, the prefecture, the 技能士番号 they claim, optionally the
certificate number) and the detached CMS signature (:mod:`kentei.initial_registrations`).
Received as every signed request (:mod:`intake.signed_requests`, as a change request):
checked and screened (a My Number anywhere but the document's ``my_number``: ``422``), never
verified here; the id derives from (prefecture, caller, ``Idempotency-Key``); the raw parts
go to the inbox; ``INITIAL_REGISTRATION#<id>`` (``received``, ids only) with its audit entry
in one transaction; ``initial_registration_received`` (ids only) to verify.

``GET /v1/initial-registrations/{registration_id}``: the bridge that sent it reads where it
stands (``received``, ``linked``, ``in_review``, ``refused`` with reason codes, or, once staff
decided, ``linked`` or ``rejected``); anyone else, and a malformed id, ``404``. Never the
items, nor staff's reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import paths
from intake.dependencies import Dependencies, dependencies
from intake.signed_requests import Records, SignedKind, SignedRequest, sent_by, submit_signed
from kentei import messages
from kentei.callers import Caller
from kentei.data.initial_registrations import RegistrationIdTakenError
from kentei.initial_registrations import (
    InitialRegistrationBody,
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    initial_registration_id_for,
    parse_initial_registration,
    prefecture_of_initial_registration,
)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

_NOT_FOUND: Final = "no such initial registration"


class InitialRegistrationAccepted(BaseModel):
    """The answer to an initial registration: where to follow it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    registration_id: str = Field(description="The registration's id, PP-IR-<26 characters>.")
    status: Literal["received"]
    status_url: str = Field(description="path of the registration's status")


class InitialRegistrationState(BaseModel):
    """Where an initial registration stands, as the bridge that sent it sees it: never the
    items, never the number claimed."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    registration_id: str
    status: Literal["received", "linked", "in_review", "refused", "rejected"] = Field(
        description="received (waiting for verify); linked (the past pass is the person's); "
        "in_review (staff check the claim); refused (verify refused it: see reasons); "
        "rejected (staff did not accept the claim)"
    )
    received_at: AwareDatetime
    verified_at: AwareDatetime | None
    reasons: tuple[str, ...] = Field(
        description="reason codes (refused; in review and rejected: the failed checks)"
    )


_KIND: Final = SignedKind(
    "initial_registration",
    initial_registration_id_for,
    InitialRegistrationRequest,
    RegistrationIdTakenError,
    messages.InitialRegistrationReceived,
)


def submit_initial_registration(
    request: SignedRequest[InitialRegistrationBody],
    context: LambdaContext,
    deps: Dependencies | None = None,
) -> InitialRegistrationAccepted:
    """Receive ``request`` once; a replay of it gets the same answer."""
    answer = submit_signed(
        _KIND, request, parse_initial_registration, _records, _accepted, context=context, deps=deps
    )
    return InitialRegistrationAccepted.model_validate(answer)


def _records(deps: Dependencies, prefecture_code: str) -> Records[InitialRegistrationRequest]:
    store = deps.initial_registrations(prefecture_code)
    return Records(store.registration, store.create)


def _accepted(registration_id: str) -> InitialRegistrationAccepted:
    return InitialRegistrationAccepted(
        registration_id=registration_id,
        status="received",
        status_url=paths.initial_registration_url(registration_id),
    )


def initial_registration_status(
    caller: Caller, registration_id: str, deps: Dependencies | None = None
) -> InitialRegistrationState:
    """The registration's state for the bridge that sent it; ``404`` for anyone else."""
    deps = deps or dependencies()
    stores = deps.initial_registrations
    stored = sent_by(
        caller,
        prefecture_of_initial_registration(registration_id),
        lambda prefecture_code: stores(prefecture_code).registration(registration_id),
        not_found=_NOT_FOUND,
    )
    record = stored.record
    return InitialRegistrationState(
        registration_id=record.request_id,
        status=record.status.value,
        received_at=record.received_at,
        verified_at=record.verified_at,
        reasons=() if record.status is InitialRegistrationStatus.LINKED else record.reasons,
    )
