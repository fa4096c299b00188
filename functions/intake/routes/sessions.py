"""Exam sessions and seats (試験日程・会場, R8): the exam office (role ``exam_admin``) of a
prefecture sets up its sessions and seats the accepted sittings in them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from intake import exam_sessions, paths, seating
from intake.access import request_id, require_caller, require_staff
from intake.responses import documented
from intake.session_views import (
    SeatingResult,
    SeatMoveRequest,
    SessionChangeRequest,
    SessionList,
    SessionSeats,
    SittingSeats,
)
from kentei.callers import Caller
from kentei.records.codes import Grade, Term
from kentei.records.fields import FiscalYear
from kentei.roster.sitting import APPLICATION_ID_PATTERN, ExamRound
from kentei.sessions.model import SESSION_ID_PATTERN, ExamSession, Family, SessionDraft, SessionPart

router = Router()  # type: ignore[no-untyped-call]

_CODE = r"^[0-9A-Za-z]{1,16}$"


def _staff() -> Caller:
    return require_staff(require_caller(router.current_event.raw_event))


def _request_id() -> str:
    return request_id(router.current_event.raw_event)


@router.post(
    paths.SESSIONS,
    status_code=201,
    summary="Create an exam session",
    description="A session of the caller's prefecture: a round, a work and grade, a part "
    "(`written`, or one practical component: `production`, `judgement`, `planning`), a date, "
    "JST start and end times, a venue (name, address, optional room) and a capacity. Refused "
    "(422, every broken rule by field) when the catalogue does not offer the work, grade or "
    "component, the round does not hold the grade, the date is not the round's written date "
    "or inside its practical period, it does not end after it starts, it holds no seat, or "
    "another session of the prefecture shares its venue and room at an intersecting time. "
    "Role `exam_admin`; written to the audit trail.",
    tags=["sessions"],
    responses=documented(201, "The session created", 400, 401, 403, 413, 415),
)
def post_session(
    draft: Annotated[SessionDraft, Body(description="The session.")],
) -> Response[ExamSession]:
    session = exam_sessions.create(_staff(), draft, _request_id())
    return Response(status_code=201, content_type="application/json", body=session)


@router.get(
    paths.SESSIONS,
    summary="The prefecture's sessions of a round",
    description="The caller's prefecture's sessions of one round, by date and start time, "
    "optionally of one trade, work, grade or part, each with its capacity, seats assigned "
    "and version. Role `exam_admin`; written to the audit trail.",
    tags=["sessions"],
    responses=documented(200, "The sessions", 401, 403),
)
def get_sessions(
    *,
    fiscal_year: Annotated[FiscalYear, Query(description="年度 of the round.")],
    term: Annotated[Term, Query(description="前期, 後期 or 随時.")],
    trade_code: Annotated[str | None, Query(pattern=_CODE, description="職種コード")] = None,
    work_code: Annotated[str | None, Query(pattern=_CODE, description="作業コード")] = None,
    grade: Annotated[Grade | None, Query(description="級")] = None,
    part: Annotated[SessionPart | None, Query(description="The part held.")] = None,
) -> SessionList:
    return exam_sessions.list_sessions(
        _staff(),
        ExamRound(fiscal_year=fiscal_year, term=term),
        _request_id(),
        trade_code=trade_code,
        work_code=work_code,
        grade=grade,
        part=part,
    )


@router.patch(
    paths.SESSION,
    summary="Change an exam session",
    description="Its date, times, venue or capacity (an item left out or null stays as it "
    "is; the round, work, grade and part never change: seats hang on them), with the "
    "`version` the caller read: 409 when the session changed since. The same rules as a "
    "new session (422), and the capacity never below the seats already assigned. Role "
    "`exam_admin`, of the session's prefecture (others: 404); written to the audit trail.",
    tags=["sessions"],
    responses=documented(200, "The session changed", 400, 401, 403, 404, 409, 413, 415),
)
def patch_session(
    session_id: Annotated[str, Path(pattern=SESSION_ID_PATTERN)],
    change: Annotated[SessionChangeRequest, Body(description="What to change.")],
) -> ExamSession:
    return exam_sessions.change(_staff(), session_id, change, _request_id())


@router.post(
    paths.SESSIONS_SEATING,
    summary="Seat the waiting sittings of a family",
    description="Seats the accepted sittings of one round, trade, work, grade and part that "
    "wait for a seat in that family's sessions, in order of acceptance, each session up to "
    "its capacity (earliest session first); the rest keep waiting. Acceptance does not seat "
    "a sitting: this is the exam office's explicit action, safe to run again (after adding "
    "a session, or accepting more). Answers counts only. Role `exam_admin`; written to the "
    "audit trail.",
    tags=["sessions"],
    responses=documented(200, "What the run did", 400, 401, 403, 413, 415),
)
def post_seating(
    family: Annotated[Family, Body(description="The family of sessions to fill.")],
) -> SeatingResult:
    return seating.seat_waiting(_staff(), family, _request_id())


@router.get(
    paths.SESSION_SEATS,
    summary="Who is seated in a session",
    description="The application ids and exam numbers seated in the session, by exam number "
    "(no person's items). Role `exam_admin`, of the session's prefecture (others: 404); "
    "written to the audit trail.",
    tags=["sessions"],
    responses=documented(200, "The seats", 401, 403, 404),
)
def get_session_seats(
    session_id: Annotated[str, Path(pattern=SESSION_ID_PATTERN)],
) -> SessionSeats:
    return seating.seats_of(_staff(), session_id, _request_id())


@router.post(
    paths.ROSTER_SEAT,
    summary="Move a sitting to another session",
    description="Moves the seat of the accepted application's sitting for `part` to another "
    "session of its family (same round, work, grade and part) with a free seat, in one "
    "write. 409 when the sitting has no seat for the part, the session is of another family "
    "or full; 404 for an application or session not of the caller's prefecture. Role "
    "`exam_admin`; written to the audit trail.",
    tags=["roster"],
    responses=documented(200, "The sitting's seats", 400, 401, 403, 404, 409, 413, 415),
)
def post_seat(
    application_id: Annotated[str, Path(pattern=APPLICATION_ID_PATTERN)],
    move: Annotated[SeatMoveRequest, Body(description="The part and the target session.")],
) -> SittingSeats:
    return seating.move_seat(_staff(), application_id, move, _request_id())
