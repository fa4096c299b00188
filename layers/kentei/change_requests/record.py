"""The change request as the records table keeps it (``CHANGE_REQUEST#<request id>``): ids,
status and reason codes only. Never the My Number, never the items (they are in the signed
document in the inbox until verify has read it, then in the proposal)."""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from typing import Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.roster.changes import PROPOSAL_ID_PATTERN, REQUEST_ID_PATTERN

__all__ = [
    "REQUEST_ID_PATTERN",
    "ChangeRequest",
    "ChangeRequestReason",
    "ChangeRequestStatus",
    "prefecture_of_request",
    "request_id_for",
    "signed_request_id",
]

_ID: Final = re.compile(REQUEST_ID_PATTERN)
_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID_CHARS: Final = 26
_DIGIT_RUN: Final = re.compile(r"[0-9]{12}")


class ChangeRequestStatus(StrEnum):
    RECEIVED = "received"
    """Stored, queued for verify."""
    PROPOSED = "proposed"
    """Verified: a change proposal awaits staff review."""
    REFUSED = "refused"
    """Verify refused it (the signature, the signer or the person): reason codes say why."""


class ChangeRequestReason(StrEnum):
    """Verify's reasons of its own for refusing a change request (the signature's and the
    registry's are an application's codes, :mod:`verify.reasons`)."""

    EXAMINEE_UNKNOWN = "examinee-unknown"
    """The vault knows no person under the number, or the prefecture's roster does not hold
    them: a change request changes an examinee, never makes one."""
    SIGNER_NOT_PERSON = "signer-not-person"
    """The Mynaportal pseudonym of the document is not linked to the person of the number."""
    NOTHING_TO_CHANGE = "nothing-to-change"
    """Every item holds the requested value already."""


class ChangeRequest(BaseModel):
    """A signed change request's record: who sent it, where it stands."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    request_id: str = Field(pattern=REQUEST_ID_PATTERN)
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    status: ChangeRequestStatus
    received_at: AwareDatetime
    submitted_by: str = Field(description="the bridge's caller id")
    verified_at: AwareDatetime | None = None
    proposal_id: str | None = Field(None, pattern=PROPOSAL_ID_PATTERN)
    reasons: tuple[str, ...] = Field((), description="reason codes of a refusal")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.request_id[:2] != self.prefecture_code:
            raise ValueError("the request id names another prefecture")
        proposed = self.status is ChangeRequestStatus.PROPOSED
        if proposed != (self.proposal_id is not None):
            raise ValueError("a proposed request, and only one, names its proposal")
        refused = self.status is ChangeRequestStatus.REFUSED
        if refused != bool(self.reasons):
            raise ValueError("a refused request, and only one, has reason codes")
        if (self.status is ChangeRequestStatus.RECEIVED) != (self.verified_at is None):
            raise ValueError("a request is verified exactly when it is no longer received")
        return self


def request_id_for(prefecture_code: str, caller_id: str, idempotency_key: str) -> str:
    """``PP-CR-<26 Crockford base32 characters>`` from SHA-256 of the caller and its key, so a
    retry converges on the same request (:func:`signed_request_id`)."""
    return signed_request_id("CR", prefecture_code, caller_id, idempotency_key)


def signed_request_id(tag: str, prefecture_code: str, caller_id: str, idempotency_key: str) -> str:
    """``PP-<tag>-<26 Crockford base32 characters>`` from SHA-256 of the kind of request, the
    caller and its key, so a retry converges on the same request. Never twelve digits in a
    row (nothing the My Number detector could take for a number): such a digest is drawn
    again with a counter."""
    salt = "kentei-change-request-id" if tag == "CR" else f"kentei-signed-request-id-{tag}"
    counter = 0
    while True:
        digest = hashlib.sha256(
            "\0".join(
                (salt, prefecture_code, caller_id, idempotency_key)
                + ((str(counter),) if counter else ())
            ).encode()
        ).digest()
        value = int.from_bytes(digest, "big") >> (256 - 5 * _ID_CHARS)
        chars = "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(_ID_CHARS)))
        if not _DIGIT_RUN.search(chars):
            return f"{prefecture_code}-{tag}-{chars}"
        counter += 1


def prefecture_of_request(request_id: str) -> str | None:
    """The prefecture encoded in a well-formed request id, else None."""
    return request_id[:2] if _ID.fullmatch(request_id) else None
