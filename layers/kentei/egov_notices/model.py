"""What goes to e-Gov when an application that came from it ends its processing (R2): the
completion notice (処理完了通知), named by our application id (the id intake answered the e-Gov
bridge when it submitted), with the outcome and its reason codes. Ids, codes and instants
only: never a name, a form value or the My Number.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from kentei.records.fields import Identifier

APPLICATION_ID: Final = r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$"
MAX_REASONS: Final = 20

ReasonCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.-]{1,64}$")]


class CompletionOutcome(StrEnum):
    """How the application's processing ended."""

    ACCEPTED = "accepted"
    """Accepted after review: the person is registered as an examinee (受検者登録)."""
    REJECTED = "rejected"
    """Rejected (not admissible: a failed identity check, a replayed signature)."""
    RETURNED = "returned"
    """Returned for correction (補正): the applicant may apply again with a new application."""


class CompletionNotice(BaseModel):
    """One completion notice. ``notice_id`` is the idempotency key: sending the same notice
    again answers the same receipt; an id is never reused for other content."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    notice_id: Identifier
    application_id: str = Field(pattern=APPLICATION_ID)
    outcome: CompletionOutcome
    reason_codes: tuple[ReasonCode, ...] = Field((), max_length=MAX_REASONS)
    completed_at: AwareDatetime
    sent_at: AwareDatetime


class CompletionReceipt(BaseModel):
    """e-Gov's receipt of a completion notice."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    notice_id: Identifier
    receipt_id: Identifier
    accepted_at: AwareDatetime
