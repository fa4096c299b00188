"""Items that contradict each other or the application (矛盾): prefecture, fiscal year, age
and experience, exemption, employer."""

from __future__ import annotations

from datetime import date

from kentei.applications.model import Application
from kentei.records.applicant import Applicant
from kentei.records.codes import ExamCategory
from kentei.records.fields import JST
from kentei.review import facts
from kentei.review.findings import Finding, Severity, item

_ONE_PART = frozenset({ExamCategory.WRITTEN_ONLY, ExamCategory.PRACTICAL_ONLY})
_EMPLOYER_DETAILS = (
    "employer_code",
    "employer_postal_code",
    "employer_address",
    "employer_address_line2",
    "employer_phone",
)


def check_consistency(application: Application) -> list[Finding]:
    form = application.form
    received = application.received_at.astimezone(JST).date()
    reference = facts.fiscal_year_start(form.fiscal_year) if form.fiscal_year else received
    findings = []
    if form.prefecture_code != application.prefecture_code:
        findings.append(
            _finding(
                "prefecture_code",
                Severity.BLOCKING,
                "differs from the prefecture the application was routed to",
            )
        )
    findings.extend(_fiscal_year(form, received))
    findings.extend(_age(form, reference))
    if form.exam_category in _ONE_PART and form.course_or_exemption is None:
        findings.append(
            Finding(
                check="missing.course_or_exemption",
                severity=Severity.WARNING,
                field="course_or_exemption",
                message=f"{item('exam_category')} is one part only, and "
                f"{item('course_or_exemption')} does not state the exemption claimed.",
            )
        )
    findings.extend(_employer(form))
    return findings


def _fiscal_year(form: Applicant, received: date) -> list[Finding]:
    if form.fiscal_year is None:
        return []
    current = facts.fiscal_year_of(received)
    if form.fiscal_year < current:
        return [_finding("fiscal_year", Severity.BLOCKING, "is a fiscal year already past")]
    if form.fiscal_year > current + 1:
        return [_finding("fiscal_year", Severity.WARNING, "is more than a year ahead")]
    return []


def _age(form: Applicant, reference: date) -> list[Finding]:
    age = facts.age_on(form.birth_date, reference)
    findings = []
    if age < facts.MINIMUM_WORKING_AGE:
        findings.append(
            _finding(
                "birth_date",
                Severity.WARNING,
                "makes the applicant younger than "
                f"{facts.MINIMUM_WORKING_AGE} at the start of the exam's fiscal year",
            )
        )
    elif age >= facts.OLDEST_PLAUSIBLE_AGE:
        findings.append(
            _finding(
                "birth_date",
                Severity.WARNING,
                "makes the applicant "
                f"{facts.OLDEST_PLAUSIBLE_AGE} or older at the start of the exam's "
                "fiscal year",
            )
        )
    working_years = max(age - facts.MINIMUM_WORKING_AGE, 0)
    if form.years_of_experience is not None and form.years_of_experience > working_years:
        findings.append(
            _finding(
                "years_of_experience",
                Severity.WARNING,
                "is longer than the time since "
                f"the applicant turned {facts.MINIMUM_WORKING_AGE}, the earliest age "
                "to work",
            )
        )
    return findings


def _employer(form: Applicant) -> list[Finding]:
    findings = []
    if form.employer_name is None and facts.given(form, _EMPLOYER_DETAILS):
        findings.append(
            _finding(
                "employer_name",
                Severity.WARNING,
                "is missing, but other employer items are given",
                check="missing.employer_name",
            )
        )
    partial_address = facts.given(form, ("employer_postal_code", "employer_address_line2"))
    if form.employer_address is None and partial_address:
        findings.append(
            _finding(
                "employer_address",
                Severity.WARNING,
                "is missing, but its postal code or building part is given",
                check="missing.employer_address",
            )
        )
    if form.employer_address is not None and form.employer_postal_code is None:
        findings.append(
            _finding(
                "employer_postal_code",
                Severity.WARNING,
                "is missing, but the employer address is given",
                check="missing.employer_postal_code",
            )
        )
    return findings


def _finding(field: str, severity: Severity, what: str, *, check: str | None = None) -> Finding:
    return Finding(
        check=check or f"inconsistent.{field}",
        severity=severity,
        field=field,
        message=f"{item(field)} {what}.",
    )
