"""Seats (R8) as the exam office (role ``exam_admin``) works them: seat the waiting sittings
of a family, move one sitting, list who sits a session; always in the caller's prefecture.

Seating is this explicit staff action: acceptance (review) puts a sitting on the roster and
does not seat it, so an office seats a family once its sessions are set up, and again after
adding a session or accepting more. A run seats the family's waiting sittings in order of
acceptance (:func:`kentei.sessions.seating.assign_waiting`), the members of one group
application (団体申込: the sittings with one 受検申請団体コード) together; each seat is one
conditional write, so two runs at once never give more seats than the capacity.

Seats touch sittings, which are a person's: each seat taken or moved carries its audit entry
(with the person's 資格仮名ID) in its own transaction (:mod:`intake.session_audit`); a run
also leaves one summary entry for its family, and a listing of a session's seats one entry
before its answer. The answers carry counts, or application
ids and exam numbers, never a person's items.
"""

from __future__ import annotations

from intake import exam_sessions, screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import NotFoundError
from intake.session_audit import AuditedBook
from intake.session_views import (
    Seat,
    SeatingResult,
    SeatMoveRequest,
    SessionSeatCount,
    SessionSeats,
    SittingSeats,
)
from intake.telemetry import instruments
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.sessions import seating
from kentei.sessions.errors import SeatRefusedError
from kentei.sessions.model import Family

_NOT_FOUND = "no such application in the caller's prefecture"
SEATS_PER_RUN = 200
"""The waiting sittings one run tries (about a write each, audited): a family of a thousand
took over a minute, past the API's 29 s; the office runs it again while some remain."""


def seat_waiting(
    staff: Caller, family: Family, request_id: str, *, deps: Dependencies | None = None
) -> SeatingResult:
    """Seat the waiting sittings of ``family`` that its sessions have room for, up to
    :data:`SEATS_PER_RUN` of them (``remaining`` says how many wait for the next run)."""
    screening.refuse_in_staff_body(family)
    deps = deps or dependencies()
    book = AuditedBook(exam_sessions.book_of(staff, deps), staff, request_id, deps.clock)
    done = seating.assign_waiting(
        family, book, group_of=seating.group_of, at=deps.clock(), limit=SEATS_PER_RUN
    )
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.SEATS_ASSIGNED,
            record_type="session_family",
            record_id=family.key,
            prefecture_code=exam_sessions.prefecture_of(staff),
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.SUCCEEDED,
        )
    )
    instruments.logger.info(
        "seats assigned",
        extra={
            "seated": len(done.seated),
            "waiting": len(done.waiting),
            "remaining": len(done.left),
        },
    )
    return SeatingResult(
        family=family,
        seated=len(done.seated),
        waiting=len(done.waiting) + len(done.left),
        already_seated=len(done.already_seated),
        not_seatable=len(done.not_seatable),
        remaining=len(done.left),
        sessions=[
            SessionSeatCount(session_id=s.session_id, capacity=s.capacity, seats=s.seats)
            for s in book.family_sessions(family)
        ],
    )


def move_seat(
    staff: Caller,
    application_id: str,
    request: SeatMoveRequest,
    request_id: str,
    *,
    deps: Dependencies | None = None,
) -> SittingSeats:
    """Move the sitting of ``application_id`` to the session asked, for its part."""
    deps = deps or dependencies()
    prefecture = exam_sessions.prefecture_of(staff)
    stored = deps.applications(prefecture).get(application_id)
    if stored is None:
        raise NotFoundError(_NOT_FOUND)
    person = stored.application.qualification_pseudonym_id
    book = AuditedBook(exam_sessions.book_of(staff, deps), staff, request_id, deps.clock)
    current = None if person is None else book.seated_sitting(person, application_id)
    if current is None:
        raise SeatRefusedError("application_id", "the application has no sitting on the roster")
    moved = seating.move(current.sitting, request.part, request.session_id, book, at=deps.clock())
    return SittingSeats(application_id=application_id, seats=dict(moved.seats))


def seats_of(
    staff: Caller, session_id: str, request_id: str, *, deps: Dependencies | None = None
) -> SessionSeats:
    """Who is seated in the session: application ids and exam numbers."""
    deps = deps or dependencies()
    book = exam_sessions.book_of(staff, deps)
    session = exam_sessions.find(book, session_id)
    seated = [
        one.sitting
        for one in book.family_sittings(session.family)
        if one.seats.get(session.part) == session_id
    ]
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.SEATS_LISTED,
            record_type="session",
            record_id=session_id,
            prefecture_code=session.prefecture_code,
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return SessionSeats(
        session_id=session_id,
        part=session.part,
        capacity=session.capacity,
        items=[
            Seat(application_id=s.application_id, exam_number=s.exam_number)
            for s in sorted(seated, key=lambda s: (s.exam_number, s.application_id))
        ],
    )
