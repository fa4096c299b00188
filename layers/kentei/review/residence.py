"""Foreign nationals' items: nationality, residence card (在留カード) and technical intern
training (技能実習), which must agree with each other.

A trainee always holds a residence card, so its items are blocking for trainees; other
foreign nationals may hold a special permanent resident certificate (特別永住者証明書)
instead, so for them a missing residence card item is a warning.
"""

from __future__ import annotations

from datetime import date

from kentei.applications.model import Application
from kentei.records.fields import JST
from kentei.review import facts
from kentei.review.eligibility import EligibilityTable
from kentei.review.facts import Nationality
from kentei.review.findings import Finding, Severity, item


def check_residence(application: Application, table: EligibilityTable) -> list[Finding]:
    form = application.form
    trainee_items = facts.given(form, facts.TRAINEE_ITEMS)
    rule = table.rule_for(form.grade) if form.grade else None
    trainee = bool(trainee_items) or (rule is not None and rule.trainees_only)
    severity = Severity.BLOCKING if trainee else Severity.WARNING
    residence = bool(facts.given(form, facts.RESIDENCE_ITEMS))
    nationality = facts.nationality(form)
    findings: list[Finding] = []
    if 0 < len(trainee_items) < len(facts.TRAINEE_ITEMS):
        findings.extend(
            _missing(
                field, Severity.BLOCKING, "the other technical intern training items are given"
            )
            for field in facts.TRAINEE_ITEMS
            if field not in trainee_items
        )
    if (trainee or residence) and nationality is Nationality.NOT_GIVEN:
        findings.append(
            _missing("nationality", severity, "residence card or training items are given")
        )
    if (trainee or residence) and nationality is Nationality.JAPANESE:
        findings.append(
            Finding(
                check="inconsistent.nationality",
                severity=severity,
                field="nationality",
                message=f"{item('nationality')} gives a domestic nationality, but residence "
                "card or technical intern training items are given.",
            )
        )
    if trainee or nationality is Nationality.FOREIGN:
        findings.extend(
            _missing(field, severity, "a foreign national or trainee needs it")
            for field in ("residence_card_number", "residence_expiry_date")
            if getattr(form, field) is None
        )
    findings.extend(_expiry(form.residence_expiry_date, form.fiscal_year, application))
    return findings


def _expiry(
    expiry: date | None, fiscal_year: int | None, application: Application
) -> list[Finding]:
    if expiry is None:
        return []
    if expiry < application.received_at.astimezone(JST).date():
        what, severity = "had passed when the application was received", Severity.BLOCKING
    elif fiscal_year is not None and expiry < facts.fiscal_year_start(fiscal_year):
        what, severity = "is before the exam's fiscal year begins", Severity.WARNING
    else:
        return []
    return [
        Finding(
            check="inconsistent.residence_expiry_date",
            severity=severity,
            field="residence_expiry_date",
            message=f"{item('residence_expiry_date')} {what}.",
        )
    ]


def _missing(field: str, severity: Severity, why: str) -> Finding:
    return Finding(
        check=f"missing.{field}",
        severity=severity,
        field=field,
        message=f"{item(field)} is missing: {why}.",
    )
