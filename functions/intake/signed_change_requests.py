"""A person's signed change request from the Mynaportal bridge (訂正・変更の申出, R9).

``POST /v1/change-requests``: the change document exactly as the person signed it and the
detached CMS signature (:mod:`kentei.change_requests`). Intake checks the shape and size,
refuses a My Number anywhere but the document's ``my_number`` (``422`` naming the field),
never verifies the signature (verify does), and then, like an application's receipt
(:mod:`intake.receive`):

1. the request id is derived from (prefecture, caller id, ``Idempotency-Key``), so a retry
   after a failure part-way converges on the same request, and Powertools' idempotency
   answers a replay within a day with the stored ``202`` (ids only);
2. the raw parts go to the inbox under the vault key (the My Number only there until verify
   has read them, then verify deletes every version);
3. ``CHANGE_REQUEST#<request id>`` (``received``: ids only, no My Number, no items) with its
   audit entry in one transaction;
4. ``change_request_received`` (ids only) to verify.

``GET /v1/change-requests/{request_id}``: the bridge that sent it reads where it stands
(``received``, ``proposed``, then the proposal's decision ``accepted`` or ``rejected``, or
``refused`` with reason codes); anyone else, and a malformed id, gets ``404``. Never the
items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import paths, screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, ForbiddenError, NotFoundError
from intake.receive import key_reused
from intake.telemetry import instruments
from kentei import messages
from kentei.callers import Caller, CallerKind
from kentei.change_requests import (
    ChangeRequest,
    ChangeRequestBody,
    ChangeRequestStatus,
    ParsedChangeRequest,
    parse_change_request,
    prefecture_of_request,
    request_id_for,
)
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.change_requests import RequestIdTakenError
from kentei.roster.changes import ProposalStatus
from kentei.screening import holding_my_number
from kentei.submissions.parsed import RawPart

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

MYNAPORTAL: Final = "mynaportal"
KEY_TTL_S: Final = 24 * 60 * 60
_NOT_FOUND: Final = "no such change request"


class ChangeRequestAccepted(BaseModel):
    """The answer to a change request: where to follow it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    request_id: str = Field(description="The change request's id, PP-CR-<26 characters>.")
    status: Literal["received"]
    status_url: str = Field(description="path of the change request's status")


class ChangeRequestState(BaseModel):
    """Where a change request stands, as the bridge that sent it sees it: never the items."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    request_id: str
    status: Literal["received", "proposed", "accepted", "rejected", "refused"] = Field(
        description="received (waiting for verify); proposed (verified: staff review the "
        "change); accepted or rejected (staff's decision); refused (verify refused it: see "
        "reasons)"
    )
    received_at: AwareDatetime
    verified_at: AwareDatetime | None
    decided_at: AwareDatetime | None = Field(description="when staff accepted or rejected it")
    reasons: tuple[str, ...] = Field(description="reason codes of a refusal")


@dataclass(frozen=True)
class SignedChangeRequest:
    """A validated ``POST /v1/change-requests``: who sent it, its key, the body as parsed by
    the interface, and the body exactly as sent (what its fingerprint covers)."""

    caller: Caller
    idempotency_key: str
    body: ChangeRequestBody
    raw_body: bytes
    request_id: str


def submit_change_request(
    request: SignedChangeRequest, context: LambdaContext, deps: Dependencies | None = None
) -> ChangeRequestAccepted:
    """Receive ``request`` once; a replay of it gets the same answer."""
    require_mynaportal(request.caller, "change requests")
    # Read and screened before anything is stored (the idempotency record included).
    parsed = parse_change_request(request.body)
    _screen(request.body, parsed)
    answer = submit_signed(
        request,
        parsed,
        receive_change_request,
        key_prefix="intake.change_requests",
        context=context,
        deps=deps,
    )
    return ChangeRequestAccepted.model_validate(answer)


def require_mynaportal(caller: Caller, what: str) -> None:
    if caller.kind is not CallerKind.BRIDGE or caller.bridge != MYNAPORTAL:
        raise ForbiddenError(f"{what} come from the Mynaportal bridge only")


Receiver = Callable[[SignedChangeRequest, Any, str, Dependencies], dict[str, Any]]
"""Receives a signed request read and screened (its parsed form), with its fingerprint: the
``202`` body, ids only (what the idempotency record keeps)."""


def submit_signed(
    request: SignedChangeRequest,
    parsed: object,
    receiver: Receiver,
    *,
    key_prefix: str,
    context: LambdaContext,
    deps: Dependencies | None = None,
) -> dict[str, Any]:
    """A signed request (read and screened as ``parsed``) received once by ``receiver``,
    idempotent by the caller's ``Idempotency-Key`` under ``key_prefix``: a replay gets the
    same answer, another body under the key a ``409``."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    deps = deps or dependencies()
    fingerprint = deps.fingerprinter.fingerprint(request.raw_body, None)
    config, idempotent_receive = _idempotent(key_prefix)
    config.register_lambda_context(context)
    key = {
        "caller": request.caller.id,
        "key": request.idempotency_key,
        "fingerprint": fingerprint,
    }
    try:
        return idempotent_receive(
            request=request,
            parsed=parsed,
            fingerprint=fingerprint,
            deps=deps,
            receiver=receiver,
            idempotency=key,
        )
    except IdempotencyValidationError:
        raise key_reused() from None
    except IdempotencyAlreadyInProgressError:
        raise ConflictError(
            "a request with this Idempotency-Key is still being processed; retry shortly",
            slug="request-in-progress",
            headers={"Retry-After": "1"},
        ) from None


@dataclass(frozen=True)
class SignedKind:
    """What differs between the kinds of signed request at their receipt: the audit action
    and record type, the metric, the log key."""

    action: AuditAction
    record_type: str
    metric: str
    log_key: str


@dataclass(frozen=True)
class Receipt:
    """A signed request to receive: its id and prefecture, its raw parts, and what is stored
    under the id already (the fingerprint, and whether it is still ``received``)."""

    request_id: str
    prefecture_code: str
    raw_parts: tuple[RawPart, ...] = field(repr=False)
    existing: tuple[str, bool] | None


def receive_signed(
    kind: SignedKind,
    request: SignedChangeRequest,
    receipt: Receipt,
    fingerprint: str,
    deps: Dependencies,
    *,
    create: Callable[[datetime, Sequence[AuditEvent]], object],
    queue: Callable[[], object],
) -> None:
    """Receive a signed request once: a repeat with the same fingerprint queues it again
    while still ``received`` (another body: ``409``); a new one puts its raw parts in the
    inbox, then ``create`` stores its record with the audit event in one transaction (raising
    ``key_reused`` when the id is another request's), then ``queue`` sends it to verify."""
    if receipt.existing is not None:
        stored_fingerprint, still_received = receipt.existing
        if stored_fingerprint != fingerprint:
            raise key_reused()
        if still_received:
            queue()
        return
    now = deps.clock()
    deps.inbox.put_parts(receipt.request_id, receipt.raw_parts)
    event = AuditEvent.by(
        request.caller,
        kind.action,
        record_type=kind.record_type,
        record_id=receipt.request_id,
        prefecture_code=receipt.prefecture_code,
        request_id=request.request_id,
        at=now,
    )
    create(now, (event,))
    queue()
    instruments.count(kind.metric, channel=MYNAPORTAL)
    instruments.logger.info(
        f"{kind.record_type.replace('_', ' ')} received", extra={kind.log_key: receipt.request_id}
    )


_CHANGE_REQUEST: Final = SignedKind(
    AuditAction.CHANGE_REQUEST_RECEIVED,
    "change_request",
    "ChangeRequestsReceived",
    "change_request_id",
)


def receive_change_request(
    request: SignedChangeRequest,
    parsed: Any,
    fingerprint: str,
    deps: Dependencies,
) -> dict[str, Any]:
    """Receive ``request`` (read and screened as ``parsed``, its fingerprint
    ``fingerprint``); the ``202`` body, ids only (it is what the idempotency record keeps)."""
    if not isinstance(parsed, ParsedChangeRequest):
        raise TypeError("a change request's parsed form")
    prefecture = parsed.prefecture_code
    request_id = request_id_for(prefecture, request.caller.id, request.idempotency_key)
    store = deps.change_requests(prefecture)
    existing = store.request(request_id)

    def create(now: datetime, audit: Sequence[AuditEvent]) -> None:
        record = ChangeRequest(
            request_id=request_id,
            prefecture_code=prefecture,
            status=ChangeRequestStatus.RECEIVED,
            received_at=now,
            submitted_by=request.caller.id,
        )
        try:
            store.create(record, fingerprint, audit)
        except RequestIdTakenError:
            raise key_reused() from None

    receive_signed(
        _CHANGE_REQUEST,
        request,
        Receipt(
            request_id,
            prefecture,
            parsed.raw_parts,
            None
            if existing is None
            else (
                existing.request_fingerprint,
                existing.record.status is ChangeRequestStatus.RECEIVED,
            ),
        ),
        fingerprint,
        deps,
        create=create,
        queue=lambda: _queue(request_id, prefecture, deps),
    )
    return _accepted(request_id)


def change_request_status(
    caller: Caller, request_id: str, deps: Dependencies | None = None
) -> ChangeRequestState:
    """The request's state for the bridge that sent it; ``404`` for anyone else."""
    deps = deps or dependencies()
    prefecture = prefecture_of_request(request_id)
    if prefecture is None or caller.kind is not CallerKind.BRIDGE:
        raise NotFoundError(_NOT_FOUND)
    store = deps.change_requests(prefecture)
    stored = store.request(request_id)
    if stored is None or stored.record.submitted_by != caller.id:
        raise NotFoundError(_NOT_FOUND)
    record = stored.record
    status: str = record.status.value
    decided_at = None
    if record.proposal_id is not None:
        proposal = store.proposal(record.proposal_id)
        if proposal is not None and proposal.status in _DECIDED:
            status, decided_at = _DECIDED[proposal.status], proposal.decided_at
    return ChangeRequestState.model_validate(
        {
            "request_id": record.request_id,
            "status": status,
            "received_at": record.received_at,
            "verified_at": record.verified_at,
            "decided_at": decided_at,
            "reasons": record.reasons,
        }
    )


_DECIDED: Final = {ProposalStatus.ACCEPTED: "accepted", ProposalStatus.REJECTED: "rejected"}


def _screen(body: ChangeRequestBody, parsed: ParsedChangeRequest) -> None:
    """Every item of the document but ``my_number`` (its MyNumber value is where a number
    belongs), and the envelope's pseudonym."""
    screening.refuse(
        [
            *holding_my_number(parsed.document, "document"),
            *holding_my_number(body.mynaportal_pseudonym_id, "mynaportal_pseudonym_id"),
        ]
    )


def _queue(request_id: str, prefecture_code: str, deps: Dependencies) -> None:
    deps.verify_queue.send(
        messages.ChangeRequestReceived(request_id=request_id, prefecture_code=prefecture_code)
    )


def _accepted(request_id: str) -> dict[str, Any]:
    return ChangeRequestAccepted(
        request_id=request_id,
        status="received",
        status_url=paths.change_request_url(request_id),
    ).model_dump(mode="json")


@cache
def _idempotent(key_prefix: str) -> tuple[IdempotencyConfig, Callable[..., dict[str, Any]]]:
    # Made on first use, as intake.submit's: the idempotency utility and its DynamoDB store
    # are not needed at import, and the table's name is read from the environment only now.
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    from kentei.data.idempotency import persistence_layer

    config = IdempotencyConfig(
        event_key_jmespath="[caller, key]",
        payload_validation_jmespath="fingerprint",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=KEY_TTL_S,
        hash_function="sha256",
    )
    idempotent_receive = idempotent_function(
        _receive,
        data_keyword_argument="idempotency",
        persistence_store=persistence_layer(),
        config=config,
        key_prefix=key_prefix,
    )
    return config, idempotent_receive


def _receive(
    *,
    request: SignedChangeRequest,
    parsed: object,
    fingerprint: str,
    deps: Dependencies,
    receiver: Receiver,
    idempotency: dict[str, str],
) -> dict[str, Any]:
    del idempotency  # what Powertools keys and validates the stored response by
    return receiver(request, parsed, fingerprint, deps)
