"""The exam office's writes to sessions and seats, each with its audit entry in its own
transaction (invariant: a write's entry is committed with the write, or neither is).

:class:`AuditedBook` wraps the prefecture's :class:`~intake.dependencies.SessionBook` for one
request: a session created or changed, a seat taken or moved, each carries an entry naming
the staff member, their roles, the request, the source address and, for a seat, the person's
資格仮名ID. A write that does not happen (a full session, a stale version, a taken seat) leaves
no entry. Reads pass through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from intake.dependencies import SessionBook
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.roster.sitting import ExamRound, Sitting
from kentei.sessions.model import ExamSession, Family, SessionPart
from kentei.sessions.seating import SeatedSitting, SeatOutcome


class AuditedBook:
    def __init__(
        self, book: SessionBook, staff: Caller, request_id: str, clock: Callable[[], datetime]
    ) -> None:
        self._book = book
        self._staff = staff
        self._request_id = request_id
        self._clock = clock
        self.prefecture_code = book.prefecture_code

    def _event(
        self, action: AuditAction, record: tuple[str, str], person: str | None = None
    ) -> AuditEvent:
        return AuditEvent.by(
            self._staff,
            action,
            record_type=record[0],
            record_id=record[1],
            prefecture_code=self.prefecture_code,
            request_id=self._request_id,
            at=self._clock(),
            outcome=AuditOutcome.SUCCEEDED,
            person_id=person,
        )

    # Writes, each with its entry

    def create(self, session: ExamSession, *, audit: Sequence[AuditEvent] = ()) -> None:
        entry = self._event(AuditAction.SESSION_CREATED, ("session", session.session_id))
        self._book.create(session, audit=(*audit, entry))

    def update(
        self, session: ExamSession, expected_version: int, *, audit: Sequence[AuditEvent] = ()
    ) -> None:
        entry = self._event(AuditAction.SESSION_CHANGED, ("session", session.session_id))
        self._book.update(session, expected_version, audit=(*audit, entry))

    def take_seat(
        self,
        session: ExamSession,
        sitting: Sitting,
        part: SessionPart,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> SeatOutcome:
        entry = self._event(
            AuditAction.SEAT_TAKEN,
            ("sitting", sitting.application_id),
            sitting.qualification_pseudonym_id,
        )
        return self._book.take_seat(session, sitting, part, at, audit=(*audit, entry))

    def move_seat(
        self,
        sitting: Sitting,
        part: SessionPart,
        source: ExamSession,
        target: ExamSession,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> SeatOutcome:
        entry = self._event(
            AuditAction.SEAT_MOVED,
            ("sitting", sitting.application_id),
            sitting.qualification_pseudonym_id,
        )
        return self._book.move_seat(sitting, part, source, target, at, audit=(*audit, entry))

    # Reads

    def session(self, round_key: str, session_id: str) -> ExamSession | None:
        return self._book.session(round_key, session_id)

    def sessions_of(self, exam_round: ExamRound) -> list[ExamSession]:
        return self._book.sessions_of(exam_round)

    def sessions_on(self, day: date, rounds: Iterable[ExamRound]) -> list[ExamSession]:
        return self._book.sessions_on(day, rounds)

    def family_sessions(self, family: Family) -> list[ExamSession]:
        return self._book.family_sessions(family)

    def seated_sitting(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> SeatedSitting | None:
        return self._book.seated_sitting(qualification_pseudonym_id, application_id)

    def family_sittings(self, family: Family) -> list[SeatedSitting]:
        return self._book.family_sittings(family)
