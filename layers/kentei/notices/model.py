"""What goes through the Mynaportal notice port (マイナポータル お知らせ): a notice to one person,
named by their Mynaportal pseudonym (never the My Number), and the Mynaportal side's receipt.

A notice's title, body and attachment are personal (the body holds the person's name, the
ticket holds the four items): they are left out of ``repr``, and nothing here logs them.
"""

from __future__ import annotations

import base64
import hashlib
from enum import StrEnum
from typing import Annotated, Final, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    model_validator,
)

from kentei import my_number
from kentei.records.fields import Identifier, PseudonymousId, ShortText

MAX_BODY_CHARS: Final = 4000
MAX_ATTACHMENT_BYTES: Final = 2 * 1024 * 1024
PDF: Final = "application/pdf"

NoticeId = Identifier
"""Our id of a notice (1-64 ASCII letters, digits, - or _): the idempotency key."""

Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class TicketStatus(StrEnum):
    """Where an exam ticket (受検票) stands, as the person's notices tell it."""

    ISSUED = "issued"
    SUPERSEDED = "superseded"
    VOID = "void"


class NoticeKind(StrEnum):
    """What a notice tells: an exam ticket's state, or a pass (合格通知) or part pass
    (一部合格通知)."""

    EXAM_TICKET = "exam_ticket"
    """A ticket is issued (with the ticket as a PDF); ``supersedes`` names the ticket notice
    it replaces, if any."""
    TICKET_SUPERSEDED = "ticket_superseded"
    """The ticket notice ``supersedes`` names no longer holds (a new one follows)."""
    TICKET_VOID = "ticket_void"
    """The ticket notice ``supersedes`` names is void (the sitting is withdrawn)."""
    PASS = "pass"  # noqa: S105 (not a secret)
    """合格通知: the person passed every part (grade, work, pass date, passer and certificate
    numbers; never a name or the My Number)."""
    PART_PASS = "part_pass"  # noqa: S105 (not a secret)
    """一部合格通知: the person passed one part (its notice number)."""
    PASS_REVOCATION = "pass_revocation"  # noqa: S105 (not a secret)
    """合格取消通知: the pass is revoked from a day, and its certificate is to be returned."""

    @property
    def ticket_status(self) -> TicketStatus:
        """The ticket's state this notice tells; :class:`ValueError` for a pass notice."""
        status = _TICKET_STATUS.get(self)
        if status is None:
            raise ValueError(f"a {self.value} notice is not about a ticket")
        return status


_TICKET_STATUS: Final = {
    NoticeKind.EXAM_TICKET: TicketStatus.ISSUED,
    NoticeKind.TICKET_SUPERSEDED: TicketStatus.SUPERSEDED,
    NoticeKind.TICKET_VOID: TicketStatus.VOID,
}
NEEDS_SUPERSEDES: Final = frozenset({NoticeKind.TICKET_SUPERSEDED, NoticeKind.TICKET_VOID})
MAY_ATTACH: Final = frozenset({NoticeKind.EXAM_TICKET})


class Attachment(BaseModel):
    """A file with the notice: for now the exam ticket PDF."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    media_type: Literal["application/pdf"] = PDF
    file_name: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z_.-]{0,63}$")]
    content: bytes = Field(repr=False, min_length=1, max_length=MAX_ATTACHMENT_BYTES)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def content_base64(self) -> str:
        return base64.b64encode(self.content).decode("ascii")


class Notice(BaseModel):
    """One notice to one person. ``notice_id`` is the idempotency key: send the same notice
    again (same id, same content) as often as needed; never reuse an id for other content."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    notice_id: NoticeId
    recipient: PseudonymousId = Field(description="マイナポータル仮名ID")
    kind: NoticeKind
    title: ShortText = Field(repr=False)
    body: str = Field(repr=False, min_length=1, max_length=MAX_BODY_CHARS)
    attachment: Attachment | None = None
    supersedes: NoticeId | None = None
    sent_at: AwareDatetime

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind in NEEDS_SUPERSEDES and self.supersedes is None:
            raise ValueError(f"a {self.kind.value} notice names the notice it supersedes")
        if self.supersedes == self.notice_id:
            raise ValueError("a notice cannot supersede itself")
        if self.attachment is not None and self.kind not in MAY_ATTACH:
            raise ValueError(f"a {self.kind.value} notice has no attachment")
        # Privacy invariant 3: a My Number never leaves in a notice, in any spelling.
        for field in ("title", "body", "recipient"):
            if my_number.contains_personal(getattr(self, field)):
                raise ValueError(f"{field} must not hold a My Number")
        return self


class Receipt(BaseModel):
    """The Mynaportal side's receipt of a notice."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    notice_id: NoticeId
    receipt_id: Identifier
    accepted_at: AwareDatetime


class DeliveryState(StrEnum):
    DELIVERED = "delivered"
    """In the person's Mynaportal inbox (お知らせ), not yet opened."""
    READ = "read"
    """Opened by the person."""


class Delivery(Receipt):
    """Where a sent notice stands."""

    state: DeliveryState
    read_at: AwareDatetime | None = None
