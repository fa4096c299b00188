"""Automatic checks on missing and inconsistent items, each from a minimal change to a form
that passes every check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from kentei.applications.model import Channel
from kentei.records.fields import JST
from kentei.review import Finding, Severity, automatic_checks, findings_as_reasons
from kentei.review.items import REQUIRED

from .factory import TRAINEE, application, attachment, form


def checks_of(**changes: Any) -> dict[str, Finding]:
    """The findings on the complete form with ``changes``, by check code."""
    findings = automatic_checks(application(form(**changes)))
    return {finding.check: finding for finding in findings}


def test_given_the_complete_form_then_no_finding() -> None:
    assert automatic_checks(application()) == ()


@pytest.mark.parametrize(("field", "severity"), [(f, s) for f, s, _ in REQUIRED])
def test_given_a_required_item_missing_then_it_is_named(field: str, severity: Severity) -> None:
    finding = checks_of(**{field: None})[f"missing.{field}"]

    assert finding.severity is severity
    assert finding.field == field
    assert field in finding.message


def test_given_a_form_of_another_prefecture_then_blocking() -> None:
    routed = application(form(prefecture_code="14"), prefecture_code="13")

    checks = {f.check: f for f in automatic_checks(routed)}

    assert checks["inconsistent.prefecture_code"].severity is Severity.BLOCKING


@pytest.mark.parametrize(
    ("fiscal_year", "expected"),
    [(2024, Severity.BLOCKING), (2025, None), (2026, None), (2027, Severity.WARNING)],
)
def test_fiscal_year_against_the_date_received(fiscal_year: int, expected: Severity | None) -> None:
    finding = checks_of(fiscal_year=fiscal_year).get("inconsistent.fiscal_year")

    assert (finding and finding.severity) == expected


def test_given_a_march_receipt_then_the_fiscal_year_is_the_one_ending() -> None:
    march = datetime(2026, 3, 15, 10, 0, tzinfo=JST)

    findings = automatic_checks(application(form(fiscal_year=2025), received_at=march))

    assert "inconsistent.fiscal_year" not in {f.check for f in findings}


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [("2010-04-02", True), ("2010-04-01", False), ("1925-04-01", True), ("1925-04-02", False)],
)
def test_given_an_implausible_age_at_the_fiscal_year_start_then_a_warning(
    birth_date: str, expected: bool
) -> None:
    finding = checks_of(birth_date=birth_date, years_of_experience=0).get("inconsistent.birth_date")

    assert (finding is not None) == expected
    assert finding is None or finding.severity is Severity.WARNING


@pytest.mark.parametrize(("years", "expected"), [(14, False), (15, True)])
def test_given_more_experience_than_working_years_then_a_warning(
    years: int, expected: bool
) -> None:
    # Born 1995-06-15: 29 when fiscal 2025 begins, so at most 14 years since turning 15.
    checks = checks_of(birth_date="1995-06-15", years_of_experience=years)

    assert ("inconsistent.years_of_experience" in checks) == expected


def test_given_one_part_only_without_the_exemption_stated_then_a_warning() -> None:
    checks = checks_of(exam_category="実技のみ")

    assert checks["missing.course_or_exemption"].severity is Severity.WARNING
    assert "missing.course_or_exemption" not in checks_of(
        exam_category="実技のみ", course_or_exemption="学科免除"
    )


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"employer_name": None}, "missing.employer_name"),
        ({"employer_address": None}, "missing.employer_address"),
        ({"employer_postal_code": None}, "missing.employer_postal_code"),
    ],
)
def test_given_partial_employer_items_then_a_warning(changes: dict[str, Any], check: str) -> None:
    assert checks_of(**changes)[check].severity is Severity.WARNING


def test_given_no_employer_at_all_then_no_finding() -> None:
    assert not checks_of(employer_name=None, employer_postal_code=None, employer_address=None)


# foreign nationals and trainees ------------------------------------------------------------


def trainee_checks(**changes: Any) -> dict[str, Finding]:
    applicant = form(**{**TRAINEE, **changes})
    named = (attachment("技能実習計画認定通知書.pdf"),)
    return {f.check: f for f in automatic_checks(application(applicant, attachments=named))}


def test_given_a_complete_trainee_application_then_no_finding() -> None:
    assert trainee_checks() == {}


def test_given_a_foreign_national_without_residence_card_items_then_warnings() -> None:
    checks = checks_of(nationality="アメリカ合衆国")

    assert checks["missing.residence_card_number"].severity is Severity.WARNING
    assert checks["missing.residence_expiry_date"].severity is Severity.WARNING


@pytest.mark.parametrize("field", ["residence_card_number", "residence_expiry_date"])
def test_given_a_trainee_without_a_residence_card_item_then_blocking(field: str) -> None:
    assert trainee_checks(**{field: None})[f"missing.{field}"].severity is Severity.BLOCKING


@pytest.mark.parametrize(
    "field",
    [
        "trainee_exam_category",
        "training_plan_approval_number",
        "training_implementer_name",
        "training_site_name",
    ],
)
def test_given_some_trainee_items_without_the_others_then_blocking(field: str) -> None:
    assert trainee_checks(**{field: None})[f"missing.{field}"].severity is Severity.BLOCKING


def test_given_residence_items_without_nationality_then_a_warning() -> None:
    checks = checks_of(residence_card_number="AB12345678CD", residence_expiry_date="2027-01-01")

    assert checks["missing.nationality"].severity is Severity.WARNING


@pytest.mark.parametrize("japan", ["日本", "日本国", "JAPAN", "Jpn"])
def test_given_japanese_nationality_with_trainee_items_then_blocking(japan: str) -> None:
    assert trainee_checks(nationality=japan)["inconsistent.nationality"].severity is (
        Severity.BLOCKING
    )


@pytest.mark.parametrize(
    ("expiry", "expected"),
    [
        ("2025-05-11", Severity.BLOCKING),  # the day before receipt
        ("2025-05-12", None),
        ("2027-03-31", None),
    ],
)
def test_residence_expiry_against_receipt(expiry: str, expected: Severity | None) -> None:
    finding = trainee_checks(entry_date="2024-10-01", residence_expiry_date=expiry).get(
        "inconsistent.residence_expiry_date"
    )

    assert (finding and finding.severity) == expected


def test_given_a_stay_ending_before_the_exam_fiscal_year_then_a_warning() -> None:
    finding = trainee_checks(fiscal_year=2026, residence_expiry_date="2026-03-31")[
        "inconsistent.residence_expiry_date"
    ]

    assert finding.severity is Severity.WARNING


# as reasons --------------------------------------------------------------------------------


def test_given_findings_then_the_blocking_ones_become_reasons() -> None:
    findings = automatic_checks(application(form(name_kana=None, phone=None)))

    reasons = findings_as_reasons(findings)
    everything = findings_as_reasons(findings, include_warnings=True)

    assert [r.code for r in reasons] == ["missing.name_kana"]
    assert reasons[0].field == "name_kana"
    assert [r.code for r in everything] == ["missing.name_kana", "missing.phone"]


def test_blocking_findings_come_first() -> None:
    findings = automatic_checks(application(form(phone=None, grade=None)))

    assert [f.severity for f in findings] == [Severity.BLOCKING, Severity.WARNING]


def test_given_a_paper_application_then_the_same_item_checks_apply() -> None:
    paper = application(form(name_kana=None), channel=Channel.PAPER)

    assert {f.check for f in automatic_checks(paper)} == {"missing.name_kana"}
