"""The fee schedule (受検手数料) as data: per prefecture, with a national default.

``fees.json`` beside this module holds, for the default and for each prefecture whose
ordinance (手数料条例) differs, the 学科 and 実技 amounts of every grade in yen and the
reductions (減額) with their conditions; its provenance, and whether it is confirmed, are in
the file. A prefecture's entry replaces the default whole. Validated when read, and at build
time (``python -m kentei.fees check``, which ``make lint`` runs).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.records.codes import Grade
from kentei.roster.parts import Part

FEES_FILE: Final = "fees.json"
DEFAULT: Final = "default"
_PREFECTURE: Final = re.compile(r"0[1-9]|[1-3][0-9]|4[0-7]")

Yen = int


class Reduction(BaseModel):
    """A reduction (減額) of one part's fee for the grades it names, when its conditions hold."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    name: str = Field(min_length=1)
    part: Part
    grades: frozenset[Grade] = Field(min_length=1)
    under_age: int | None = Field(
        None, ge=1, le=120, description="younger than this on 1 April of the fiscal year"
    )
    employed: bool = Field(False, description="only for an employee (在職者)")
    amount: Yen = Field(gt=0, description="at most this much off the part's fee")
    unconfirmed: bool
    source: str = Field(min_length=1)


class Fees(BaseModel):
    """One schedule: the default or a prefecture's."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    written: Mapping[Grade, Yen]
    practical: Mapping[Grade, Yen]
    reductions: tuple[Reduction, ...] = ()
    certificate_reissue: Yen = Field(ge=0, description="再交付手数料: a 合格証書 reissued")

    @model_validator(mode="after")
    def _complete(self) -> Fees:
        for part, amounts in ((Part.WRITTEN, self.written), (Part.PRACTICAL, self.practical)):
            missing = [g.value for g in Grade if g not in amounts]
            if missing:
                raise ValueError(f"{part.value}: no amount for {', '.join(missing)}")
            if any(amount < 0 for amount in amounts.values()):
                raise ValueError(f"{part.value}: an amount below zero")
        codes = [r.code for r in self.reductions]
        if len(set(codes)) != len(codes):
            raise ValueError("a reduction code is declared twice")
        return self

    def amount(self, part: Part, grade: Grade) -> Yen:
        return (self.written if part is Part.WRITTEN else self.practical)[grade]


class FeeSchedule(BaseModel):
    """The shipped table: the default and the prefectures that differ."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    unconfirmed: bool
    maintained_by: str
    provenance: tuple[str, ...] = Field(min_length=1)
    default: Fees
    prefectures: Mapping[str, Fees] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _prefecture_codes(self) -> FeeSchedule:
        for code in self.prefectures:
            if not _PREFECTURE.fullmatch(code):
                raise ValueError(f"{code!r} is not a prefecture code")
        return self

    def of(self, prefecture_code: str) -> tuple[str, Fees]:
        """The schedule that applies in the prefecture, and its key (the code or ``default``)."""
        found = self.prefectures.get(prefecture_code)
        return (DEFAULT, self.default) if found is None else (prefecture_code, found)


def shipped_text() -> str:
    return resources.files(__package__).joinpath(FEES_FILE).read_text(encoding="utf-8")


@functools.cache
def load_fee_schedule() -> FeeSchedule:
    """The shipped table, read and validated once."""
    return FeeSchedule.model_validate_json(shipped_text())
