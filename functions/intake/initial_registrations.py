"""A person's initial registration from the Mynaportal bridge (初期登録申請, R17).

``POST /v1/initial-registrations``: the document exactly as the person signed it (their
マイナポータル仮名ID, their My Number, the prefecture, the 技能士番号 they claim, optionally the
certificate number) and the detached CMS signature (:mod:`kentei.initial_registrations`).
Received exactly as a signed change request (:mod:`intake.signed_change_requests`): checked
and screened (a My Number anywhere but the document's ``my_number``: ``422``), never
verified here; the id derives from (prefecture, caller, ``Idempotency-Key``); the raw parts
go to the inbox; ``INITIAL_REGISTRATION#<id>`` (``received``, ids only) with its audit entry
in one transaction; ``initial_registration_received`` (ids only) to verify.

``GET /v1/initial-registrations/{registration_id}``: the bridge that sent it reads where it
stands (``received``, ``linked``, ``in_review``, ``refused`` with reason codes, or, once staff
decided, ``linked`` or ``rejected``); anyone else, and a malformed id, ``404``. Never the
items, nor staff's reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import paths, screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import NotFoundError
from intake.receive import key_reused
from intake.signed_change_requests import (
    Receipt,
    SignedChangeRequest,
    SignedKind,
    receive_signed,
    require_mynaportal,
    submit_signed,
)
from kentei import messages
from kentei.callers import Caller, CallerKind
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.initial_registrations import RegistrationIdTakenError
from kentei.initial_registrations import (
    InitialRegistrationBody,
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    ParsedInitialRegistration,
    initial_registration_id_for,
    parse_initial_registration,
    prefecture_of_initial_registration,
)
from kentei.screening import holding_my_number

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

_NOT_FOUND: Final = "no such initial registration"


class InitialRegistrationAccepted(BaseModel):
    """The answer to an initial registration: where to follow it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    registration_id: str = Field(description="The registration's id, PP-IR-<26 characters>.")
    status: Literal["received"]
    status_url: str = Field(description="path of the registration's status")


class InitialRegistrationState(BaseModel):
    """Where an initial registration stands, as the bridge that sent it sees it: never the
    items, never the number claimed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
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


def submit_initial_registration(
    request: SignedChangeRequest, context: LambdaContext, deps: Dependencies | None = None
) -> InitialRegistrationAccepted:
    """Receive ``request`` once; a replay of it gets the same answer."""
    require_mynaportal(request.caller, "initial registrations")
    if not isinstance(request.body, InitialRegistrationBody):
        raise TypeError("an initial registration's body")
    parsed = parse_initial_registration(request.body)
    screening.refuse(
        [
            *holding_my_number(parsed.document, "document"),
            *holding_my_number(request.body.mynaportal_pseudonym_id, "mynaportal_pseudonym_id"),
        ]
    )
    answer = submit_signed(
        request,
        parsed,
        receive_initial_registration,
        key_prefix="intake.initial_registrations",
        context=context,
        deps=deps,
    )
    return InitialRegistrationAccepted.model_validate(answer)


_KIND: Final = SignedKind(
    AuditAction.INITIAL_REGISTRATION_RECEIVED,
    "initial_registration",
    "InitialRegistrationsReceived",
    "initial_registration_id",
)


def receive_initial_registration(
    request: SignedChangeRequest, parsed: Any, fingerprint: str, deps: Dependencies
) -> dict[str, Any]:
    """Receive ``request`` (read and screened as ``parsed``): the ``202`` body, ids only."""
    if not isinstance(parsed, ParsedInitialRegistration):
        raise TypeError("an initial registration's parsed form")
    prefecture = parsed.prefecture_code
    registration_id = initial_registration_id_for(
        prefecture, request.caller.id, request.idempotency_key
    )
    store = deps.initial_registrations(prefecture)
    existing = store.registration(registration_id)

    def create(now: datetime, audit: Sequence[AuditEvent]) -> None:
        record = InitialRegistrationRequest(
            request_id=registration_id,
            prefecture_code=prefecture,
            status=InitialRegistrationStatus.RECEIVED,
            received_at=now,
            submitted_by=request.caller.id,
        )
        try:
            store.create(record, fingerprint, audit)
        except RegistrationIdTakenError:
            raise key_reused() from None

    received = InitialRegistrationStatus.RECEIVED
    receive_signed(
        _KIND,
        request,
        Receipt(
            registration_id,
            prefecture,
            parsed.raw_parts,
            None
            if existing is None
            else (existing.request_fingerprint, existing.record.status is received),
        ),
        fingerprint,
        deps,
        create=create,
        queue=lambda: deps.verify_queue.send(
            messages.InitialRegistrationReceived(
                request_id=registration_id, prefecture_code=prefecture
            )
        ),
    )
    return InitialRegistrationAccepted(
        registration_id=registration_id,
        status="received",
        status_url=paths.initial_registration_url(registration_id),
    ).model_dump(mode="json")


def initial_registration_status(
    caller: Caller, registration_id: str, deps: Dependencies | None = None
) -> InitialRegistrationState:
    """The registration's state for the bridge that sent it; ``404`` for anyone else."""
    deps = deps or dependencies()
    prefecture = prefecture_of_initial_registration(registration_id)
    if prefecture is None or caller.kind is not CallerKind.BRIDGE:
        raise NotFoundError(_NOT_FOUND)
    stored = deps.initial_registrations(prefecture).registration(registration_id)
    if stored is None or stored.record.submitted_by != caller.id:
        raise NotFoundError(_NOT_FOUND)
    record = stored.record
    return InitialRegistrationState(
        registration_id=record.request_id,
        status=record.status.value,
        received_at=record.received_at,
        verified_at=record.verified_at,
        reasons=() if record.status is InitialRegistrationStatus.LINKED else record.reasons,
    )
