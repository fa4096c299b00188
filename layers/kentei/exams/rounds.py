"""The exam rounds (試験回): each fiscal year's 前期 and 後期, and its on-demand (随時) tests.

A regular round has an application window (受検申請受付期間), a practical period (実技試験
実施期間), the nationwide written date (学科試験日) of each grade it holds, and the result
announcement (合格発表) per grade: 3級 may be announced earlier than the rest, never later.
特級 is held in 後期 only. The on-demand round of a fiscal year holds 基礎級, 随時3級 and
随時2級 for technical intern trainees and the like, with at most two attempts each; its dates
are arranged per examinee inside its period.

Every date lies inside its fiscal year (April to March); instants are read in JST.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import date, datetime
from importlib import resources
from typing import Annotated, Final, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.exams.errors import UnknownExamError
from kentei.exams.grades import ON_DEMAND_GRADES, REGULAR_GRADES, SECOND_TERM_ONLY
from kentei.exams.parts import Note
from kentei.records.codes import Grade, Term
from kentei.records.fields import FIRST_FISCAL_YEAR, JST, LAST_FISCAL_YEAR

ROUNDS_FILE: Final = "rounds.json"
MAX_ON_DEMAND_ATTEMPTS: Final = 2
"""An on-demand grade may be attempted at most twice."""

FiscalYear = Annotated[int, Field(ge=FIRST_FISCAL_YEAR, le=LAST_FISCAL_YEAR)]


def fiscal_year_of(day: date) -> int:
    """The fiscal year (年度, April to March) a day falls in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """The first and last day of a fiscal year: 1 April to 31 March."""
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)


class Period(BaseModel):
    """An inclusive range of days."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


class Window(BaseModel):
    """An application window (受検申請受付期間): open from ``opens`` until ``closes``."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    opens: AwareDatetime
    closes: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.closes <= self.opens:
            raise ValueError("the application window closes before it opens")
        return self

    def is_open(self, at: datetime) -> bool:
        """Whether the window is open at the instant ``at`` (an aware datetime)."""
        if at.tzinfo is None:
            raise ValueError("an instant needs its offset (an aware datetime)")
        return self.opens <= at < self.closes

    @property
    def last_day(self) -> date:
        """The JST day of the last instant the window is open."""
        return self.closes.astimezone(JST).date()


class _RoundBase(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    fiscal_year: FiscalYear
    grades: tuple[Grade, ...] = Field(min_length=1)
    application: Window
    practical_period: Period
    confirmed: bool = Field(description="false: the dates illustrate the published pattern")
    note: Note | None = None

    @property
    def label(self) -> str:
        return f"{self.fiscal_year}年度{self.term_value}"

    @property
    def term_value(self) -> str:
        raise NotImplementedError

    def _days(self) -> list[tuple[str, date]]:
        return [
            ("application opens", self.application.opens.astimezone(JST).date()),
            ("application closes", self.application.last_day),
            ("practical period starts", self.practical_period.start),
            ("practical period ends", self.practical_period.end),
        ]

    def _check_common(self, allowed: frozenset[Grade]) -> None:
        repeated = [grade.value for grade, n in Counter(self.grades).items() if n > 1]
        if repeated:
            raise ValueError(f"{self.label}: duplicate grade {', '.join(repeated)}")
        for grade in self.grades:
            if grade not in allowed:
                raise ValueError(f"{self.label}: {grade.value} is not held in this kind of round")
        first, last = fiscal_year_bounds(self.fiscal_year)
        for what, day in self._days():
            if not first <= day <= last:
                raise ValueError(f"{self.label}: {what} on {day}, outside the fiscal year")

    def application_open(self, at: datetime) -> bool:
        return self.application.is_open(at)

    def in_practical_period(self, day: date) -> bool:
        return day in self.practical_period


class Round(_RoundBase):
    """A regular round (前期 or 後期) of a fiscal year."""

    term: Literal[Term.FIRST, Term.SECOND]
    written_dates: dict[Grade, date] = Field(description="学科試験日 per grade, nationwide")
    announcements: dict[Grade, date] = Field(description="合格発表日 per grade")

    @property
    def term_value(self) -> str:
        return self.term.value

    def _days(self) -> list[tuple[str, date]]:
        return [
            *super()._days(),
            *((f"{grade.value} written test", day) for grade, day in self.written_dates.items()),
            *((f"{grade.value} announcement", day) for grade, day in self.announcements.items()),
        ]

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        self._check_common(REGULAR_GRADES)
        if self.application.last_day >= self.practical_period.start:
            raise ValueError(f"{self.label}: the application window closes after exams start")
        if self.term is Term.FIRST:
            early = SECOND_TERM_ONLY.intersection(self.grades)
            if early:
                labels = ", ".join(sorted(grade.value for grade in early))
                raise ValueError(f"{self.label}: {labels} is held in 後期 only")
        held = set(self.grades)
        for what, table in (
            ("written date", self.written_dates),
            ("announcement", self.announcements),
        ):
            if set(table) != held:
                raise ValueError(f"{self.label}: a {what} for each grade held, and no other")
        for grade, day in self.written_dates.items():
            if day <= self.application.last_day:
                raise ValueError(f"{self.label}: {grade.value} written test inside the window")
            if self.announcements[grade] <= max(day, self.practical_period.start):
                raise ValueError(f"{self.label}: {grade.value} announced before it is sat")
        third = self.announcements.get(Grade.THIRD)
        others = [day for grade, day in self.announcements.items() if grade is not Grade.THIRD]
        if third is not None and others and third > min(others):
            raise ValueError(f"{self.label}: 3級 announced after the other grades")
        return self

    def is_written_date(self, day: date, grade: Grade) -> bool:
        """Whether ``day`` is the nationwide written date of ``grade`` in this round."""
        return self.written_dates.get(grade) == day

    def written_date(self, grade: Grade) -> date:
        found = self.written_dates.get(grade)
        if found is None:
            raise UnknownExamError("grade", grade.value, f"not held in {self.label}")
        return found

    def announcement(self, grade: Grade) -> date:
        found = self.announcements.get(grade)
        if found is None:
            raise UnknownExamError("grade", grade.value, f"not held in {self.label}")
        return found


class OnDemandRound(_RoundBase):
    """The on-demand tests (随時) of a fiscal year: 基礎級, 随時3級, 随時2級."""

    term: Literal[Term.ANYTIME]
    max_attempts: int = Field(MAX_ON_DEMAND_ATTEMPTS, ge=1, le=MAX_ON_DEMAND_ATTEMPTS)

    @property
    def term_value(self) -> str:
        return self.term.value

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        self._check_common(ON_DEMAND_GRADES)
        if self.application.last_day >= self.practical_period.end:
            raise ValueError(f"{self.label}: the application window closes after the last exam")
        if self.application.opens.astimezone(JST).date() > self.practical_period.start:
            raise ValueError(f"{self.label}: the exams start before applications open")
        return self

    def is_written_date(self, day: date, grade: Grade) -> bool:
        """On demand, the written test is set per examinee inside the practical period."""
        return grade in self.grades and day in self.practical_period


AnyRound = Round | OnDemandRound


class Rounds(BaseModel):
    """Every round the repository knows, with its provenance."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    version: Annotated[str, Field(min_length=1, max_length=60)]
    provenance: tuple[Annotated[str, Field(min_length=1, max_length=500)], ...] = Field(
        min_length=1
    )
    note: str
    regular: tuple[Round, ...] = Field(min_length=1)
    on_demand: tuple[OnDemandRound, ...] = ()

    @model_validator(mode="after")
    def _one_per_term(self) -> Self:
        keys = Counter((one.fiscal_year, one.term_value) for one in self.all())
        repeated = sorted(f"{year}年度{term}" for (year, term), n in keys.items() if n > 1)
        if repeated:
            raise ValueError(f"duplicate round {', '.join(repeated)}")
        return self

    def all(self) -> tuple[AnyRound, ...]:
        return (*self.regular, *self.on_demand)

    def round_for(self, fiscal_year: int, term: Term) -> AnyRound:
        """The round of a fiscal year and term (随時: the on-demand round)."""
        found = next(
            (
                one
                for one in self.all()
                if one.fiscal_year == fiscal_year and one.term_value == term
            ),
            None,
        )
        if found is None:
            raise UnknownExamError("term", f"{fiscal_year}年度{term.value}", "no such round")
        return found

    def open_for_application(self, at: datetime) -> tuple[AnyRound, ...]:
        """The rounds whose application window is open at the instant ``at``."""
        return tuple(one for one in self.all() if one.application_open(at))


def parse_rounds(text: str | bytes) -> Rounds:
    """Rounds from their JSON text, validated (a ``pydantic.ValidationError`` otherwise)."""
    return Rounds.model_validate_json(text)


@functools.cache
def load_rounds() -> Rounds:
    """The shipped rounds, read and validated once."""
    text = resources.files(__package__).joinpath(ROUNDS_FILE).read_text(encoding="utf-8")
    return parse_rounds(text)
