"""The exemption rules (免除), as data: which prior pass or part pass exempts which part.

The table (``rules.json``) is read and validated once. Each rule says which part it exempts,
which kinds of record do (合格, 一部合格), how the record's grade must relate to the
sitting's (the same grade, or a higher one by ``grade_ranks``) and what must be the same
(trade, work, elective: never across works). ``validity`` says, for every grade, how long a
pass of it exempts, and from when (特級: five years, from the pass date or the announcement:
unconfirmed, so a setting). Every entry carries its source and whether it is unconfirmed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import unicodedata
from enum import StrEnum
from importlib import resources
from typing import Annotated, Final, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from kentei.exemptions.model import PassKind
from kentei.records.codes import Grade
from kentei.roster.parts import Part

RULES_FILE: Final = "rules.json"


class GradeRelation(StrEnum):
    SAME = "same"
    """The record is of the sitting's grade."""
    HIGHER = "higher"
    """The record's grade ranks above the sitting's (``grade_ranks``; both must be ranked)."""


class Scope(StrEnum):
    TRADE = "trade"
    WORK = "work"
    ELECTIVE = "elective"


class ValidityStart(StrEnum):
    PASS_DATE = "pass_date"  # noqa: S105 (not a secret)
    ANNOUNCEMENT_DATE = "announcement_date"
    """The announcement (合格発表); a record without one counts from its pass date."""


class _Sourced(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    source: str = Field(min_length=1, description="where the rule comes from")
    unconfirmed: bool = Field(False, description="no public source settled it")
    note: str | None = None


class ExemptionRule(_Sourced):
    code: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    part: Part = Field(description="the part exempted, and the part the record must have passed")
    held: tuple[PassKind, ...] = Field(min_length=1, description="the kinds of record that do")
    grade: GradeRelation
    same: tuple[Scope, ...] = Field(description="what the record and the sitting share")

    @model_validator(mode="after")
    def _within_the_work(self) -> Self:
        if Scope.TRADE not in self.same or Scope.WORK not in self.same:
            raise ValueError(f"rule {self.code}: an exemption never crosses trades or works")
        return self


class GradeRank(_Sourced):
    grade: Grade
    rank: int = Field(ge=0, description="higher ranks above")


class Validity(_Sourced):
    grades: tuple[Grade, ...] = Field(min_length=1)
    years: int | None = Field(None, ge=1, description="None: never expires")
    starts_at: ValidityStart | None = None

    @model_validator(mode="after")
    def _start_with_years(self) -> Self:
        if (self.years is None) != (self.starts_at is None):
            raise ValueError("a validity in years needs its start, and only it")
        return self

    def ends_on(self, passed_on: dt.date, announced_on: dt.date | None) -> dt.date | None:
        """The first day a record no longer exempts; None if it never expires."""
        if self.years is None:
            return None
        start = passed_on
        if self.starts_at is ValidityStart.ANNOUNCEMENT_DATE and announced_on is not None:
            start = announced_on
        year = start.year + self.years
        if start.month == 2 and start.day == 29 and not calendar.isleap(year):
            return dt.date(year, 3, 1)
        return start.replace(year=year)


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class EvidenceHints(_Sourced):
    """How an attachment shows it is evidence of an exemption: words in its file name."""

    document: str = Field(min_length=1)
    name_hints: tuple[Annotated[str, Field(min_length=1), AfterValidator(_normal)], ...] = Field(
        min_length=1
    )

    def names(self, name: str) -> bool:
        normal = _normal(name)
        return any(word in normal for word in self.name_hints)


class ExemptionRules(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    version: str = Field(min_length=1)
    maintained_by: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1, description="provenance of the table")
    note: str
    evidence: EvidenceHints
    rules: tuple[ExemptionRule, ...] = Field(min_length=1)
    grade_ranks: tuple[GradeRank, ...]
    validity: tuple[Validity, ...]

    @model_validator(mode="after")
    def _well_formed(self) -> Self:
        codes = [rule.code for rule in self.rules]
        if len(codes) != len(set(codes)):
            raise ValueError("each rule code may appear only once")
        ranked = [entry.grade for entry in self.grade_ranks]
        if len(ranked) != len(set(ranked)):
            raise ValueError("each grade may be ranked only once")
        covered = [grade for entry in self.validity for grade in entry.grades]
        if sorted(covered) != sorted(Grade):
            missing = sorted(set(Grade) - set(covered))
            raise ValueError(
                "validity must name every grade exactly once"
                + (f" (missing: {', '.join(missing)})" if missing else " (a grade named twice)")
            )
        return self

    def rank(self, grade: Grade) -> int | None:
        return next((entry.rank for entry in self.grade_ranks if entry.grade is grade), None)

    def validity_of(self, grade: Grade) -> Validity:
        return next(entry for entry in self.validity if grade in entry.grades)


@functools.cache
def load_exemption_rules() -> ExemptionRules:
    """The shipped table, read and validated once."""
    text = resources.files(__package__).joinpath(RULES_FILE).read_text(encoding="utf-8")
    return ExemptionRules.model_validate_json(text)
