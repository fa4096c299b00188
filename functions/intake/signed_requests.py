"""Receiving a person's signed request from the Mynaportal bridge: what a change request
(訂正・変更の申出, :mod:`intake.signed_change_requests`) and an initial registration
(初期登録申請, :mod:`intake.initial_registrations`) share. Each kind names its own parts in a
:class:`SignedKind` (its parser, its id, its record, its store, its message, its answer).

The body carries the document exactly as the person signed it and the detached CMS
signature. Intake checks the shape and size, refuses a My Number anywhere but the document's
``my_number`` (``422`` naming the field), never verifies the signature (verify does), and
then, like an application's receipt (:mod:`intake.receive`):

1. the request id is derived from (prefecture, caller id, ``Idempotency-Key``), so a retry
   after a failure part-way converges on the same request, and Powertools' idempotency
   (:mod:`intake.exactly_once`) answers a replay within a day with the stored ``202`` (ids
   only);
2. the raw parts go to the inbox under the vault key (the My Number only there until verify
   has read them, then verify deletes every version);
3. the kind's record (``received``: ids only, no My Number, no items) with its audit entry in
   one transaction;
4. the kind's message (ids only) to verify.

The status of a request is its sender's only: anyone else, and a malformed id, gets ``404``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from pydantic import BaseModel

from intake import screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import ForbiddenError, NotFoundError
from intake.exactly_once import receive_once
from intake.receive import key_reused
from intake.telemetry import instruments
from kentei.callers import Caller, CallerKind
from kentei.change_requests import ChangeRequestBody, ParsedChangeRequest
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.change_requests import StoredChangeRequest
from kentei.data.initial_registrations import StoredInitialRegistration
from kentei.initial_registrations import ParsedInitialRegistration
from kentei.messages import ChangeRequestReceived, InitialRegistrationReceived
from kentei.screening import holding_my_number

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

MYNAPORTAL: Final = "mynaportal"
RECEIVED: Final = "received"
"""Every kind's status from its receipt until verify decides."""


ParsedSigned = ParsedChangeRequest | ParsedInitialRegistration
"""A signed request read by its kind's parser (it holds the My Number)."""
StoredSigned = StoredChangeRequest | StoredInitialRegistration
"""A kind's record as stored, with the fingerprint of the request that made it."""

B = TypeVar("B", bound=ChangeRequestBody)
P = TypeVar("P", bound=ParsedSigned)
R = TypeVar("R")
S = TypeVar("S", bound=StoredSigned)


@dataclass(frozen=True)
class SignedRequest(Generic[B]):
    """A validated signed request: who sent it, its key, the body as parsed by the interface,
    and the body exactly as sent (what its fingerprint covers)."""

    caller: Caller
    idempotency_key: str
    body: B
    raw_body: bytes
    request_id: str


@dataclass(frozen=True)
class SignedKind(Generic[R]):
    """What differs between the kinds of signed request at their receipt. ``record_type``
    (``change_request``) names the rest: the audit action ``<record_type>.received``, the
    metric (``ChangeRequestsReceived``), the log key (``change_request_id``), the idempotency
    records' prefix (``intake.change_requests``) and the kind in a refusal."""

    record_type: str
    id_for: Callable[[str, str, str], str]
    """The request's id from (prefecture, caller id, ``Idempotency-Key``)."""
    record: Callable[..., R]
    """Its record's model, made ``received`` from the receipt's ids."""
    taken: type[Exception]
    """What its store raises when another request holds the id."""
    message: Callable[..., ChangeRequestReceived | InitialRegistrationReceived]
    """Its message to verify (ids only)."""

    @property
    def action(self) -> AuditAction:
        return AuditAction(f"{self.record_type}.{RECEIVED}")

    @property
    def plural(self) -> str:
        return f"{self.record_type}s"

    @property
    def metric(self) -> str:
        return "".join(word.capitalize() for word in self.plural.split("_")) + "Received"

    @property
    def log_key(self) -> str:
        return f"{self.record_type}_id"


@dataclass(frozen=True)
class Records(Generic[R]):
    """A prefecture's records of a kind, as its receipt reads and writes them: ``create``
    writes a record with its audit events in one transaction."""

    find: Callable[[str], StoredSigned | None]
    create: Callable[[R, str, Sequence[AuditEvent]], object]


def submit_signed(
    kind: SignedKind[R],
    request: SignedRequest[B],
    parse: Callable[[B], P],
    records: Callable[[Dependencies, str], Records[R]],
    accepted: Callable[[str], BaseModel],
    *,
    context: LambdaContext,
    deps: Dependencies | None = None,
) -> dict[str, Any]:
    """``request`` from the Mynaportal bridge only, read by ``parse`` and screened, then
    received once (idempotent by the caller's ``Idempotency-Key``) into its prefecture's
    ``records``: the ``202`` body ``accepted`` makes of its id (ids only, what the
    idempotency record keeps)."""
    if request.caller.kind is not CallerKind.BRIDGE or request.caller.bridge != MYNAPORTAL:
        what = kind.plural.replace("_", " ")
        raise ForbiddenError(f"{what} come from the Mynaportal bridge only")
    # Read and screened before anything is stored (the idempotency record included): every
    # item of the document but ``my_number`` (where a number belongs), and the envelope's
    # pseudonym.
    parsed = parse(request.body)
    screening.refuse(
        [
            *holding_my_number(parsed.document, "document"),
            *holding_my_number(request.body.mynaportal_pseudonym_id, "mynaportal_pseudonym_id"),
        ]
    )
    ports = deps or dependencies()
    fingerprint = ports.fingerprinter.fingerprint(request.raw_body, None)

    def receive() -> dict[str, Any]:
        into = records(ports, parsed.prefecture_code)
        request_id = _receive(kind, request, parsed, fingerprint, ports, records=into)
        return accepted(request_id).model_dump(mode="json")

    return receive_once(
        receive,
        key_prefix=f"intake.{kind.plural}",
        caller_id=request.caller.id,
        idempotency_key=request.idempotency_key,
        fingerprint=fingerprint,
        context=context,
    )


def _receive(
    kind: SignedKind[R],
    request: SignedRequest[Any],
    parsed: ParsedSigned,
    fingerprint: str,
    deps: Dependencies,
    *,
    records: Records[R],
) -> str:
    """Receive a signed request (read and screened as ``parsed``) once; its id. A repeat with
    the same fingerprint queues it again while still ``received`` (another body: ``409``); a
    new one puts its raw parts in the inbox, then stores its record with the audit event in
    one transaction (``409`` when the id is another request's), then its message goes to
    verify."""
    prefecture = parsed.prefecture_code
    request_id = kind.id_for(prefecture, request.caller.id, request.idempotency_key)

    def queue() -> None:
        deps.verify_queue.send(kind.message(request_id=request_id, prefecture_code=prefecture))

    existing = records.find(request_id)
    if existing is not None:
        if existing.request_fingerprint != fingerprint:
            raise key_reused()
        if existing.record.status == RECEIVED:
            queue()
        return request_id
    now = deps.clock()
    deps.inbox.put_parts(request_id, parsed.raw_parts)
    event = AuditEvent.by(
        request.caller,
        kind.action,
        record_type=kind.record_type,
        record_id=request_id,
        prefecture_code=prefecture,
        request_id=request.request_id,
        at=now,
    )
    record = kind.record(
        request_id=request_id,
        prefecture_code=prefecture,
        status=RECEIVED,
        received_at=now,
        submitted_by=request.caller.id,
    )
    try:
        records.create(record, fingerprint, (event,))
    except kind.taken:
        raise key_reused() from None
    queue()
    instruments.count(kind.metric, channel=MYNAPORTAL)
    instruments.logger.info(
        f"{kind.record_type.replace('_', ' ')} received", extra={kind.log_key: request_id}
    )
    return request_id


def sent_by(
    caller: Caller,
    prefecture_code: str | None,
    find: Callable[[str], S | None],
    *,
    not_found: str,
) -> S:
    """The stored request ``find`` reads in ``prefecture_code`` (None: the id is malformed),
    for the bridge that sent it; ``404`` for anyone else."""
    if prefecture_code is None or caller.kind is not CallerKind.BRIDGE:
        raise NotFoundError(not_found)
    stored = find(prefecture_code)
    if stored is None or stored.record.submitted_by != caller.id:
        raise NotFoundError(not_found)
    return stored
