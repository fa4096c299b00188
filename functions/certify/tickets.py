"""Issuing an exam ticket (受検票, R8) for a ``ticket_due`` message.

The accepted application names the person (its 資格仮名ID); their seated sitting, the seats'
sessions and the examinee give the ticket's content (:mod:`kentei.tickets.issue`), which is
rendered (PDF, IPAex embedded) and stored as the sitting's current ticket, superseding an
earlier one whose seats differ. The person then gets it through the Mynaportal notice port,
addressed by the Mynaportal pseudonym they linked last (:mod:`certify.recipients`; never the My
Number): the ticket as a notice (its id the ticket's, so a retried delivery is the same
notice) naming the ticket it replaces, if any. A person with no Mynaportal account (a paper
applicant who never applied online) gets no notice: their ticket is printed and mailed by the
association from the stored PDF.

A sitting deleted from the roster (R10) gets no ticket; one deleted while its ticket was
being made has it voided at once (the deletion's ``ticket_void`` may have come first).

Safe to run twice: the same seats give the same ticket id, nothing new is stored, and the
notices are sent again with the same ids, which the port answers with the same receipts.
"""

from __future__ import annotations

from dataclasses import dataclass

from certify.dependencies import Dependencies
from certify.recipients import recipient_of
from kentei.applications.model import Status
from kentei.messages import TicketDue
from kentei.notices.model import Attachment, Notice, NoticeKind
from kentei.roster.sitting import SittingStatus
from kentei.sessions.model import ExamSession, SessionPart
from kentei.tickets.content import TicketContent
from kentei.tickets.issue import seats_needed, ticket_content, ticket_id


class TicketRefusedError(RuntimeError):
    """The ticket cannot be issued (the message goes to the DLQ with this reason): the
    application is not accepted, or its sitting, examinee or a seat's session is missing."""


@dataclass(frozen=True)
class Issued:
    ticket_id: str
    new: bool
    notified: bool
    superseded: str | None


def issue_ticket(message: TicketDue, deps: Dependencies) -> Issued:
    prefecture = message.prefecture_code
    application = deps.applications(prefecture).application(message.application_id)
    if application is None or application.status is not Status.ACCEPTED:
        raise TicketRefusedError("the application is not an accepted one of this prefecture")
    person = application.qualification_pseudonym_id
    if person is None:
        raise TicketRefusedError("the accepted application names no person")
    seats = deps.seats(prefecture)
    seated = seats.seated_sitting(person, application.application_id)
    examinee = deps.roster(prefecture).examinee(person)
    if seated is None or examinee is None:
        raise TicketRefusedError("the sitting or its examinee is not on the roster")
    if seated.sitting.status is not SittingStatus.REGISTERED:
        raise TicketRefusedError("the sitting is deleted from the roster")
    catalogue = deps.catalogue()
    sessions: dict[SessionPart, ExamSession] = {}
    for part in seats_needed(seated, catalogue):
        session = seats.session(seated.sitting.exam_round.key, seated.seats[part])
        if session is None:
            raise TicketRefusedError(f"the {part.value} seat's session is gone")
        sessions[part] = session
    at = deps.clock()
    content = ticket_content(seated, sessions, examinee.examinee, catalogue, issued_at=at)
    tickets = deps.tickets(prefecture)
    before = tickets.current(application.application_id)
    pdf = deps.render(content)
    record, new = tickets.issue(application.application_id, content.ticket_id, pdf, at)
    superseded = before.ticket_id if before is not None and new else None
    again = seats.seated_sitting(person, application.application_id)
    if again is None or again.sitting.status is not SittingStatus.REGISTERED:
        # Deleted while the ticket was made: the deletion's void may have found no ticket
        # yet, so this one is voided here, and nobody is sent it.
        deps.voids(prefecture).void(application.application_id, at)
        return Issued(record.ticket_id, new, False, superseded)
    recipient = recipient_of(application, deps)
    if recipient is not None:
        _notify(deps, content, pdf, recipient, superseded)
    return Issued(record.ticket_id, new, recipient is not None, superseded)


def _notify(
    deps: Dependencies, content: TicketContent, pdf: bytes, recipient: str, superseded: str | None
) -> None:
    title = f"受検票 {content.round.label} {content.trade} {content.grade.value}"
    body = (
        f"技能検定の受検票をお送りします。受検番号 {content.exam_number}。"
        "試験日・時間・会場は添付の受検票をご確認ください。"
    )
    deps.notices.send(
        Notice(
            notice_id=content.ticket_id,
            recipient=recipient,
            kind=NoticeKind.EXAM_TICKET,
            title=title,
            body=body,
            attachment=Attachment(file_name=f"{content.ticket_id}.pdf", content=pdf),
            supersedes=superseded,
            sent_at=content.issued_at,
        )
    )


__all__ = ["Issued", "TicketRefusedError", "issue_ticket", "ticket_id"]
