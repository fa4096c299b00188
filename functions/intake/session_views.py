"""What the exam-session and seat routes take and answer (R8): sessions are the prefecture's
exam facts, seats are ids and exam numbers only, never a person's items."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kentei.roster.sitting import ExamRound
from kentei.sessions.model import (
    ExamSession,
    Family,
    SessionChange,
    SessionId,
    SessionPart,
)


class SessionChangeRequest(SessionChange):
    """A change of a session: what to change (None leaves an item as it is) and the version
    the staff member saw (``409`` when the session has changed since)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    version: int = Field(ge=1, description="the session's version as read")

    def changes(self) -> SessionChange:
        return SessionChange.model_validate(self.model_dump(exclude={"version"}))


class SessionList(BaseModel):
    """The prefecture's sessions of one round (optionally of one work, grade or part), in
    seating order (date, then start time)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    exam_round: ExamRound
    items: list[ExamSession]


class SessionSeatCount(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    session_id: SessionId
    capacity: int
    seats: int


class SeatingResult(BaseModel):
    """What one seating run did for a family: counts only, no application ids."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    family: Family
    seated: int = Field(ge=0, description="seats taken by this run")
    waiting: int = Field(ge=0, description="sittings of the family still without a seat")
    already_seated: int = Field(0, ge=0, description="seated meanwhile by another run")
    not_seatable: int = Field(0, ge=0, description="left the roster meanwhile")
    remaining: int = Field(
        0,
        ge=0,
        description="waiting sittings this run did not try (a run tries a bounded number, so "
        "it ends within the API's time): run it again while this is above 0",
    )
    sessions: list[SessionSeatCount] = Field(description="the family's sessions after the run")


class SeatMoveRequest(BaseModel):
    """Move a sitting's seat for ``part`` to another session of its family."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    part: SessionPart
    session_id: SessionId = Field(description="the target session")


class SittingSeats(BaseModel):
    """A sitting's seats after a move: its application id and a session id per part."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    seats: dict[SessionPart, str]


class Seat(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    exam_number: str


class SessionSeats(BaseModel):
    """Who is seated in a session: application ids and exam numbers, by exam number."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    session_id: SessionId
    part: SessionPart
    capacity: int
    items: list[Seat]
