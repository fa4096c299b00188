"""What results are decided and announced for together: a round's work and grade in one
prefecture (a 特級 group names the trade, without a work)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from kentei.exams.catalogue import Catalogue
from kentei.exams.grades import TRADE_WIDE_GRADES
from kentei.records.codes import Grade
from kentei.records.fields import Code
from kentei.results.rules import AppliedRule, PassRules
from kentei.roster.parts import ExamRound
from kentei.roster.sitting import Sitting


class ResultsGroup(BaseModel):
    """A round's work and grade: the unit of decisions (合否判定) and announcement (合格発表)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    exam_round: ExamRound
    trade_code: Code
    work_code: Code | None = None
    grade: Grade

    @property
    def key(self) -> str:
        """``2026-前期#0301#030101#2級``: how the group's items are named (a trade-wide
        grade, 特級, has ``-`` for its work)."""
        work = "-" if self.grade in TRADE_WIDE_GRADES else (self.work_code or "-")
        return f"{self.exam_round.key}#{self.trade_code}#{work}#{self.grade.value}"

    def holds(self, sitting: Sitting) -> bool:
        return (
            sitting.exam_round == self.exam_round
            and sitting.trade_code == self.trade_code
            and (self.work_code is None or sitting.work_code == self.work_code)
            and sitting.grade is self.grade
        )


def group_of_sitting(sitting: Sitting) -> ResultsGroup:
    """The results group a sitting is decided in."""
    return group_of(sitting.exam_round, sitting.trade_code, sitting.work_code, sitting.grade)


def group_of(exam_round: ExamRound, trade_code: str, work_code: str, grade: Grade) -> ResultsGroup:
    """The group of a sitting's round, trade, work and grade (特級: the trade's, no work)."""
    return ResultsGroup(
        exam_round=exam_round,
        trade_code=trade_code,
        work_code=None if grade in TRADE_WIDE_GRADES else work_code,
        grade=grade,
    )


def rule_for(group: ResultsGroup, catalogue: Catalogue, rules: PassRules) -> AppliedRule:
    """The rule that decides the group: its fiscal year, work and grade, with the grade's
    practical components from the catalogue."""
    offer = catalogue.parts(group.trade_code, group.work_code, group.grade)
    return rules.applied(
        group.exam_round.fiscal_year,
        group.work_code or group.trade_code,
        group.grade,
        tuple(component.kind for component in offer.practical),
    )
