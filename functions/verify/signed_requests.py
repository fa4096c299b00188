"""What verify checks of every signed request from the Mynaportal bridge (a change request, an
initial registration): the raw parts in the inbox, the CMS signature and the certificate at
the request's arrival (:func:`verify.submission.verify_signed_document`, as for a Mynaportal
application), the document read again from the signed bytes and naming the request's
prefecture, the signed act claimed for the request (single-use), and the number the signer's
(:func:`verify.signer.confirm_signers_number`: one code ``registry.not_confirmed``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Generic, Protocol, Self, TypeVar

from kentei.change_requests import ChangeRequest
from kentei.initial_registrations import InitialRegistrationRequest
from kentei.my_number import MyNumber
from kentei.submissions import SubmissionError
from verify.dependencies import Dependencies
from verify.reasons import Refusal, VerifyReason
from verify.signer import CertifiedIdentity, certified_identity, confirm_signers_number
from verify.submission import verify_signed_document

DOCUMENT_PART = "document.json"
SIGNATURE_PART = "signature.p7s"
RAW_PARTS = (DOCUMENT_PART, SIGNATURE_PART)
"""A signed request's raw parts: the signed document (with the My Number), its signature."""


class SignedDocument(Protocol):
    @property
    def prefecture_code(self) -> str: ...

    @property
    def my_number(self) -> MyNumber: ...


D = TypeVar("D", bound=SignedDocument)
T = TypeVar("T")


@dataclass(frozen=True)
class Refused:
    """Why a signed request is refused: a reason code and a detail for the log's kind only
    (never a value)."""

    code: str
    detail: str = field(repr=False)

    @classmethod
    def of(cls, refusal: Refusal) -> Refused:
        return cls(refusal.code, refusal.detail)


@dataclass(frozen=True)
class Signed(Generic[D]):
    """A signed request verified: its document, the number confirmed as the signer's and the
    signer's certified identity."""

    document: D = field(repr=False)
    my_number: MyNumber = field(repr=False)
    identity: CertifiedIdentity = field(repr=False)


@dataclass(frozen=True)
class Arrival:
    """The request as its record has it: id, prefecture, when it arrived."""

    request_id: str
    prefecture_code: str
    received_at: datetime


def verify_signed_request(
    arrival: Arrival, parse: Callable[[bytes, str], D], deps: Dependencies
) -> Signed[D] | Refused:
    """The checks of the module, in order; the first that fails is the refusal."""
    document_bytes = deps.inbox.get(arrival.request_id, DOCUMENT_PART)
    signature = deps.inbox.get(arrival.request_id, SIGNATURE_PART)
    if document_bytes is None or signature is None:
        return Refused(VerifyReason.SUBMISSION_MISSING.value, "the inbox has no raw part")
    verified = verify_signed_document(
        document_bytes, signature, arrival.received_at, deps.trust, deps.revocation
    )
    if isinstance(verified, Refusal):
        return Refused.of(verified)
    document = _document(document_bytes, arrival, parse)
    if isinstance(document, Refused):
        return document
    holder = deps.signed_acts.claim(
        arrival.prefecture_code, verified.signature_value, arrival.request_id
    )
    if holder is not None:
        return Refused(VerifyReason.SUBMISSION_REPLAYED.value, "the signed act was used before")
    identity = certified_identity(verified.four_items)
    confirmed = confirm_signers_number(identity, document.my_number, deps.registry)
    if isinstance(confirmed, Refusal):
        return Refused.of(confirmed)
    return Signed(document, confirmed, identity)


def _document(content: bytes, arrival: Arrival, parse: Callable[[bytes, str], D]) -> D | Refused:
    try:
        document = parse(content, DOCUMENT_PART)
    except SubmissionError as exc:
        return Refused(VerifyReason.SUBMISSION_MALFORMED.value, f"unreadable ({exc.slug})")
    if document.prefecture_code != arrival.prefecture_code:
        return Refused(
            VerifyReason.SUBMISSION_RECORD_MISMATCH.value,
            "the signed document names another prefecture than the request",
        )
    return document


def decide_once(
    request_id: str,
    still_received: bool,
    decide: Callable[[], T],
    decided_meanwhile: type[Exception],
    deps: Dependencies,
) -> T | None:
    """``decide`` a request still ``received`` (None when it was handled before, or when
    another delivery decided it meanwhile: ``decide`` raised ``decided_meanwhile``, and that
    decision stands). Either way verification has ended: every version of the raw parts is
    deleted from the inbox. What may pass on a retry raises and leaves them."""
    try:
        decided = decide() if still_received else None
    except decided_meanwhile:
        decided = None
    deps.inbox.delete(request_id, RAW_PARTS)
    return decided


DecidedRecord = ChangeRequest | InitialRegistrationRequest
"""A signed request's record, as its outcome reads it."""


@dataclass(frozen=True)
class SignedOutcome:
    """What became of a signed request: ids, status and reason codes only."""

    request_id: str
    prefecture_code: str
    status: StrEnum
    reasons: tuple[str, ...] = ()
    already_handled: bool = False

    @classmethod
    def of(cls, record: DecidedRecord, decided: DecidedRecord | None) -> Self:
        """``record``'s decision ``decided``; None: the request was handled before (as
        ``record`` has it)."""
        final = record if decided is None else decided
        return cls(
            request_id=final.request_id,
            prefecture_code=final.prefecture_code,
            status=final.status,
            reasons=final.reasons,
            already_handled=decided is None,
        )
