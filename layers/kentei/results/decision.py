"""A sitting's pass decision (合否判定, R12): its scores and exemptions against its rule.

Each part of the test is decided on its own:

- 学科 (written): passed when its score reaches the written pass mark.
- 実技 (practical): its total is the components' scores weighed by the rule (each score of its
  own 100); passed when the total reaches the practical pass mark **and** every component
  reaches its own minimum **and** no question with a minimum of its own was missed. A total
  of 60 can fail on one component.
- An absent part, or a missing score, fails with that reason; never a guess.

The sitting's result: a **pass** (合格) when every part is passed here or exempt; a **part
pass** (一部合格) when one part is passed here and the other is not; otherwise a **fail**. An
exemption resting on evidence staff have not confirmed yet holds the result (``held``): a
pass is never decided on an unchecked document. Every failure names its reason (and its
component), and the decision names the rule version that made it.

Totals are exact fractions; the score shown is rounded down to two decimals, so what is shown
never reads as a pass that was not.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.exams.parts import ComponentKind
from kentei.exemptions.model import ExemptionDecision, Outcome
from kentei.results.rules import AppliedRule
from kentei.roster.parts import Part

_CENTS: Decimal = Decimal("0.01")


class ScoreEntry(BaseModel):
    """One score of a sitting: the written test, or one practical component."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    part: Part
    component: ComponentKind | None = Field(None, description="the practical component")
    score: int | None = Field(None, ge=0, le=100, description="points of 100; None if absent")
    absent: bool = False
    question_minimum_missed: bool = Field(
        False, description="a question with a minimum of its own was below it (問題別の基準)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.part is Part.PRACTICAL) != (self.component is not None):
            raise ValueError("a practical score names its component, a written one none")
        if self.absent and (self.score is not None or self.question_minimum_missed):
            raise ValueError("an absent part has no score")
        if not self.absent and self.score is None:
            raise ValueError("a score, or absent")
        return self


class ScoresError(ValueError):
    """Scores a decision cannot rest on (two for one component, a component the rule does not
    know, a question minimum the rule does not have): staff correct them first."""


class PartOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    EXEMPT = "exempt"
    """Not sat: exempt by a pass record, or by evidence staff confirmed."""
    EXEMPT_TO_CONFIRM = "exempt_to_confirm"
    """Not sat: exempt on evidence staff have not confirmed yet."""
    NOT_SAT = "not_sat"
    """Not sat and not exempt (applied for the other part only, without an exemption)."""


class FailReason(StrEnum):
    ABSENT = "absent"
    NO_SCORE = "no_score"
    BELOW_PASS_MARK = "below_pass_mark"  # noqa: S105 (not a secret)
    COMPONENT_BELOW_MINIMUM = "component_below_minimum"
    QUESTION_MINIMUM_MISSED = "question_minimum_missed"


class Failure(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    reason: FailReason
    component: ComponentKind | None = None


class PartDecision(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    part: Part
    outcome: PartOutcome
    score: Decimal | None = Field(None, description="the part's score, rounded down to 0.01")
    pass_mark: int | None = None
    failures: tuple[Failure, ...] = ()

    @model_validator(mode="after")
    def _failed_with_reasons(self) -> Self:
        if (self.outcome is PartOutcome.FAILED) != bool(self.failures):
            raise ValueError("a failed part, and only one, has its reasons")
        return self


class Result(StrEnum):
    PASS = "pass"  # noqa: S105 (not a secret)
    """合格: every part passed here or exempt."""
    PART_PASS = "part_pass"  # noqa: S105 (not a secret)
    """一部合格: one part passed here, the other not."""
    FAIL = "fail"
    HELD = "held"
    """Every part passed or exempt, but an exemption waits for staff to confirm its evidence."""


class Decision(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    result: Result
    parts: tuple[PartDecision, ...]
    rule_version: str

    @property
    def passed_here(self) -> tuple[Part, ...]:
        return tuple(p.part for p in self.parts if p.outcome is PartOutcome.PASSED)


def decide(
    parts_sat: Iterable[Part],
    exemptions: Iterable[ExemptionDecision],
    scores: Iterable[ScoreEntry],
    rule: AppliedRule,
) -> Decision:
    """The decision of a sitting that sits ``parts_sat`` with ``exemptions`` for the others."""
    sat = frozenset(parts_sat)
    exempt = {e.part: e for e in exemptions if e.outcome is Outcome.EXEMPT}
    entries = tuple(scores)
    if any(entry.part not in sat for entry in entries):
        raise ScoresError("a score for a part the sitting does not sit")
    decided: list[PartDecision] = []
    for part in Part:
        if part in sat:
            mine = [entry for entry in entries if entry.part is part]
            decided.append(_written(mine, rule) if part is Part.WRITTEN else _practical(mine, rule))
        elif part in exempt:
            confirmed = not exempt[part].to_be_confirmed
            outcome = PartOutcome.EXEMPT if confirmed else PartOutcome.EXEMPT_TO_CONFIRM
            decided.append(PartDecision(part=part, outcome=outcome))
        else:
            decided.append(PartDecision(part=part, outcome=PartOutcome.NOT_SAT))
    return Decision(result=_result(decided), parts=tuple(decided), rule_version=rule.version)


def _result(parts: list[PartDecision]) -> Result:
    outcomes = [p.outcome for p in parts]
    passed_or_exempt = (PartOutcome.PASSED, PartOutcome.EXEMPT, PartOutcome.EXEMPT_TO_CONFIRM)
    if PartOutcome.PASSED in outcomes and all(o in passed_or_exempt for o in outcomes):
        if PartOutcome.EXEMPT_TO_CONFIRM in outcomes:
            return Result.HELD
        return Result.PASS
    if PartOutcome.PASSED in outcomes:
        return Result.PART_PASS
    return Result.FAIL


def _written(entries: list[ScoreEntry], rule: AppliedRule) -> PartDecision:
    mark = rule.written_pass_mark
    if len(entries) > 1:
        raise ScoresError("two written scores for one sitting")
    if not entries:
        return _failed(Part.WRITTEN, mark, None, [Failure(reason=FailReason.NO_SCORE)])
    (entry,) = entries
    if entry.absent or entry.score is None:
        return _failed(Part.WRITTEN, mark, None, [Failure(reason=FailReason.ABSENT)])
    failures = []
    if entry.score < mark:
        failures.append(Failure(reason=FailReason.BELOW_PASS_MARK))
    if entry.question_minimum_missed:
        failures.append(Failure(reason=FailReason.QUESTION_MINIMUM_MISSED))
    return _part(Part.WRITTEN, mark, Fraction(entry.score), failures)


def _practical(entries: list[ScoreEntry], rule: AppliedRule) -> PartDecision:
    mark = rule.practical_pass_mark
    by_kind: dict[ComponentKind, ScoreEntry] = {}
    for entry in entries:
        if entry.component is None:  # pragma: no cover - ScoreEntry refuses it
            raise ScoresError("a practical score without its component")
        if entry.component in by_kind:
            raise ScoresError(f"two scores for {entry.component.value}")
        by_kind[entry.component] = entry
    known = {component.kind for component in rule.practical}
    if set(by_kind) - known:
        raise ScoresError("a score for a component the rule does not know")
    failures: list[Failure] = []
    total = Fraction(0)
    for component in rule.practical:
        found = by_kind.get(component.kind)
        if found is None:
            failures.append(Failure(reason=FailReason.NO_SCORE, component=component.kind))
            continue
        if found.absent or found.score is None:
            failures.append(Failure(reason=FailReason.ABSENT, component=component.kind))
            continue
        if found.question_minimum_missed and not component.question_minimums:
            raise ScoresError(f"{component.kind.value} has no question minimums in the rule")
        total += Fraction(found.score) * rule.weight(component)
        if found.score < component.minimum:
            failures.append(
                Failure(reason=FailReason.COMPONENT_BELOW_MINIMUM, component=component.kind)
            )
        if found.question_minimum_missed:
            failures.append(
                Failure(reason=FailReason.QUESTION_MINIMUM_MISSED, component=component.kind)
            )
    missing = {FailReason.NO_SCORE, FailReason.ABSENT}
    if any(f.reason in missing for f in failures):
        return _failed(Part.PRACTICAL, mark, None, failures)
    if total < mark:
        failures.insert(0, Failure(reason=FailReason.BELOW_PASS_MARK))
    return _part(Part.PRACTICAL, mark, total, failures)


def _part(part: Part, mark: int, total: Fraction, failures: list[Failure]) -> PartDecision:
    if failures:
        return _failed(part, mark, total, failures)
    return PartDecision(part=part, outcome=PartOutcome.PASSED, score=_shown(total), pass_mark=mark)


def _failed(part: Part, mark: int, total: Fraction | None, failures: list[Failure]) -> PartDecision:
    return PartDecision(
        part=part,
        outcome=PartOutcome.FAILED,
        score=None if total is None else _shown(total),
        pass_mark=mark,
        failures=tuple(failures),
    )


def _shown(total: Fraction) -> Decimal:
    exact = Decimal(total.numerator) / Decimal(total.denominator)
    return exact.quantize(_CENTS, rounding=ROUND_DOWN)
