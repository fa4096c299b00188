"""Voiding the exam ticket (受検票) of a sitting deleted from the roster (R10), for a
``ticket_void`` message.

The sitting must be deleted (a message about a registered one is refused: it goes to the DLQ
with the reason). Its current ticket, if it has one, is marked void in the records table;
the person then gets a ``ticket_void`` notice (addressed by :mod:`certify.recipients`)
superseding the ticket's notice (its id derived from the ticket's, so a retried delivery is
the same notice). No notice carries the person's name: the title and body name the exam
number only. A person without a Mynaportal account had the ticket mailed by the association,
which sees the void in the roster.

Safe to run twice: a void ticket stays void, and the notice is sent again with the same id,
which the port answers with the same receipt.
"""

from __future__ import annotations

from dataclasses import dataclass

from certify.dependencies import Dependencies
from certify.recipients import recipient_of
from kentei.messages import TicketVoid
from kentei.notices.model import Notice, NoticeKind
from kentei.roster.sitting import SittingStatus

VOID_SUFFIX = "-void"


class VoidRefusedError(RuntimeError):
    """The ticket is not voided (the message goes to the DLQ with this reason): the
    application is unknown here, or its sitting is not deleted."""


@dataclass(frozen=True)
class Voided:
    ticket_id: str | None
    """The voided ticket (None: the sitting had no ticket)."""
    new: bool
    """Whether this message voided it (False: void already, or no ticket)."""
    notified: bool


def notice_id(ticket_id: str) -> str:
    """The void notice's id: the ticket's with a suffix (within the 64 characters allowed)."""
    return ticket_id[: 64 - len(VOID_SUFFIX)] + VOID_SUFFIX


def void_ticket(message: TicketVoid, deps: Dependencies) -> Voided:
    prefecture = message.prefecture_code
    application = deps.applications(prefecture).application(message.application_id)
    if application is None or application.qualification_pseudonym_id is None:
        raise VoidRefusedError("no application of this prefecture names a person by this id")
    seated = deps.seats(prefecture).seated_sitting(
        application.qualification_pseudonym_id, application.application_id
    )
    if seated is None or seated.sitting.status is not SittingStatus.DELETED:
        raise VoidRefusedError("the sitting is not deleted from the roster")
    at = deps.clock()
    voided = deps.voids(prefecture).void(application.application_id, at)
    if voided is None:
        return Voided(None, False, False)
    record = voided.record
    recipient = recipient_of(application, deps)
    if recipient is not None:
        deps.notices.send(
            Notice(
                notice_id=notice_id(record.ticket_id),
                recipient=recipient,
                kind=NoticeKind.TICKET_VOID,
                title=f"受検票の無効 受検番号 {seated.sitting.exam_number}",
                body=(
                    f"受検番号 {seated.sitting.exam_number} の受検票は、受検者名簿からの削除により"
                    "無効となりました。お問い合わせは都道府県職業能力開発協会へお願いします。"
                ),
                supersedes=record.ticket_id,
                sent_at=voided.voided_at,
            )
        )
    return Voided(record.ticket_id, voided.new, recipient is not None)
