"""The exemption decision (免除): for each part a sitting does not sit, exempt or not, and why.

Pure. A part is exempt when one of the person's pass records (:class:`PassRecords`) meets a
rule of the table (:mod:`kentei.exemptions.rules`) and is still valid on the decision date;
failing that, when the application carries evidence (an attachment named as the exemption
document, or the paper form's enclosure), exempt on that evidence, to be confirmed by staff.
Until the results issue builds pass records, the deployed :class:`PassRecords` is
:class:`NoPassRecords` (none exist), so every exemption rests on evidence; evidence keeps
counting afterwards for passes older than our records. A part the person sits needs none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final, Protocol

from pydantic import BaseModel, ConfigDict, Field

from kentei.exemptions.model import (
    Basis,
    ExemptionDecision,
    NotExemptReason,
    Outcome,
    PassRecord,
)
from kentei.exemptions.rules import ExemptionRule, ExemptionRules, GradeRelation, Scope
from kentei.records.codes import Grade
from kentei.records.fields import Code
from kentei.roster.parts import ExamRound, Part


class PassRecords(Protocol):
    """The port to the person's passes and part passes (the results issue's records)."""

    def passes_of(self, qualification_pseudonym_id: str) -> Sequence[PassRecord]: ...


class NoPassRecords:
    """The deployed implementation until pass records exist: the person has none."""

    def passes_of(self, qualification_pseudonym_id: str) -> Sequence[PassRecord]:
        return ()


NO_PASS_RECORDS: Final = NoPassRecords()


class Candidate(BaseModel):
    """What the decision needs of a sitting: who, which round, work and grade, parts sat."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    qualification_pseudonym_id: str = Field(min_length=1, max_length=64)
    exam_round: ExamRound
    trade_code: Code
    work_code: Code
    grade: Grade
    elective: str | None = None
    parts: tuple[Part, ...] = Field(min_length=1, description="the parts sat")

    @property
    def parts_not_sat(self) -> tuple[Part, ...]:
        return tuple(part for part in Part if part not in self.parts)


class Evidence(BaseModel):
    """The application's claim (コース/免除) and the attachments named as its evidence."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    claim: str | None = None
    attachments: tuple[str, ...] = Field(
        (), description="the SHA-256 of each attachment named as evidence"
    )
    on_paper: bool = Field(False, description="a paper application: documents are enclosed")


_CLOSENESS: Final = (
    NotExemptReason.PART_NOT_PASSED,
    NotExemptReason.DIFFERENT_TRADE,
    NotExemptReason.DIFFERENT_WORK,
    NotExemptReason.DIFFERENT_ELECTIVE,
    NotExemptReason.LOWER_GRADE,
    NotExemptReason.NOT_EARLIER,
    NotExemptReason.EXPIRED,
)
"""Why a record fails a rule, from the farthest miss to the closest: the reason given for a
part not exempt is the closest miss of any record."""


def decide_exemptions(
    candidate: Candidate,
    records: Sequence[PassRecord],
    evidence: Evidence,
    rules: ExemptionRules,
    *,
    on: dt.date,
) -> tuple[ExemptionDecision, ...]:
    """The decision for each part ``candidate`` does not sit, judged on date ``on``."""
    person = candidate.qualification_pseudonym_id
    if any(record.qualification_pseudonym_id != person for record in records):
        raise ValueError("the pass records are not all of the candidate")
    return tuple(
        _decide(part, candidate, records, evidence, rules, on) for part in candidate.parts_not_sat
    )


def _decide(  # noqa: PLR0917 (one decision's inputs)
    part: Part,
    candidate: Candidate,
    records: Sequence[PassRecord],
    evidence: Evidence,
    rules: ExemptionRules,
    on: dt.date,
) -> ExemptionDecision:
    common = {"part": part, "rules_version": rules.version, "decided_on": on}
    considered = tuple(record.record_id for record in records)
    latest_first = sorted(records, key=lambda record: record.passed_on, reverse=True)
    misses: list[NotExemptReason] = []
    for rule in (rule for rule in rules.rules if rule.part is part):
        for record in latest_first:
            if rule.grade is GradeRelation.HIGHER and record.grade is candidate.grade:
                continue  # the same grade's record is the same-grade rules' to judge
            miss = _miss(rule, record, candidate, rules, on)
            if miss is None:
                return ExemptionDecision(
                    **common,
                    outcome=Outcome.EXEMPT,
                    basis=Basis.PASS_RECORD,
                    rule=rule.code,
                    record_id=record.record_id,
                    considered=considered,
                )
            misses.append(miss)
    if not misses and records:
        misses.append(NotExemptReason.PART_NOT_PASSED)
    if evidence.attachments or evidence.on_paper:
        return ExemptionDecision(
            **common,
            outcome=Outcome.EXEMPT,
            basis=Basis.EVIDENCE,
            attachment_sha256=evidence.attachments[0] if evidence.attachments else None,
            on_paper=not evidence.attachments,
            to_be_confirmed=True,
            considered=considered,
        )
    reason = max(misses, key=_CLOSENESS.index, default=NotExemptReason.NO_PASS_FOUND)
    return ExemptionDecision(
        **common, outcome=Outcome.NOT_EXEMPT, reason=reason, considered=considered
    )


def _miss(
    rule: ExemptionRule,
    record: PassRecord,
    candidate: Candidate,
    rules: ExemptionRules,
    on: dt.date,
) -> NotExemptReason | None:
    """Why ``record`` does not meet ``rule`` for ``candidate`` on ``on``; None if it does."""
    misses = (
        (
            rule.part not in record.parts or record.kind not in rule.held,
            NotExemptReason.PART_NOT_PASSED,
        ),
        (record.trade_code != candidate.trade_code, NotExemptReason.DIFFERENT_TRADE),
        (record.work_code != candidate.work_code, NotExemptReason.DIFFERENT_WORK),
        (
            Scope.ELECTIVE in rule.same and record.elective != candidate.elective,
            NotExemptReason.DIFFERENT_ELECTIVE,
        ),
        (
            not _grade_meets(rule.grade, record.grade, candidate.grade, rules),
            NotExemptReason.LOWER_GRADE,
        ),
        (
            record.exam_round == candidate.exam_round or record.passed_on > on,
            NotExemptReason.NOT_EARLIER,
        ),
        (_expired(record, rules, on), NotExemptReason.EXPIRED),
    )
    return next((reason for missed, reason in misses if missed), None)


def _expired(record: PassRecord, rules: ExemptionRules, on: dt.date) -> bool:
    ends_on = rules.validity_of(record.grade).ends_on(record.passed_on, record.announced_on)
    return ends_on is not None and on >= ends_on


def _grade_meets(
    relation: GradeRelation, held: Grade, sitting: Grade, rules: ExemptionRules
) -> bool:
    if relation is GradeRelation.SAME:
        return held is sitting
    held_rank, sitting_rank = rules.rank(held), rules.rank(sitting)
    return held_rank is not None and sitting_rank is not None and held_rank > sitting_rank
