"""From a sitting's decision to its pass record (R12): what an announcement (合格発表) makes.

A decided sitting (:class:`DecidedSitting`, ``DECISION#<application id>``) holds its
:class:`~kentei.results.decision.Decision` and the facts a pass needs (round, trade, work,
grade, elective, exam number), ids only. Decisions may be made again until the round's results
for the work and grade are announced; then each pass and part pass becomes a
:class:`~kentei.exemptions.model.PassRecord` with its numbers, once
(:func:`pass_record`), and a later change is a correction with a reason
(:class:`Correction`), never a silent re-decision.

- A pass (合格) gets a passer number (技能士番号) and a certificate number (合格証書番号).
- A part pass (一部合格) gets a notice number and names the part passed; it is what later
  sittings' exemptions check (:mod:`kentei.exemptions`).
- The pass date is the round's announcement date for the grade (the rounds data); an
  on-demand round's is the day staff announce.

Pure.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from kentei.exemptions.model import PassKind, PassRecord
from kentei.records.codes import Grade
from kentei.records.fields import Code, PrefectureCode
from kentei.results.decision import Decision, Result
from kentei.results.groups import group_of
from kentei.results.numbering import Numbered, NumberKind
from kentei.roster.parts import ExamRound, Part

NUMBERS_OF: Final[dict[Result, tuple[NumberKind, ...]]] = {
    Result.PASS: (NumberKind.PASSER, NumberKind.CERTIFICATE),
    Result.PART_PASS: (NumberKind.PART_PASS_NOTICE,),
}
"""The numbers each result gets at its announcement (none for a fail or a held result)."""


class DecisionStatus(StrEnum):
    DECIDED = "decided"
    """Decided; may be decided again until announced."""
    ANNOUNCED = "announced"
    """Announced: a pass record exists for a pass or part pass; changes are corrections."""


class Correction(BaseModel):
    """A change to an announced decision: who, when, why, and the result before and after."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    at: AwareDatetime
    by: str
    reason: str = Field(min_length=1, max_length=500, repr=False)
    before: Result
    after: Result
    rule_version: str


class DecidedSitting(BaseModel):
    """A sitting's decision (``DECISION#<application id>``): ids and exam facts only."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    application_id: str
    prefecture_code: PrefectureCode
    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    exam_round: ExamRound
    trade_code: Code
    work_code: Code
    grade: Grade
    elective: str | None = None
    exam_number: str
    decision: Decision
    decided_at: AwareDatetime
    decided_by: str
    status: DecisionStatus = DecisionStatus.DECIDED
    announced_on: dt.date | None = None
    corrections: tuple[Correction, ...] = ()

    @model_validator(mode="after")
    def _announced_on_a_day(self) -> Self:
        if (self.status is DecisionStatus.ANNOUNCED) != (self.announced_on is not None):
            raise ValueError("an announced decision, and only one, has its announcement day")
        return self

    @property
    def group_key(self) -> str:
        """The key of the results group it was decided in."""
        return group_of(self.exam_round, self.trade_code, self.work_code, self.grade).key

    @property
    def numbered(self) -> Numbered:
        return Numbered(
            prefecture_code=self.prefecture_code,
            fiscal_year=self.exam_round.fiscal_year,
            grade=self.grade,
            trade_code=self.trade_code,
            work_code=self.work_code,
        )

    @property
    def needs_numbers(self) -> tuple[NumberKind, ...]:
        return NUMBERS_OF.get(self.decision.result, ())


class PassNumbers(BaseModel):
    """The numbers a pass or part pass was given at its announcement."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    passer_number: str | None = None
    certificate_number: str | None = None
    notice_number: str | None = None

    @classmethod
    def of(cls, numbers: dict[NumberKind, str]) -> PassNumbers:
        return cls(
            passer_number=numbers.get(NumberKind.PASSER),
            certificate_number=numbers.get(NumberKind.CERTIFICATE),
            notice_number=numbers.get(NumberKind.PART_PASS_NOTICE),
        )


class NotAPassError(ValueError):
    """The decision is no pass or part pass (a fail, or held for an exemption to confirm)."""


def pass_record(decided: DecidedSitting, numbers: PassNumbers, passed_on: dt.date) -> PassRecord:
    """The pass record of an announced pass or part pass (record id: the application id)."""
    result = decided.decision.result
    if result is Result.PASS:
        kind, parts = PassKind.PASS, tuple(Part)
        if numbers.passer_number is None or numbers.certificate_number is None:
            raise ValueError("a pass has its passer and certificate numbers")
    elif result is Result.PART_PASS:
        kind, parts = PassKind.PART_PASS, decided.decision.passed_here
        if numbers.notice_number is None:
            raise ValueError("a part pass has its notice number")
    else:
        raise NotAPassError(f"a {result.value} makes no pass record")
    return PassRecord(
        record_id=decided.application_id,
        qualification_pseudonym_id=decided.qualification_pseudonym_id,
        kind=kind,
        parts=parts,
        exam_round=decided.exam_round,
        trade_code=decided.trade_code,
        work_code=decided.work_code,
        grade=decided.grade,
        elective=decided.elective,
        passed_on=passed_on,
        announced_on=passed_on,
        notice_number=numbers.notice_number,
        passer_number=numbers.passer_number,
        certificate_number=numbers.certificate_number,
    )
