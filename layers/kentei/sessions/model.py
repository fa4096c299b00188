"""The exam session (試験日程・会場): one part of one work and grade, at one venue, on one day.

A session's part is the written test (学科) or one practical component kind of the catalogue
(製作等作業試験, 判断等試験, 計画立案等作業試験): a sitting of a grade whose practical test has two
components needs a seat in a session of each. Times are wall-clock JST (Japan has no DST).

A venue is a building (name, address) and, optionally, a room in it (試験室): two sessions at
one venue may run at the same time in different rooms (the written tests of several works and
grades are held in one hall on the nationwide date), never in the same room, and a session
without a room takes the whole venue. ``seats`` counts the seats assigned; it moves with each
seat (an atomic counter in the store) and does not change ``version``, which counts staff edits.
"""

from __future__ import annotations

import re
import secrets
import time as _time
import unicodedata
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.exams.parts import ComponentKind
from kentei.records.codes import Grade
from kentei.records.fields import Code, PrefectureCode, ShortText, Text
from kentei.roster.sitting import ExamRound, Part

SESSION_ID_PATTERN: Final = r"^[0-9A-HJKMNP-TV-Z]{26}$"
"""A ULID (Crockford base 32): sortable by creation time."""
MAX_CAPACITY: Final = 10_000

_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SPACES: Final = re.compile(r"\s+")

SessionId = Annotated[str, Field(pattern=SESSION_ID_PATTERN)]


class SessionPart(StrEnum):
    """What a session holds: the written test, or one kind of practical component."""

    WRITTEN = "written"
    PRODUCTION = "production"
    JUDGEMENT = "judgement"
    PLANNING = "planning"

    @property
    def part(self) -> Part:
        """The part of the sitting a seat here counts for."""
        return Part.WRITTEN if self is SessionPart.WRITTEN else Part.PRACTICAL

    @property
    def component(self) -> ComponentKind | None:
        """The catalogue's component kind (None for the written test)."""
        return _COMPONENT.get(self)

    @property
    def label(self) -> str:
        """学科, or the component kind's name."""
        component = self.component
        return "学科" if component is None else component.value

    @classmethod
    def of_component(cls, kind: ComponentKind) -> SessionPart:
        return next(part for part, component in _COMPONENT.items() if component is kind)


_COMPONENT: Final = {
    SessionPart.PRODUCTION: ComponentKind.PRODUCTION,
    SessionPart.JUDGEMENT: ComponentKind.JUDGEMENT,
    SessionPart.PLANNING: ComponentKind.PLANNING,
}


class Venue(BaseModel):
    """Where a session is held (会場): a building, and a room in it if the session has one."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    name: ShortText
    address: Text
    room: ShortText | None = Field(None, description="試験室; none: the whole venue")

    @property
    def building(self) -> tuple[str, str]:
        """The building's identity: name and address, NFKC, spaces folded, case folded."""
        return _identity(self.name), _identity(self.address)

    def shares_space_with(self, other: Venue) -> bool:
        """Two sessions here at once would collide: same building, and the same room or no
        room on either side (a session without a room takes the whole venue)."""
        if self.building != other.building:
            return False
        if self.room is None or other.room is None:
            return True
        return _identity(self.room) == _identity(other.room)


def _identity(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


class Family(BaseModel):
    """The sessions a sitting may be seated in for one part: same round, work, grade, part.

    ``work_code`` is None for a trade-wide grade (特級)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    exam_round: ExamRound
    trade_code: Code
    work_code: Code | None
    grade: Grade
    part: SessionPart

    @property
    def key(self) -> str:
        """``2026-前期#0101#010101#2級#written``: how items of the family are named."""
        work = self.work_code or "-"
        return f"{self.exam_round.key}#{self.trade_code}#{work}#{self.grade.value}#{self.part}"


class SessionDraft(BaseModel):
    """What staff send to create a session (checked by :func:`kentei.sessions.rules.create`)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    exam_round: ExamRound
    trade_code: Code
    work_code: Code | None = Field(None, description="None for 特級 (offered by the trade)")
    grade: Grade
    part: SessionPart
    exam_date: date
    starts_at: time = Field(description="JST wall-clock time")
    ends_at: time = Field(description="JST wall-clock time")
    venue: Venue
    capacity: int = Field(le=MAX_CAPACITY)

    @property
    def family(self) -> Family:
        return Family(
            exam_round=self.exam_round,
            trade_code=self.trade_code,
            work_code=self.work_code,
            grade=self.grade,
            part=self.part,
        )


class SessionChange(BaseModel):
    """What staff may change on a session; None leaves the item as it is. The family (round,
    work, grade, part) never changes: seats hang on it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    exam_date: date | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    venue: Venue | None = None
    capacity: int | None = Field(None, le=MAX_CAPACITY)


class ExamSession(BaseModel):
    """A session as stored."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    session_id: SessionId
    prefecture_code: PrefectureCode
    exam_round: ExamRound
    trade_code: Code
    work_code: Code | None = None
    grade: Grade
    part: SessionPart
    exam_date: date
    starts_at: time = Field(description="JST wall-clock time")
    ends_at: time = Field(description="JST wall-clock time")
    venue: Venue
    capacity: int = Field(ge=1, le=MAX_CAPACITY)
    seats: int = Field(0, ge=0, description="seats assigned")
    created_by: str = Field(min_length=1, max_length=128, description="the staff id")
    created_at: AwareDatetime
    updated_by: str | None = Field(None, max_length=128)
    updated_at: AwareDatetime | None = None
    version: int = Field(1, ge=1, description="staff edits; seats do not count")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("a session ends after it starts")
        if self.seats > self.capacity:
            raise ValueError("more seats assigned than the capacity")
        return self

    @property
    def family(self) -> Family:
        return Family(
            exam_round=self.exam_round,
            trade_code=self.trade_code,
            work_code=self.work_code,
            grade=self.grade,
            part=self.part,
        )

    @property
    def free(self) -> int:
        return self.capacity - self.seats

    @property
    def order(self) -> tuple[date, time, time, str]:
        """Seating order within a family: by date, then start time (then end, then id)."""
        return self.exam_date, self.starts_at, self.ends_at, self.session_id

    def overlaps(self, other: ExamSession | SessionDraft) -> bool:
        """Same day, times intersecting (end is exclusive), and the same space."""
        return (
            self.exam_date == other.exam_date
            and self.starts_at < other.ends_at
            and other.starts_at < self.ends_at
            and self.venue.shares_space_with(other.venue)
        )


def new_session_id(now: datetime | None = None) -> str:
    """A ULID: 48 bits of milliseconds, 80 random bits, Crockford base 32."""
    millis = int((now.timestamp() if now else _time.time()) * 1000)
    value = (millis << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))
