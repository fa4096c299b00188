"""Sessions, drafts and sittings for the session tests, and an in-memory seat store."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from typing import Any

from kentei.records.codes import Grade, Term
from kentei.records.fields import JST
from kentei.roster.sitting import ExamRound, Part, Sitting, SittingStatus
from kentei.sessions.errors import SeatRefusedError
from kentei.sessions.model import (
    ExamSession,
    Family,
    SessionDraft,
    SessionPart,
    Venue,
    new_session_id,
)
from kentei.sessions.seating import SeatedSitting, SeatOutcome, in_family

ROUND = ExamRound(fiscal_year=2026, term=Term.FIRST)
"""2026年度前期: practical 2026-06-03 to 2026-09-06; 2級 written on 2026-08-30."""
PRACTICAL_DAY = date(2026, 7, 5)
WRITTEN_2 = date(2026, 8, 30)
AT = datetime(2026, 5, 1, 9, 0, tzinfo=JST)
HALL = Venue(name="東京都立城南職業能力開発センター", address="東京都品川区東大井1-1-1")

_numbers = itertools.count(1)


def draft(**changes: Any) -> SessionDraft:
    fields: dict[str, Any] = {
        "exam_round": ROUND,
        "trade_code": "0101",
        "work_code": "010101",
        "grade": Grade.SECOND,
        "part": SessionPart.PRODUCTION,
        "exam_date": PRACTICAL_DAY,
        "starts_at": time(9, 0),
        "ends_at": time(12, 0),
        "venue": HALL,
        "capacity": 20,
    }
    return SessionDraft.model_validate({**fields, **changes})


def session(seats: int = 0, **changes: Any) -> ExamSession:
    made = draft(**changes)
    return ExamSession(
        session_id=new_session_id(),
        prefecture_code="13",
        **made.model_dump(),
        seats=seats,
        created_by="staff:13:admin",
        created_at=AT,
    )


def sitting(
    accepted_at: datetime | None = None,
    parts: tuple[Part, ...] = (Part.WRITTEN, Part.PRACTICAL),
    **changes: Any,
) -> Sitting:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "application_id": f"13-{n:026d}",
        "prefecture_code": "13",
        "qualification_pseudonym_id": f"p-{n:08d}",
        "exam_round": ROUND,
        "trade_code": "0101",
        "work_code": "010101",
        "grade": Grade.SECOND,
        "parts": parts,
        "exam_number": f"N{n:05d}",
        "accepted_at": accepted_at or AT + timedelta(minutes=n),
        "accepted_by": "staff:13:reviewer",
    }
    return Sitting.model_validate({**fields, **changes})


class MemoryStore:
    """The seat store in memory, with the store's conditions (no concurrency)."""

    def __init__(self, sessions: list[ExamSession], sittings: list[Sitting]) -> None:
        self.sessions = {s.session_id: s for s in sessions}
        self.sittings = {s.application_id: s for s in sittings}
        self.seats: dict[str, dict[SessionPart, str]] = {s.application_id: {} for s in sittings}
        self.attempts: list[tuple[str, str]] = []

    def family_sessions(self, family: Family) -> list[ExamSession]:
        found = [s for s in self.sessions.values() if s.family == family]
        return sorted(found, key=lambda s: s.order)

    def session(self, exam_round_key: str, session_id: str) -> ExamSession | None:
        found = self.sessions.get(session_id)
        return found if found and found.exam_round.key == exam_round_key else None

    def take_seat(
        self, session: ExamSession, sitting: Sitting, part: SessionPart, at: datetime
    ) -> SeatOutcome:
        self.attempts.append((sitting.application_id, session.session_id))
        stored = self.sittings.get(sitting.application_id)
        if stored is None or stored.status is not SittingStatus.REGISTERED:
            return SeatOutcome.NOT_SEATABLE
        if part in self.seats[sitting.application_id]:
            return SeatOutcome.ALREADY_SEATED
        live = self.sessions[session.session_id]
        if live.seats >= live.capacity:
            return SeatOutcome.FULL
        self.sessions[live.session_id] = live.model_copy(update={"seats": live.seats + 1})
        self.seats[sitting.application_id][part] = live.session_id
        return SeatOutcome.SEATED

    def move_seat(
        self,
        sitting: Sitting,
        part: SessionPart,
        source: ExamSession,
        target: ExamSession,
        at: datetime,
    ) -> SeatOutcome:
        if self.seats[sitting.application_id].get(part) != source.session_id:
            raise SeatRefusedError("part", "not seated there")
        new = self.sessions[target.session_id]
        if new.seats >= new.capacity:
            return SeatOutcome.FULL
        old = self.sessions[source.session_id]
        self.sessions[old.session_id] = old.model_copy(update={"seats": old.seats - 1})
        self.sessions[new.session_id] = new.model_copy(update={"seats": new.seats + 1})
        self.seats[sitting.application_id][part] = new.session_id
        return SeatOutcome.SEATED

    def seated_sitting(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> SeatedSitting | None:
        found = self.sittings.get(application_id)
        if found is None or found.qualification_pseudonym_id != qualification_pseudonym_id:
            return None
        return SeatedSitting(found, dict(self.seats[application_id]))

    def family_sittings(self, family: Family) -> list[SeatedSitting]:
        return [
            SeatedSitting(s, dict(self.seats[s.application_id]))
            for s in self.sittings.values()
            if in_family(s, family)
        ]
