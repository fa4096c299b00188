"""What a sitting's exam ticket (受検票) says, from the roster, the seats and the catalogue.

Pure. A ticket is issued once every part the sitting takes has a seat (学科, and each
practical component of its grade); a part not taken (the 受検区分 sits the other only) is
printed 免除. The ticket's id is the application's id and a digest of what the ticket
promises (the exam number and each seat's session, date, times and venue): the same seats
give the same id, so a redelivered message issues nothing new, and a moved seat gives a new
ticket that supersedes the old one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime

from kentei import prefectures
from kentei.exams.catalogue import Catalogue
from kentei.exams.grades import content_grade
from kentei.records.examinee import Examinee
from kentei.roster.sitting import Part
from kentei.sessions.model import ExamSession, SessionPart
from kentei.sessions.seating import SeatedSitting, needed_parts
from kentei.tickets import content as ticket

_KINDS: dict[SessionPart, ticket.PartKind] = {
    SessionPart.WRITTEN: ticket.PartKind.WRITTEN,
    SessionPart.PRODUCTION: ticket.PartKind.PRODUCTION,
    SessionPart.JUDGEMENT: ticket.PartKind.JUDGEMENT,
    SessionPart.PLANNING: ticket.PartKind.PLANNING,
}


class TicketNotReadyError(ValueError):
    """A part the sitting takes has no seat yet: ``waiting`` names the parts (no data)."""

    def __init__(self, waiting: tuple[SessionPart, ...]) -> None:
        super().__init__(f"no seat yet for {', '.join(p.value for p in waiting)}")
        self.waiting = waiting


def ticket_id(seated: SeatedSitting, sessions: Mapping[SessionPart, ExamSession]) -> str:
    promised = {
        "exam_number": seated.sitting.exam_number,
        "seats": {
            part.value: [
                s.session_id,
                s.exam_date.isoformat(),
                s.starts_at.isoformat(),
                s.ends_at.isoformat(),
                s.venue.model_dump(mode="json"),
            ]
            for part, s in sorted(sessions.items())
        },
    }
    digest = hashlib.sha256(json.dumps(promised, sort_keys=True).encode()).hexdigest()
    return f"{seated.sitting.application_id}-{digest[:8]}"


def seats_needed(seated: SeatedSitting, catalogue: Catalogue) -> tuple[SessionPart, ...]:
    """The parts the sitting takes, each of which needs a seat before a ticket."""
    needed = needed_parts(seated.sitting, catalogue)
    waiting = tuple(part for part in needed if part not in seated.seats)
    if waiting:
        raise TicketNotReadyError(waiting)
    return needed


def ticket_content(
    seated: SeatedSitting,
    sessions: Mapping[SessionPart, ExamSession],
    examinee: Examinee,
    catalogue: Catalogue,
    *,
    issued_at: datetime,
) -> ticket.TicketContent:
    sitting = seated.sitting
    needed = seats_needed(seated, catalogue)
    trade = catalogue.trade(sitting.trade_code)
    work = trade.work(sitting.work_code)
    parts = [
        ticket.Part(
            kind=_KINDS[part],
            date=sessions[part].exam_date,
            start=sessions[part].starts_at,
            end=sessions[part].ends_at,
            venue=ticket.Venue(
                name=sessions[part].venue.name, address=sessions[part].venue.address
            ),
        )
        for part in needed
    ]
    if SessionPart.WRITTEN not in needed:
        parts.insert(0, ticket.Part(kind=ticket.PartKind.WRITTEN, exempt=True))
    if Part.PRACTICAL not in sitting.parts:
        parts.append(ticket.Part(kind=ticket.PartKind.PRACTICAL, exempt=True))
    return ticket.TicketContent(
        ticket_id=ticket_id(seated, sessions),
        exam_number=sitting.exam_number,
        name=ticket.PersonName(kanji=examinee.name, kana=examinee.name_kana),
        round=ticket.Round(
            fiscal_year=sitting.exam_round.fiscal_year,
            term=ticket.Term(sitting.exam_round.term.value),
        ),
        trade=trade.name,
        work=None if work is None else work.name,
        grade=ticket.Grade(content_grade(sitting.grade).value),
        parts=tuple(parts),
        association=prefectures.association(sitting.prefecture_code),
        issued_at=issued_at,
    )
