"""The initial registration as the records table keeps it
(``INITIAL_REGISTRATION#<id>``): ids, status and codes, never the My Number. While it is
``in_review`` only, it also keeps the claimant's name and birth date as their signature
certificate states them (:class:`Claimant`), for staff to compare with the historical record:
personal data in the records table like the examinee record, dropped when staff decide."""

from __future__ import annotations

import datetime as dt
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
    REJECTED = "rejected"
    """Staff reviewed it and rejected the claim (the reason is kept with the decision)."""


class ReviewDecision(StrEnum):
    """What staff decided on a registration in review."""

    LINK = "link"
    """The past pass is the claimant's: the historical record linked to them."""
    REJECT = "reject"
    """The claim is not accepted."""


class Claimant(BaseModel):
    """The claimant as their signature certificate states them (氏名, 生年月日): what staff
    compare with the historical record. Kept on an ``in_review`` registration only."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200, repr=False)
    birth_date: dt.date = Field(repr=False)


class StaffDecision(BaseModel):
    """Staff's decision on a registration in review: who, when, why."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    decision: ReviewDecision
    by: str = Field(description="the staff caller's id")
    at: AwareDatetime
    reason: str = Field(min_length=1, max_length=500)
    replaced: bool = Field(
        False,
        description="the record was linked to another person, whose pass record was revoked",
    )


class InitialRegistrationRequest(BaseModel):
    """An initial registration's record: who sent it, where it stands."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

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
    certificate_number: str | None = Field(
        None, max_length=32, description="the certificate number claimed, if any (as signed)"
    )
    reasons: tuple[str, ...] = Field(
        (), description="reason codes: of a refusal, or the failed checks in review"
    )
    claimant: Claimant | None = Field(
        None, repr=False, description="the claimant's items, while in review only"
    )
    review: StaffDecision | None = Field(None, description="staff's decision (linked, rejected)")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.request_id[:2] != self.prefecture_code:
            raise ValueError("the request id names another prefecture")
        received = self.status is InitialRegistrationStatus.RECEIVED
        if received != (self.verified_at is None):
            raise ValueError("a request is verified exactly when it is no longer received")
        status = InitialRegistrationStatus
        verified_person = self.status in (status.LINKED, status.IN_REVIEW, status.REJECTED)
        if verified_person != (self.qualification_pseudonym_id is not None):
            raise ValueError("a linked or reviewed request, and only one, names the person")
        if self.status is status.LINKED and self.reasons and self.review is None:
            raise ValueError("a request verify linked has no reason")
        if self.status is status.REFUSED and not self.reasons:
            raise ValueError("a refused request has its reason codes")
        if (self.claimant is not None) and self.status is not status.IN_REVIEW:
            raise ValueError("the claimant's items are kept while in review only")
        if self.status is status.REJECTED and self.review is None:
            raise ValueError("a rejected request has staff's decision")
        if self.review is not None and DECIDED_STATUS[self.review.decision] is not self.status:
            raise ValueError("staff's decision and the status disagree")
        return self


DECIDED_STATUS: Final = {
    ReviewDecision.LINK: InitialRegistrationStatus.LINKED,
    ReviewDecision.REJECT: InitialRegistrationStatus.REJECTED,
}
"""The status each of staff's decisions gives a registration."""


def initial_registration_id_for(prefecture_code: str, caller_id: str, idempotency_key: str) -> str:
    """``PP-IR-<26 characters>``: a retry with the same key converges on the same request."""
    return signed_request_id("IR", prefecture_code, caller_id, idempotency_key)


def prefecture_of_initial_registration(request_id: str) -> str | None:
    """The prefecture encoded in a well-formed id, else None."""
    return request_id[:2] if _ID.fullmatch(request_id) else None
