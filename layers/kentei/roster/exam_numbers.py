"""Exam numbers (受検番号, R8): one per sitting, unique in its round and prefecture, never
reused, from a per-prefecture scheme declared as data (``exam_number_schemes.json``).

A scheme is a pattern of tokens and a sequence: ``{fy}`` (fiscal year, four digits),
``{fy2}`` (its last two), ``{term}`` (1 前期, 2 後期, 3 随時), ``{grade}`` (a one-digit code,
:data:`GRADE_CODES`), ``{trade}``, ``{work}`` (the catalogue codes) and ``{seq}`` (the
sequence, zero-padded to ``sequence_width``). The sequence counts per round and prefecture
(``sequence_scope: round``) or per round, work and grade (``round-work-grade``); a pattern
whose sequence counts per work and grade must name the work and the grade, else two sittings
could get the same number. The data access layer draws the sequence atomically and claims the
number in the transaction that registers the sitting, so two can never collide. Patterns are
checked and rendered by :mod:`kentei.numbering`, shared with the pass numbers.

Pure: the file is read once from the package.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.numbering import (
    DRAWS,
    LooksLikeMyNumberError,
    NumberSchemeError,
    check_pattern,
    render,
)
from kentei.records.codes import Grade, Term
from kentei.roster.sitting import ExamRound

TERM_CODES: Final = {Term.FIRST: "1", Term.SECOND: "2", Term.ANYTIME: "3"}
GRADE_CODES: Final = {
    Grade.SPECIAL: "0",
    Grade.FIRST: "1",
    Grade.SECOND: "2",
    Grade.THIRD: "3",
    Grade.SINGLE: "4",
    Grade.BASIC: "5",
    Grade.ANYTIME_SECOND: "6",
    Grade.ANYTIME_THIRD: "7",
    Grade.BASIC_FIRST: "8",
    Grade.BASIC_SECOND: "9",
}
TOKENS: Final = frozenset({"fy", "fy2", "term", "grade", "trade", "work", "seq"})


class SequenceScope(StrEnum):
    ROUND = "round"
    ROUND_WORK_GRADE = "round-work-grade"


ExamNumberSchemeError = NumberSchemeError
"""A scheme that could give two sittings one number, or a number the records refuse."""

__all__ = [
    "DRAWS",
    "GRADE_CODES",
    "TERM_CODES",
    "ExamNumberSchemeError",
    "LooksLikeMyNumberError",
    "Scheme",
    "Schemes",
    "SequenceScope",
    "schemes",
]


class Scheme(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    pattern: str = Field(min_length=1, max_length=64)
    sequence_width: int = Field(ge=3, le=9)
    sequence_scope: SequenceScope = SequenceScope.ROUND

    @model_validator(mode="after")
    def _sound(self) -> Scheme:
        names = check_pattern(self.pattern, TOKENS)
        if self.sequence_scope is SequenceScope.ROUND_WORK_GRADE and not {
            "work",
            "grade",
        } <= set(names):
            raise ValueError("a sequence per work and grade needs {work} and {grade}")
        return self

    def counter(self, exam_round: ExamRound, work_code: str, grade: Grade) -> str:
        """The name of the sequence this sitting draws from (within its prefecture)."""
        if self.sequence_scope is SequenceScope.ROUND:
            return exam_round.key
        return f"{exam_round.key}#{work_code}#{GRADE_CODES[grade]}"

    def number(
        self, exam_round: ExamRound, trade_code: str, work_code: str, grade: Grade, seq: int
    ) -> str:
        values = {
            "fy": f"{exam_round.fiscal_year:04d}",
            "fy2": f"{exam_round.fiscal_year % 100:02d}",
            "term": TERM_CODES[exam_round.term],
            "grade": GRADE_CODES[grade],
            "trade": trade_code,
            "work": work_code,
        }
        return render(self.pattern, values, seq, self.sequence_width)


class Schemes(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    provenance: str
    schemes: Mapping[str, Scheme]

    @model_validator(mode="after")
    def _has_default(self) -> Schemes:
        if "default" not in self.schemes:
            raise ValueError("a default scheme is declared")
        for key in self.schemes:
            if key != "default" and not re.fullmatch(r"0[1-9]|[1-3][0-9]|4[0-7]", key):
                raise ValueError(f"{key!r} is not a prefecture code")
        return self

    def of(self, prefecture_code: str) -> Scheme:
        return self.schemes.get(prefecture_code) or self.schemes["default"]


@cache
def schemes() -> Schemes:
    text = resources.files("kentei.roster").joinpath("exam_number_schemes.json").read_text()
    return Schemes.model_validate(json.loads(text))
