"""What the system keeps of each notice it owes a person or e-Gov (R13, R2): the pass notice
(合格通知) and part-pass notice (一部合格通知) of an announced pass, and the e-Gov completion
notice (処理完了通知) of an application that came from e-Gov.

A notice's id derives from its kind and its subject (the application), so a redelivered
message finds the record it wrote and never sends twice; the same id is the idempotency key
at the Mynaportal and e-Gov ports. A record holds ids, kinds, instants, receipt ids and error
classes: never a name, an address, the notice's text or the My Number.

The post list (郵送リスト): a pass notice that cannot go online (no Mynaportal pseudonym, or
Mynaportal does not know it; e-Gov carries completion notices only) goes on its results
group's post list as ids. The person's name and address are resolved from the roster only
when staff download the list to print it (audited), so the stored list never goes stale and
never holds personal data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_ATTEMPTS_KEPT: Final = 20


class RecordedKind(StrEnum):
    PASS = "pass"  # noqa: S105 (not a secret)
    PART_PASS = "part_pass"  # noqa: S105 (not a secret)
    COMPLETION = "completion"
    """The e-Gov completion notice of an application (R2)."""
    PASS_REVOCATION = "pass_revocation"  # noqa: S105 (not a secret)
    """The notice that a pass is revoked (合格の取消し, R15)."""


_SUFFIX: Final = {
    RecordedKind.PASS: "pass",
    RecordedKind.PART_PASS: "partpass",
    RecordedKind.COMPLETION: "egov-done",
    RecordedKind.PASS_REVOCATION: "revoked",
}


def notice_id(kind: RecordedKind, application_id: str) -> str:
    """The notice's id: its subject (the application id) and its kind, ``13-<ULID>-pass``."""
    return f"{application_id}-{_SUFFIX[kind]}"


def notice_prefix(application_id: str) -> str:
    """What every notice id of ``application_id`` starts with."""
    return f"{application_id}-"


class NoticeChannel(StrEnum):
    MYNAPORTAL = "mynaportal"
    EGOV = "egov"
    POST = "post"
    """On the results group's post list, printed and mailed by the association."""


class NoticeOutcome(StrEnum):
    SENT = "sent"
    """The port accepted it (its receipt id is kept)."""
    POST_LIST = "post_list"
    """On the post list (``post_reason`` says why)."""
    RETRYING = "retrying"
    """An attempt failed; the message is retried (and ends in the DLQ if it keeps failing)."""


FINAL_OUTCOMES: Final = frozenset({NoticeOutcome.SENT, NoticeOutcome.POST_LIST})


class PostReason(StrEnum):
    NO_ONLINE_CHANNEL = "no_online_channel"
    """No Mynaportal pseudonym (a paper or e-Gov applicant never linked to Mynaportal)."""
    UNKNOWN_RECIPIENT = "unknown_recipient"
    """Mynaportal does not know the pseudonym (the person left Mynaportal)."""


class FailedAttempt(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    at: AwareDatetime
    channel: NoticeChannel
    error: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$", description="the error class")


class NoticeRecord(BaseModel):
    """``NOTICE#<notice id>`` in the prefecture's partition."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    notice_id: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")
    kind: RecordedKind
    application_id: str
    qualification_pseudonym_id: str | None = None
    group_key: str | None = Field(None, max_length=200)
    channel: NoticeChannel
    outcome: NoticeOutcome
    post_reason: PostReason | None = None
    receipt_id: str | None = Field(None, max_length=64)
    attempts: tuple[FailedAttempt, ...] = Field((), max_length=MAX_ATTEMPTS_KEPT)
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @property
    def final(self) -> bool:
        return self.outcome in FINAL_OUTCOMES

    def failed(self, at: AwareDatetime, channel: NoticeChannel, error: str) -> NoticeRecord:
        kept = (*self.attempts, FailedAttempt(at=at, channel=channel, error=error))
        return self.model_copy(
            update={
                "attempts": kept[-MAX_ATTEMPTS_KEPT:],
                "channel": channel,
                "outcome": NoticeOutcome.RETRYING,
                "updated_at": at,
            }
        )


class PostListEntry(BaseModel):
    """``POSTLIST#<group key>#<application id>``: one person to mail a pass notice to."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    group_key: str = Field(max_length=200)
    application_id: str
    qualification_pseudonym_id: str
    notice_id: str
    kind: RecordedKind
    reason: PostReason
    added_at: AwareDatetime
