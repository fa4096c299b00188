"""What the results office sends and reads: a results group, its decisions and runs, and the
list of passing exam numbers (ids, exam numbers and outcomes: never a name)."""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.records.codes import Grade, Term
from kentei.records.fields import Code, FiscalYear
from kentei.results.decision import PartDecision, Result
from kentei.results.groups import ResultsGroup
from kentei.results.passes import DecidedSitting, DecisionStatus
from kentei.results.runs import ResultsRun
from kentei.roster.parts import ExamRound


class ResultsGroupRequest(BaseModel):
    """A round's work and grade in the caller's prefecture (特級: the trade, no work)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    fiscal_year: FiscalYear
    term: Term
    trade_code: Code
    work_code: Code | None = Field(None, description="None for 特級 (offered by the trade)")
    grade: Grade

    @property
    def group(self) -> ResultsGroup:
        return ResultsGroup(
            exam_round=ExamRound(fiscal_year=self.fiscal_year, term=self.term),
            trade_code=self.trade_code,
            work_code=self.work_code,
            grade=self.grade,
        )


class ResultsQueued(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    group_key: str
    queued: bool = True
    announced_on: dt.date | None = Field(
        None, description="an announcement: the pass date it gives (合格日)"
    )


class SittingDecision(BaseModel):
    """One sitting's decision: its exam number, result, each part and why it failed."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    exam_number: str
    result: Result
    status: DecisionStatus
    parts: tuple[PartDecision, ...]
    rule_version: str
    decided_at: AwareDatetime
    announced_on: dt.date | None

    @classmethod
    def of(cls, decided: DecidedSitting) -> Self:
        return cls(
            application_id=decided.application_id,
            exam_number=decided.exam_number,
            result=decided.decision.result,
            status=decided.status,
            parts=decided.decision.parts,
            rule_version=decided.decision.rule_version,
            decided_at=decided.decided_at,
            announced_on=decided.announced_on,
        )


class GroupDecisions(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    group_key: str
    counts: dict[str, int] = Field(description="decisions by result, and by status")
    decisions: tuple[SittingDecision, ...]
    decisions_run: ResultsRun | None = Field(description="the latest decisions run")
    announcement_run: ResultsRun | None = Field(description="the latest announcement")


class PassingNumbers(BaseModel):
    """The announcement (合格発表) of a group: the exam numbers of its passes, no names."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    group_key: str
    announced_on: dt.date
    exam_numbers: tuple[str, ...]
