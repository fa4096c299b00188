"""The pass rules (合格基準, R12) as versioned data: ``pass_rules.json``.

Every grade has a default (学科 65 of 100, 基礎級 60; 実技 60 of 100). A work's rule for one
fiscal year and grade adds what its test sets that year: the weight of each practical
component in the practical total, each component's own minimum, whether some questions have
minimums of their own (問題別の基準), and may change the pass marks. A later revision of the
same fiscal year × work × grade supersedes the earlier one; a decision names the revision
that decided it (:attr:`AppliedRule.version`), so a re-run after a corrected rule shows which
rule changed the outcome.

Without a work rule, the practical components weigh alike and have no minimum of their own.
The file is validated when loaded and at build time (``python -m kentei.results check``), which
also checks every work rule against the catalogue: the work offers the grade, and the rule
names exactly the grade's practical components.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from importlib import resources
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.exams.parts import ComponentKind
from kentei.records.codes import Grade
from kentei.records.fields import Code, FiscalYear

RULES_FILE: Final = "pass_rules.json"

Mark = Annotated[int, Field(ge=0, le=100)]
"""Points of 100."""


class _Sourced(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    source: str = Field(min_length=1, description="where the figures come from")
    unconfirmed: bool = Field(False, description="no public source settled them")


class ComponentRule(BaseModel):
    """One practical component's part of the practical total, and its own minimum."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    kind: ComponentKind
    weight: int = Field(ge=1, le=100, description="its points in the practical total of 100")
    minimum: Mark = Field(0, description="its own minimum, in points of its own 100")
    question_minimums: bool = Field(
        False, description="some of its questions have minimums of their own (問題別の基準)"
    )


class GradeDefault(_Sourced):
    grades: tuple[Grade, ...] = Field(min_length=1)
    written_pass_mark: Mark
    practical_pass_mark: Mark


class WorkRule(_Sourced):
    """A work's rule for one fiscal year and grade (one revision of it)."""

    rule_id: str = Field(pattern=r"^[0-9A-Za-z-]{1,40}$")
    revision: int = Field(ge=1)
    fiscal_year: FiscalYear
    work_code: Code
    grade: Grade
    written_pass_mark: Mark | None = Field(None, description="None: the grade's default")
    practical_pass_mark: Mark | None = Field(None, description="None: the grade's default")
    practical: tuple[ComponentRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _components_make_the_total(self) -> Self:
        kinds = [component.kind for component in self.practical]
        if len(set(kinds)) != len(kinds):
            raise ValueError(f"rule {self.rule_id} names a practical component twice")
        if sum(component.weight for component in self.practical) != 100:
            raise ValueError(f"rule {self.rule_id}: the component weights must total 100")
        return self


class AppliedRule(BaseModel):
    """The rule a decision applies: marks, components, and the version that names it."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    version: str = Field(description="<file version>/<rule id or default:<grade>>#<revision>")
    written_pass_mark: Mark
    practical_pass_mark: Mark
    practical: tuple[ComponentRule, ...]
    unconfirmed: bool

    def weight(self, component: ComponentRule) -> Fraction:
        return Fraction(component.weight, 100)


class UnknownRuleError(ValueError):
    """No rule decides this grade (the file lacks its default)."""


class PassRules(_Sourced):
    version: str = Field(pattern=r"^[0-9A-Za-z.-]{1,20}$")
    grade_defaults: tuple[GradeDefault, ...] = Field(min_length=1)
    works: tuple[WorkRule, ...] = ()

    @model_validator(mode="after")
    def _each_rule_once(self) -> Self:
        graded = [grade for default in self.grade_defaults for grade in default.grades]
        if len(set(graded)) != len(graded):
            raise ValueError("a grade has more than one default")
        missing = set(Grade) - set(graded)
        if missing:
            raise ValueError(f"no default for {', '.join(sorted(g.value for g in missing))}")
        ids = [rule.rule_id for rule in self.works]
        if len(set(ids)) != len(ids):
            raise ValueError("a rule id is used twice")
        keys = [(r.fiscal_year, r.work_code, r.grade, r.revision) for r in self.works]
        if len(set(keys)) != len(keys):
            raise ValueError("a fiscal year, work and grade has one rule per revision")
        return self

    def default(self, grade: Grade) -> GradeDefault:
        for default in self.grade_defaults:
            if grade in default.grades:
                return default
        raise UnknownRuleError(f"no default rule for {grade.value}")  # pragma: no cover

    def work_rule(self, fiscal_year: int, work_code: str, grade: Grade) -> WorkRule | None:
        """The latest revision of the work's rule for the year and grade, if any."""
        found = [
            rule
            for rule in self.works
            if (rule.fiscal_year, rule.work_code, rule.grade) == (fiscal_year, work_code, grade)
        ]
        return max(found, key=lambda rule: rule.revision, default=None)

    def applied(
        self,
        fiscal_year: int,
        work_code: str,
        grade: Grade,
        components: tuple[ComponentKind, ...],
    ) -> AppliedRule:
        """The rule for a sitting of ``work_code`` and ``grade`` in ``fiscal_year`` whose
        practical test has ``components`` (the catalogue's)."""
        default = self.default(grade)
        rule = self.work_rule(fiscal_year, work_code, grade)
        if rule is None:
            even = _even(components)
            return AppliedRule(
                version=f"{self.version}/default:{grade.value}#1",
                written_pass_mark=default.written_pass_mark,
                practical_pass_mark=default.practical_pass_mark,
                practical=even,
                unconfirmed=default.unconfirmed,
            )
        if {c.kind for c in rule.practical} != set(components):
            raise UnknownRuleError(
                f"rule {rule.rule_id} names other practical components than the catalogue's"
            )
        return AppliedRule(
            version=f"{self.version}/{rule.rule_id}#{rule.revision}",
            written_pass_mark=(
                default.written_pass_mark
                if rule.written_pass_mark is None
                else rule.written_pass_mark
            ),
            practical_pass_mark=(
                default.practical_pass_mark
                if rule.practical_pass_mark is None
                else rule.practical_pass_mark
            ),
            practical=rule.practical,
            unconfirmed=rule.unconfirmed or default.unconfirmed,
        )


def _even(components: tuple[ComponentKind, ...]) -> tuple[ComponentRule, ...]:
    """Components weighing alike (the remainder of 100 to the first ones), no own minimum."""
    if not components:
        return ()
    share, rest = divmod(100, len(components))
    return tuple(
        ComponentRule(kind=kind, weight=share + (1 if index < rest else 0))
        for index, kind in enumerate(components)
    )


@functools.cache
def load_pass_rules() -> PassRules:
    """The shipped rules, validated once."""
    text = resources.files("kentei.results").joinpath(RULES_FILE).read_text(encoding="utf-8")
    return PassRules.model_validate_json(text)
