"""Applications for the review tests: a complete form that no check objects to, and ways to
change one thing about it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from kentei.applications.model import (
    Application,
    AttachmentRecord,
    Channel,
    IdentityConfirmation,
    PaperEntry,
    Status,
    StatusChange,
    new_application_id,
)
from kentei.callers import Caller, CallerKind
from kentei.records.applicant import Applicant
from kentei.records.fields import JST

RECEIVED_AT = datetime(2025, 5, 12, 9, 30, tzinfo=JST)
LATER = datetime(2025, 5, 20, 14, 0, tzinfo=JST)
PSEUDONYM = "pseudonym-0001-abcdef"

COMPLETE = {
    "prefecture_code": "13",
    "fiscal_year": 2025,
    "term": "前期",
    "grade": "2級",
    "trade_code": "0101",
    "work_code": "010101",
    "exam_category": "学科+実技",
    "name": "技能 花子",
    "name_kana": "ぎのう はなこ",
    "birth_date": "1995-06-15",
    "sex": "2",
    "postal_code": "1000001",
    "address": "東京都千代田区千代田1-1",
    "phone": "03-1234-5678",
    "years_of_experience": 4,
    "employer_name": "株式会社技能",
    "employer_postal_code": "1000005",
    "employer_address": "東京都千代田区丸の内1-1",
}
"""A 2級 applicant with four years of experience: every automatic check passes."""

TRAINEE = {
    "grade": "基礎級",
    "term": "随時",
    "years_of_experience": None,
    "nationality": "ベトナム",
    "entry_date": "2024-10-01",
    "residence_expiry_date": "2026-09-30",
    "residence_card_number": "AB12345678CD",
    "trainee_exam_category": "技能実習1号",
    "training_plan_approval_number": "PLAN-2024-0001",
    "training_implementer_name": "株式会社実習",
    "training_site_name": "本社工場",
}
"""Changes that make the complete form a technical intern trainee's 基礎級 application."""


def form(**changes: Any) -> Applicant:
    """The complete form with ``changes`` (English names); ``None`` removes an item."""
    data = {**COMPLETE, **changes}
    return Applicant.model_validate({k: v for k, v in data.items() if v is not None})


def attachment(name: str) -> AttachmentRecord:
    return AttachmentRecord(
        name=name,
        sha256=hashlib.sha256(name.encode()).hexdigest(),
        media_type="application/pdf",
        size=1024,
        object_key=f"inbox/{hashlib.sha256(name.encode()).hexdigest()}",
    )


QUALIFICATION_PSEUDONYM = "4qc7cvj3twxoaxwlxb7x4ahwb4"


def application(
    applicant: Applicant | None = None,
    *,
    status: Status = Status.UNDER_REVIEW,
    channel: Channel = Channel.MYNAPORTAL,
    prefecture_code: str = "13",
    attachments: tuple[AttachmentRecord, ...] = (),
    received_at: datetime = RECEIVED_AT,
    pseudonym: str | None = PSEUDONYM,
) -> Application:
    """An application in ``status``, with a history that got it there."""
    path = {
        Status.RECEIVED: [Status.RECEIVED],
        Status.VERIFYING: [Status.RECEIVED, Status.VERIFYING],
        Status.UNDER_REVIEW: [Status.RECEIVED, Status.VERIFYING, Status.UNDER_REVIEW],
        Status.HELD: [Status.RECEIVED, Status.VERIFYING, Status.HELD],
        Status.ACCEPTED: [Status.RECEIVED, Status.VERIFYING, Status.UNDER_REVIEW, Status.ACCEPTED],
        Status.RETURNED: [Status.RECEIVED, Status.VERIFYING, Status.UNDER_REVIEW, Status.RETURNED],
        Status.REJECTED: [Status.RECEIVED, Status.VERIFYING, Status.REJECTED],
    }[status]
    history = tuple(StatusChange(status=step, at=received_at, by="intake") for step in path)
    paper = channel is Channel.PAPER
    return Application(
        application_id=new_application_id(prefecture_code),
        prefecture_code=prefecture_code,
        channel=channel,
        status=status,
        received_at=received_at,
        form=applicant or form(prefecture_code=prefecture_code),
        attachments=attachments,
        inbox_key="inbox/raw",
        mynaportal_pseudonym_id=pseudonym if channel is Channel.MYNAPORTAL else None,
        paper=PaperEntry(
            entered_by="staff:13:clerk1",
            identity_confirmation=IdentityConfirmation.DRIVERS_LICENSE,
        )
        if paper
        else None,
        submitted_by="staff:13:clerk1" if paper else f"bridge:{channel.value}",
        history=history,
        # Verification identifies the person before review: from then on it has a 資格仮名ID.
        qualification_pseudonym_id=QUALIFICATION_PSEUDONYM if Status.UNDER_REVIEW in path else None,
    )


def staff(prefecture_code: str = "13", user_id: str = "reviewer1") -> Caller:
    return Caller(CallerKind.STAFF, prefecture_code=prefecture_code, user_id=user_id)


BRIDGE = Caller(CallerKind.BRIDGE, bridge="mynaportal")
