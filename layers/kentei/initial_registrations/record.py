"""The initial registration as the records table keeps it
(``INITIAL_REGISTRATION#<id>``): ids, status and codes only, never the My Number."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.change_requests.record import signed_request_id

INITIAL_REGISTRATION_ID_PATTERN: Final = r"^(0[1-9]|[1-3][0-9]|4[0-7])-IR-[0-9A-HJKMNP-TV-Z]{26}$"
_ID: Final = re.compile(INITIAL_REGISTRATION_ID_PATTERN)


class InitialRegistrationStatus(StrEnum):
    RECEIVED = "received"
    """Stored, queued for verify."""
    LINKED = "linked"
    """Verified and matched: the past pass is the person's (a pass record)."""
    IN_REVIEW = "in_review"
    """Verified, but the claim did not match (or the number is another's): staff decide."""
    REFUSED = "refused"
    """Verify refused it (the signature or the signer): reason codes say why."""


class InitialRegistrationRequest(BaseModel):
    """An initial registration's record: who sent it, where it stands."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str = Field(pattern=INITIAL_REGISTRATION_ID_PATTERN)
    prefecture_code: str = Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
    status: InitialRegistrationStatus
    received_at: AwareDatetime
    submitted_by: str = Field(description="the bridge's caller id")
    verified_at: AwareDatetime | None = None
    qualification_pseudonym_id: str | None = Field(
        None, description="the verified person (linked, in review)"
    )
    passer_number: str | None = Field(
        None, max_length=32, description="the number claimed, as signed (linked, in review)"
    )
    reasons: tuple[str, ...] = Field(
        (), description="reason codes: of a refusal, or the failed checks in review"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.request_id[:2] != self.prefecture_code:
            raise ValueError("the request id names another prefecture")
        received = self.status is InitialRegistrationStatus.RECEIVED
        if received != (self.verified_at is None):
            raise ValueError("a request is verified exactly when it is no longer received")
        verified_person = self.status in (
            InitialRegistrationStatus.LINKED,
            InitialRegistrationStatus.IN_REVIEW,
        )
        if verified_person != (self.qualification_pseudonym_id is not None):
            raise ValueError("a linked or reviewed request, and only one, names the person")
        if self.status is InitialRegistrationStatus.LINKED and self.reasons:
            raise ValueError("a linked request has no reason")
        if self.status is InitialRegistrationStatus.REFUSED and not self.reasons:
            raise ValueError("a refused request has its reason codes")
        return self


def initial_registration_id_for(prefecture_code: str, caller_id: str, idempotency_key: str) -> str:
    """``PP-IR-<26 characters>``: a retry with the same key converges on the same request."""
    return signed_request_id("IR", prefecture_code, caller_id, idempotency_key)


def prefecture_of_initial_registration(request_id: str) -> str | None:
    """The prefecture encoded in a well-formed id, else None."""
    return request_id[:2] if _ID.fullmatch(request_id) else None
