"""Exam numbers (受検番号, R8): one per sitting, unique in its round and prefecture, never
reused, from a per-prefecture scheme declared as data (``exam_number_schemes.json``).

A scheme is a pattern of tokens and a sequence: ``{fy}`` (fiscal year, four digits),
``{fy2}`` (its last two), ``{term}`` (1 前期, 2 後期, 3 随時), ``{grade}`` (a one-digit code,
:data:`GRADE_CODES`), ``{trade}``, ``{work}`` (the catalogue codes) and ``{seq}`` (the
sequence, zero-padded to ``sequence_width``). The sequence counts per round and prefecture
(``sequence_scope: round``) or per round, work and grade (``round-work-grade``); a pattern
whose sequence counts per work and grade must name the work and the grade, else two sittings
could get the same number. The data access layer draws the sequence atomically and claims the
number in the transaction that registers the sitting, so two can never collide.

Pure: the file is read once from the package.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei import my_number
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
MAX_LENGTH: Final = 32
DRAWS: Final = 5
"""How many sequences an acceptance draws before giving up on numbers that read as a My
Number (each draw has about a one-in-ten chance of one, and only for 12-digit numbers)."""
_SAFE: Final = re.compile(r"^[0-9A-Za-z_-]*$")


class SequenceScope(StrEnum):
    ROUND = "round"
    ROUND_WORK_GRADE = "round-work-grade"


class ExamNumberSchemeError(ValueError):
    """A scheme that could give two sittings one number, or a number the records refuse."""


class LooksLikeMyNumberError(ExamNumberSchemeError):
    """The number, read as a person would, is a valid My Number (twelve digits, maybe with
    separators, whose check digit is right): it would trip every leak check and alarm anyone
    reading it. The caller draws the next sequence (a gap, never a reuse)."""


class Scheme(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pattern: str = Field(min_length=1, max_length=64)
    sequence_width: int = Field(ge=3, le=9)
    sequence_scope: SequenceScope = SequenceScope.ROUND

    @model_validator(mode="after")
    def _sound(self) -> Scheme:
        names = [name for _, name, _, _ in string.Formatter().parse(self.pattern) if name]
        unknown = set(names) - TOKENS
        if unknown:
            raise ValueError(f"unknown tokens {sorted(unknown)}")
        if names.count("seq") != 1:
            raise ValueError("the pattern holds the sequence exactly once")
        if self.sequence_scope is SequenceScope.ROUND_WORK_GRADE and not {
            "work",
            "grade",
        } <= set(names):
            raise ValueError("a sequence per work and grade needs {work} and {grade}")
        literal = "".join(text for text, _, _, _ in string.Formatter().parse(self.pattern))
        if not _SAFE.fullmatch(literal):
            raise ValueError("the pattern's fixed text is ASCII letters, digits, - or _")
        return self

    def counter(self, exam_round: ExamRound, work_code: str, grade: Grade) -> str:
        """The name of the sequence this sitting draws from (within its prefecture)."""
        if self.sequence_scope is SequenceScope.ROUND:
            return exam_round.key
        return f"{exam_round.key}#{work_code}#{GRADE_CODES[grade]}"

    def number(
        self, exam_round: ExamRound, trade_code: str, work_code: str, grade: Grade, seq: int
    ) -> str:
        if not 0 < seq < 10**self.sequence_width:
            raise ExamNumberSchemeError(
                f"the sequence {seq} does not fit {self.sequence_width} digits: the round is full"
            )
        number = self.pattern.format(
            fy=f"{exam_round.fiscal_year:04d}",
            fy2=f"{exam_round.fiscal_year % 100:02d}",
            term=TERM_CODES[exam_round.term],
            grade=GRADE_CODES[grade],
            trade=trade_code,
            work=work_code,
            seq=f"{seq:0{self.sequence_width}d}",
        )
        if len(number) > MAX_LENGTH or not _SAFE.fullmatch(number):
            raise ExamNumberSchemeError("the scheme gives a number the records cannot hold")
        if my_number.contains(number):
            raise LooksLikeMyNumberError("this sequence gives a number that reads as a My Number")
        return number


class Schemes(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

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
