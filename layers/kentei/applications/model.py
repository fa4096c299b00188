"""An application as the system keeps it: the form without the My Number, its status and history.

The status is what a bridge or staff member sees; every change is appended to ``history``
with when, why and by whom (a staff user id or a function name, never a person's data).
The raw submission (signed bytes, attachments, the My Number) is not here: it sits in the
inbox under the vault key for verify.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.records import items
from kentei.records.applicant import Applicant
from kentei.records.fields import PrefectureCode

ID_PATTERN: Final = re.compile(r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$")
_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class Channel(StrEnum):
    """How the application arrived (申請経路)."""

    MYNAPORTAL = "mynaportal"
    EGOV = "egov"
    PAPER = "paper"


class Status(StrEnum):
    """Where the application is (申請状況)."""

    RECEIVED = "received"
    VERIFYING = "verifying"
    UNDER_REVIEW = "under_review"
    HELD = "held"
    """保留: verified, but the person's use of their data is suspended at their request
    (利用停止, P10): it waits, kept, until the suspension is lifted, then goes under review."""
    RETURNED = "returned"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


FINAL_STATUSES: Final = frozenset({Status.ACCEPTED, Status.REJECTED})


class Reason(BaseModel):
    """Why an application was returned or rejected, or what a check found.

    ``code`` is stable for machines; ``field`` names the form item (English name) it is
    about; ``message`` says what to correct. None of them quotes a value of the form.
    """

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_.-]{1,64}$")
    field: str | None = Field(None, max_length=64)
    message: str = Field(max_length=500)


class StatusChange(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    status: Status
    at: AwareDatetime
    by: str = Field(description="staff user id or function name")
    reasons: tuple[Reason, ...] = ()


class AttachmentRecord(BaseModel):
    """An attached file as stored: named in the signed document, sniffed, hashed."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    media_type: str
    size: int = Field(ge=0)
    object_key: str


class IdentityConfirmation(StrEnum):
    """How staff confirmed a paper applicant's identity (本人確認の方法)."""

    MY_NUMBER_CARD = "my_number_card"
    DRIVERS_LICENSE = "drivers_license"
    PASSPORT = "passport"
    RESIDENCE_CARD = "residence_card"
    OTHER_PHOTO_ID = "other_photo_id"


class PaperEntry(BaseModel):
    """Who keyed in a paper application and how they confirmed the applicant's identity."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    entered_by: str
    identity_confirmation: IdentityConfirmation


class ApplyingGroup(BaseModel):
    """The group (団体: a company, a training body) that applies for several people at once
    (団体申込), with one combined payment. Its members are seated together
    (:func:`kentei.sessions.seating.seating_order`). Keys by English name or by item name."""

    model_config = ConfigDict(
        defer_build=True,
        extra="forbid",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        hide_input_in_errors=True,
    )
    type: items.ApplyingGroupTypeOpt = None
    code: items.ApplyingGroupCode
    name: items.ApplyingGroupName


class Application(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str = Field(pattern=ID_PATTERN.pattern)
    prefecture_code: PrefectureCode
    channel: Channel
    status: Status
    received_at: AwareDatetime
    form: Applicant = Field(description="the form as applied, without the My Number")
    attachments: tuple[AttachmentRecord, ...] = ()
    inbox_key: str = Field(description="object key of the raw submission in the inbox")
    mynaportal_pseudonym_id: str | None = None
    paper: PaperEntry | None = None
    group: ApplyingGroup | None = Field(
        None,
        description="the applying group of a group application (団体申込); None for an "
        "individual one (every Mynaportal and e-Gov application)",
    )
    submitted_by: str = Field(description="the caller that submitted it (bridge or staff id)")
    reasons: tuple[Reason, ...] = ()
    history: tuple[StatusChange, ...] = ()
    resubmission_of: str | None = None
    replaced_by: str | None = None
    qualification_pseudonym_id: str | None = Field(
        None, description="資格仮名ID of the verified applicant (set by verify)"
    )
    verification: dict[str, Any] | None = Field(
        None,
        description="verify's evidence: the signature and revocation evidence, the registry "
        "check, or the reason it refused (codes, fingerprints, CRL or OCSP data; no personal "
        "value)",
    )


def new_application_id(prefecture_code: str, now: datetime | None = None) -> str:
    """``PP-<ULID>``: the prefecture (to route and scope it) and a sortable random id."""
    millis = int((now.timestamp() if now else time.time()) * 1000)
    value = (millis << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return f"{prefecture_code}-{''.join(reversed(chars))}"


def prefecture_of(application_id: str) -> str | None:
    """The prefecture encoded in a well-formed id, else None."""
    return application_id[:2] if ID_PATTERN.fullmatch(application_id) else None
