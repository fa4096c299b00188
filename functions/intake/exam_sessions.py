"""Exam sessions (試験日程・会場, R8) kept by the exam office (role ``exam_admin``) of a
prefecture: create, list and change them over the prefecture's :class:`SessionBook`.

The rules are the domain's (:mod:`kentei.sessions.rules`, through
:mod:`kentei.sessions.staff`): a refusal names every broken rule by field. A session holds
no personal data, but its text (the venue) is staff free text: screened for a My Number
before anything is checked or stored. Each create and change carries its audit entry in its
own transaction (:mod:`intake.session_audit`); each listing is recorded before its answer.
A session of another prefecture is not in the caller's book: ``404``.
"""

from __future__ import annotations

from intake import screening
from intake.dependencies import Dependencies, SessionBook, dependencies
from intake.session_audit import AuditedBook
from intake.session_views import SessionChangeRequest, SessionList
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.exams.catalogue import load_catalogue
from kentei.exams.rounds import load_rounds
from kentei.records.codes import Grade
from kentei.roster.sitting import ExamRound
from kentei.sessions import staff as session_staff
from kentei.sessions.errors import SessionNotFoundError
from kentei.sessions.model import ExamSession, SessionDraft, SessionPart

RECORD_TYPE = "session"


def create(
    staff: Caller, draft: SessionDraft, request_id: str, *, deps: Dependencies | None = None
) -> ExamSession:
    screening.refuse_in_staff_body(draft)
    deps = deps or dependencies()
    at = deps.clock()
    return session_staff.create_session(
        draft,
        AuditedBook(book_of(staff, deps), staff, request_id, deps.clock),
        by=staff.id,
        at=at,
        catalogue=load_catalogue(),
        rounds=load_rounds(),
    )


def change(
    staff: Caller,
    session_id: str,
    request: SessionChangeRequest,
    request_id: str,
    *,
    deps: Dependencies | None = None,
) -> ExamSession:
    screening.refuse_in_staff_body(request)
    deps = deps or dependencies()
    book = book_of(staff, deps)
    current = find(book, session_id)
    return session_staff.change_session(
        current.exam_round,
        session_id,
        request.changes(),
        AuditedBook(book, staff, request_id, deps.clock),
        expected_version=request.version,
        by=staff.id,
        at=deps.clock(),
        catalogue=load_catalogue(),
        rounds=load_rounds(),
    )


def list_sessions(
    staff: Caller,
    exam_round: ExamRound,
    request_id: str,
    *,
    trade_code: str | None = None,
    work_code: str | None = None,
    grade: Grade | None = None,
    part: SessionPart | None = None,
    deps: Dependencies | None = None,
) -> SessionList:
    deps = deps or dependencies()
    found = [
        s
        for s in book_of(staff, deps).sessions_of(exam_round)
        if trade_code in (None, s.trade_code)
        and work_code in (None, s.work_code)
        and grade in (None, s.grade)
        and part in (None, s.part)
    ]
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.SESSIONS_LISTED,
            record_type="session_list",
            record_id=exam_round.key,
            prefecture_code=prefecture_of(staff),
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return SessionList(exam_round=exam_round, items=found)


def find(book: SessionBook, session_id: str) -> ExamSession:
    """The session of the book's prefecture with this id, whichever round it is of (a
    session's item is keyed by its round: one read per round of the rounds' data), or
    :class:`SessionNotFoundError`."""
    for held in load_rounds().all():
        exam_round = ExamRound(fiscal_year=held.fiscal_year, term=held.term)
        found = book.session(exam_round.key, session_id)
        if found is not None:
            return found
    raise SessionNotFoundError("session_id", session_id)


def prefecture_of(staff: Caller) -> str:
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    return staff.prefecture_code


def book_of(staff: Caller, deps: Dependencies) -> SessionBook:
    return deps.sessions(prefecture_of(staff))


def _event(
    staff: Caller,
    action: AuditAction,
    session: ExamSession,
    request_id: str,
    deps: Dependencies,
) -> AuditEvent:
    return AuditEvent.by(
        staff,
        action,
        record_type=RECORD_TYPE,
        record_id=session.session_id,
        prefecture_code=session.prefecture_code,
        request_id=request_id,
        at=deps.clock(),
        outcome=AuditOutcome.SUCCEEDED,
    )
