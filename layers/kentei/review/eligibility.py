"""Eligibility to sit a test (受検資格), judged from a data table of requirements per grade.

The table (``eligibility.json``, kept by the association) lists for each grade the routes to
eligibility: the years of practical experience each needs, and what else it needs that the
form cannot show (a prior pass, schooling or training). The form declares the years of
experience (経験年数) only, so a route that needs anything else is for staff to confirm.
This module holds no rule of its own: change the table, and the result follows.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.records.applicant import Applicant
from kentei.records.codes import Grade, Term
from kentei.review import facts
from kentei.review.findings import Finding, Severity, item

TABLE_FILE: Final = "eligibility.json"

_Label = Annotated[str, Field(min_length=1, max_length=200)]


class Route(BaseModel):
    """One way to become eligible: ``min_years`` of experience, plus any prior passes and
    other credentials (``requires``)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    label: _Label
    min_years: int = Field(ge=0, le=99)
    prior_passes: tuple[Grade, ...] = Field((), description="grades passed before, all needed")
    requires: _Label | None = Field(None, description="another credential staff must confirm")
    note: str | None = None

    @property
    def conditional(self) -> bool:
        """Needs something besides experience, which the form cannot show."""
        return bool(self.prior_passes) or self.requires is not None


class GradeRule(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    grade: Grade
    offered: bool = Field(True, description="false for grades no longer held")
    trainees_only: bool = Field(False, description="only technical intern trainees and the like")
    terms: tuple[Term, ...] = Field((), description="terms in which the grade is held")
    routes: tuple[Route, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.offered and not (self.routes and self.terms):
            raise ValueError("a grade that is offered needs its terms and at least one route")
        if any(self.grade in route.prior_passes for route in self.routes):
            raise ValueError("a route cannot need a pass of the grade it leads to")
        return self


class EligibilityTable(BaseModel):
    """Requirements per grade; a grade missing from the table is left to staff."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    version: _Label
    maintained_by: _Label
    sources: tuple[_Label, ...] = Field(min_length=1)
    note: str
    grades: tuple[GradeRule, ...]

    @model_validator(mode="after")
    def _one_rule_per_grade(self) -> Self:
        seen = [rule.grade for rule in self.grades]
        if len(seen) != len(set(seen)):
            raise ValueError("each grade may appear only once")
        return self

    def rule_for(self, grade: Grade) -> GradeRule | None:
        return next((rule for rule in self.grades if rule.grade is grade), None)


@functools.cache
def load_eligibility_table() -> EligibilityTable:
    """The shipped table, read and validated once."""
    text = resources.files(__package__).joinpath(TABLE_FILE).read_text(encoding="utf-8")
    return EligibilityTable.model_validate_json(text)


def check_eligibility(form: Applicant, table: EligibilityTable) -> list[Finding]:
    """Findings on the grade applied for: offered, in that term, for this applicant, and
    the experience declared against the table's routes."""
    if form.grade is None:
        return []
    rule = table.rule_for(form.grade)
    if rule is None:
        return [_no_rule()]
    if not rule.offered:
        return [_not_offered()]
    findings = []
    if form.term is not None and form.term not in rule.terms:
        findings.append(_wrong_term())
    if rule.trainees_only and not facts.given(form, facts.TRAINEE_ITEMS):
        findings.append(_trainees_only())
    findings.extend(_experience(form.years_of_experience, rule.routes))
    return findings


def _experience(years: int | None, routes: tuple[Route, ...]) -> list[Finding]:
    if years is None and any(route.min_years > 0 for route in routes):
        return [_years_needed()]
    open_routes = [route for route in routes if route.min_years <= (years or 0)]
    if any(not route.conditional for route in open_routes):
        return []
    if open_routes:
        return [_conditional(open_routes)]
    return [_too_few_years(min(route.min_years for route in routes))]


def _conditional(routes: list[Route]) -> Finding:
    needs = "; or ".join(_needs(route) for route in routes)
    return Finding(
        check="eligibility.conditional_route",
        severity=Severity.WARNING,
        field="years_of_experience",
        message=f"Eligible for the grade applied for only if the applicant has: {needs}. "
        "Confirm it from the documents.",
    )


def _needs(route: Route) -> str:
    parts = [f"a pass of {grade.value}" for grade in route.prior_passes]
    if route.requires:
        parts.append(route.requires)
    return f"{' and '.join(parts)} ({route.label})"


def _too_few_years(shortest: int) -> Finding:
    return Finding(
        check="eligibility.experience",
        severity=Severity.BLOCKING,
        field="years_of_experience",
        message=f"{item('years_of_experience')} is below every route to the grade applied for; "
        f"the shortest needs {shortest} years.",
    )


def _years_needed() -> Finding:
    return Finding(
        check="missing.years_of_experience",
        severity=Severity.BLOCKING,
        field="years_of_experience",
        message=f"{item('years_of_experience')} is missing; the grade applied for requires "
        "practical experience.",
    )


def _no_rule() -> Finding:
    return Finding(
        check="eligibility.no_rule",
        severity=Severity.WARNING,
        field="grade",
        message="The eligibility table has no requirements for the grade applied for; "
        "staff judge eligibility.",
    )


def _not_offered() -> Finding:
    return Finding(
        check="eligibility.grade_not_offered",
        severity=Severity.BLOCKING,
        field="grade",
        message=f"{item('grade')} is a grade no longer held.",
    )


def _wrong_term() -> Finding:
    return Finding(
        check="inconsistent.term",
        severity=Severity.BLOCKING,
        field="term",
        message=f"{item('term')} is not a term in which the grade applied for is held.",
    )


def _trainees_only() -> Finding:
    return Finding(
        check="eligibility.trainees_only",
        severity=Severity.BLOCKING,
        field="grade",
        message="The grade applied for is for technical intern trainees, "
        "and the technical intern training items are missing.",
    )
