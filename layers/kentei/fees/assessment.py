"""What a sitting costs (受検手数料): each part sat at its fee, less any reduction that applies.

Pure: :func:`assess` reads the schedule of the sitting's prefecture and the facts it needs
(grade, parts sat, the fiscal year, the person's birth date and whether they are employed);
nothing of the person is kept, only the amounts and the reduction's code. A part not sat
(exempt, or passed before) costs nothing: it has no fee on the sitting.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from kentei.fees.schedule import FeeSchedule, Reduction, Yen
from kentei.records.codes import Grade
from kentei.roster.parts import Part


class PartFee(BaseModel):
    """One part's fee: the schedule's amount, the reduction applied, what is due."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    part: Part
    amount: Yen = Field(ge=0, description="what is due, in yen")
    full_amount: Yen = Field(ge=0, description="the schedule's amount before any reduction")
    reduction: str | None = Field(None, description="the code of the reduction applied")


class FeeAssessment(BaseModel):
    """A sitting's fees, as assessed at registration."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    schedule_version: str
    schedule: str = Field(description="the prefecture code whose schedule applied, or default")
    parts: tuple[PartFee, ...]

    def of(self, part: Part) -> PartFee | None:
        return next((fee for fee in self.parts if fee.part is part), None)

    @property
    def total(self) -> Yen:
        return sum(fee.amount for fee in self.parts)


def fiscal_year_start(fiscal_year: int) -> date:
    """1 April: the first day of the fiscal year (年度)."""
    return date(fiscal_year, 4, 1)


def age_on(birth_date: date, on: date) -> int:
    """Completed years on ``on``."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _applies(
    reduction: Reduction,
    part: Part,
    grade: Grade,
    *,
    fiscal_year: int,
    birth_date: date | None,
    employed: bool,
) -> bool:
    if reduction.part is not part or grade not in reduction.grades:
        return False
    if reduction.employed and not employed:
        return False
    if reduction.under_age is not None:
        if birth_date is None:
            return False
        return age_on(birth_date, fiscal_year_start(fiscal_year)) < reduction.under_age
    return True


def assess(
    schedule: FeeSchedule,
    *,
    prefecture_code: str,
    grade: Grade,
    parts: tuple[Part, ...],
    fiscal_year: int,
    birth_date: date | None,
    employed: bool,
) -> FeeAssessment:
    """The fees of a sitting of ``grade`` in the prefecture for the ``parts`` sat: each at the
    schedule's amount, less the largest reduction whose conditions hold (never below zero)."""
    key, fees = schedule.of(prefecture_code)
    assessed: list[PartFee] = []
    for part in parts:
        full = fees.amount(part, grade)
        applicable = [
            r
            for r in fees.reductions
            if _applies(
                r, part, grade, fiscal_year=fiscal_year, birth_date=birth_date, employed=employed
            )
        ]
        best = max(applicable, key=lambda r: min(r.amount, full), default=None)
        off = 0 if best is None else min(best.amount, full)
        assessed.append(
            PartFee(
                part=part,
                amount=full - off,
                full_amount=full,
                reduction=None if best is None else best.code,
            )
        )
    return FeeAssessment(schedule_version=schedule.version, schedule=key, parts=tuple(assessed))
