"""Pass numbers (R12): the passer number (技能士番号) and certificate number (合格証書番号) of a
full pass, and the notice number of a part pass (一部合格通知番号), from per-prefecture,
per-issuer schemes declared as data (``pass_number_schemes.json``).

Each kind of number and each issuer (the minister for 特級/1級/単一等級, the governor for the
others: :func:`kentei.exams.grades.issuer_of`) has its own scheme and its own sequence, which
counts per fiscal year (``year``), per fiscal year and grade (``year-grade``) or for good
(``ever``). Tokens: ``{pref}`` (the prefecture code), ``{issuer}`` (``M`` or ``G``), ``{fy}``,
``{fy2}``, ``{grade}`` (:data:`kentei.roster.exam_numbers.GRADE_CODES`), ``{trade}``,
``{work}`` and ``{seq}``. A scheme whose sequence restarts each year must name the year, one
per grade the grade; and within a prefecture the numbers of one kind must tell the issuers
apart (``{issuer}`` in both patterns, or different fixed text), else two passes could share a
number. The data access layer draws the sequence atomically and claims the number in the
transaction that records the pass (:mod:`kentei.data.passes`), so two never collide and none
is reused.

Pure: the file is read once from the package.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.exams.grades import Issuer, issuer_of
from kentei.numbering import check_pattern, fixed_text, render
from kentei.records.codes import Grade
from kentei.roster.exam_numbers import GRADE_CODES

TOKENS: Final = frozenset({"pref", "issuer", "fy", "fy2", "grade", "trade", "work", "seq"})
ISSUER_CODES: Final = {Issuer.MINISTER: "M", Issuer.GOVERNOR: "G"}


class NumberKind(StrEnum):
    PASSER = "passer"
    """技能士番号: a full pass."""
    CERTIFICATE = "certificate"
    """合格証書番号: the certificate of a full pass."""
    PART_PASS_NOTICE = "part_pass_notice"  # noqa: S105 (not a secret)
    """一部合格通知番号: a part pass."""


@dataclass(frozen=True)
class Numbered:
    """What a pass number is given for: a pass of one grade of one work, decided in one
    prefecture for one fiscal year."""

    prefecture_code: str
    fiscal_year: int
    grade: Grade
    trade_code: str
    work_code: str

    @property
    def issuer(self) -> Issuer:
        return issuer_of(self.grade)


class SequenceScope(StrEnum):
    YEAR = "year"
    YEAR_GRADE = "year-grade"
    EVER = "ever"


class PassNumberScheme(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    pattern: str = Field(min_length=1, max_length=64)
    sequence_width: int = Field(ge=3, le=9)
    sequence_scope: SequenceScope = SequenceScope.YEAR

    @model_validator(mode="after")
    def _sound(self) -> Self:
        names = set(check_pattern(self.pattern, TOKENS))
        yearly = self.sequence_scope in (SequenceScope.YEAR, SequenceScope.YEAR_GRADE)
        if yearly and not names & {"fy", "fy2"}:
            raise ValueError("a sequence that restarts each year needs {fy} or {fy2}")
        if self.sequence_scope is SequenceScope.YEAR_GRADE and "grade" not in names:
            raise ValueError("a sequence per grade needs {grade}")
        return self

    def counter(self, kind: NumberKind, of: Numbered) -> str:
        """The sequence this number draws from (within its prefecture)."""
        base = f"{kind.value}#{of.issuer.value}"
        if self.sequence_scope is SequenceScope.EVER:
            return base
        if self.sequence_scope is SequenceScope.YEAR:
            return f"{base}#{of.fiscal_year:04d}"
        return f"{base}#{of.fiscal_year:04d}#{GRADE_CODES[of.grade]}"

    def number(self, of: Numbered, seq: int) -> str:
        values = {
            "pref": of.prefecture_code,
            "issuer": ISSUER_CODES[of.issuer],
            "fy": f"{of.fiscal_year:04d}",
            "fy2": f"{of.fiscal_year % 100:02d}",
            "grade": GRADE_CODES[of.grade],
            "trade": of.trade_code,
            "work": of.work_code,
        }
        return render(self.pattern, values, seq, self.sequence_width)


KindSchemes = Mapping[Issuer, PassNumberScheme]


class PassNumberSchemes(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    provenance: str = Field(min_length=1)
    schemes: Mapping[str, Mapping[NumberKind, KindSchemes]]

    @model_validator(mode="after")
    def _complete_and_distinct(self) -> Self:
        if "default" not in self.schemes:
            raise ValueError("a default is declared")
        for key, kinds in self.schemes.items():
            if key != "default" and not re.fullmatch(r"0[1-9]|[1-3][0-9]|4[0-7]", key):
                raise ValueError(f"{key!r} is not a prefecture code")
            for kind in NumberKind:
                issuers = kinds.get(kind)
                if issuers is None or set(issuers) != set(Issuer):
                    raise ValueError(f"{key}: {kind.value} needs a scheme for each issuer")
                minister, governor = issuers[Issuer.MINISTER], issuers[Issuer.GOVERNOR]
                both_name_it = all("{issuer}" in s.pattern for s in (minister, governor))
                if not both_name_it and fixed_text(minister.pattern) == fixed_text(
                    governor.pattern
                ):
                    raise ValueError(
                        f"{key}: the {kind.value} numbers of the minister and the governor "
                        "cannot be told apart"
                    )
        return self

    def of(self, kind: NumberKind, numbered: Numbered) -> PassNumberScheme:
        kinds = self.schemes.get(numbered.prefecture_code) or self.schemes["default"]
        return kinds[kind][numbered.issuer]


@cache
def pass_number_schemes() -> PassNumberSchemes:
    text = (
        resources.files("kentei.results")
        .joinpath("pass_number_schemes.json")
        .read_text(encoding="utf-8")
    )
    return PassNumberSchemes.model_validate(json.loads(text))
