"""Eligibility (受検資格) from the table: the result follows the data, not code."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from kentei.records.codes import Grade, Term
from kentei.review import (
    EligibilityTable,
    Finding,
    Severity,
    automatic_checks,
    load_eligibility_table,
)

from .factory import TRAINEE, application, attachment, form

DOCUMENTS = (attachment("1級合格証書.pdf"), attachment("計画認定.pdf"))


def eligibility(table: EligibilityTable | None = None, /, **changes: Any) -> dict[str, Finding]:
    """Eligibility findings (and the term and years items they judge) for the form."""
    findings = automatic_checks(application(form(**changes), attachments=DOCUMENTS), table=table)
    about = {"eligibility.", "inconsistent.term", "missing.years_of_experience"}
    return {f.check: f for f in findings if any(f.check.startswith(a) for a in about)}


def table_with(*grades: dict[str, Any]) -> EligibilityTable:
    return EligibilityTable.model_validate(
        {
            "version": "test",
            "maintained_by": "test",
            "sources": ["test"],
            "note": "",
            "grades": list(grades),
        }
    )


# the shipped table -------------------------------------------------------------------------


def test_the_shipped_table_validates_covers_every_grade_and_is_read_once() -> None:
    table = load_eligibility_table()

    assert table is load_eligibility_table()
    assert {rule.grade for rule in table.grades} == set(Grade)
    assert table.sources


@pytest.mark.parametrize(
    ("grade", "years", "expected"),
    [
        ("1級", 7, {}),
        ("1級", 3, {"eligibility.conditional_route": Severity.WARNING}),
        ("1級", 0, {"eligibility.experience": Severity.BLOCKING}),
        ("1級", None, {"missing.years_of_experience": Severity.BLOCKING}),
        ("2級", 2, {}),
        ("2級", 1, {"eligibility.conditional_route": Severity.WARNING}),
        ("2級", None, {"missing.years_of_experience": Severity.BLOCKING}),
        ("3級", None, {}),
        ("3級", 0, {}),
        ("単一等級", 3, {}),
        ("単一等級", 2, {"eligibility.conditional_route": Severity.WARNING}),
        ("特級", 5, {"eligibility.conditional_route": Severity.WARNING}),
        ("特級", 4, {"eligibility.experience": Severity.BLOCKING}),
    ],
)
def test_regular_grades_against_the_experience_declared(
    grade: str, years: int | None, expected: dict[str, Severity]
) -> None:
    # 特級 is held in 後期 only (domain.md; the exam rounds say the same).
    term = "後期" if grade == "特級" else None
    changes = {"term": term} if term else {}
    found = eligibility(grade=grade, years_of_experience=years, birth_date="1970-01-01", **changes)

    assert {check: f.severity for check, f in found.items()} == expected


def test_special_grade_is_held_in_the_second_term_only() -> None:
    found = eligibility(grade="特級", years_of_experience=5, term="前期")

    assert found["inconsistent.term"].severity is Severity.BLOCKING


def test_given_too_few_years_then_the_message_gives_the_shortest_route_not_the_form() -> None:
    finding = eligibility(grade="特級", years_of_experience=4, term="後期")[
        "eligibility.experience"
    ]

    assert "5 years" in finding.message
    assert finding.field == "years_of_experience"


def test_given_a_conditional_route_then_the_message_names_what_to_confirm() -> None:
    finding = eligibility(grade="特級", years_of_experience=6, term="後期")[
        "eligibility.conditional_route"
    ]

    assert "a pass of 1級" in finding.message


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        ("基礎級", {}),
        ("随時3級", {"eligibility.conditional_route": Severity.WARNING}),
        ("随時2級", {"eligibility.conditional_route": Severity.WARNING}),
    ],
)
def test_trainee_grades_for_a_trainee(grade: str, expected: dict[str, Severity]) -> None:
    found = eligibility(**{**TRAINEE, "grade": grade})

    assert {check: f.severity for check, f in found.items()} == expected


def test_given_a_trainee_grade_without_trainee_items_then_blocking() -> None:
    found = eligibility(grade="基礎級", term="随時")

    assert found["eligibility.trainees_only"].severity is Severity.BLOCKING


@pytest.mark.parametrize("grade", ["基礎1級", "基礎2級"])
def test_given_a_grade_no_longer_held_then_blocking(grade: str) -> None:
    assert eligibility(grade=grade)["eligibility.grade_not_offered"].severity is Severity.BLOCKING


@pytest.mark.parametrize(("grade", "term"), [("1級", "随時"), ("基礎級", "前期")])
def test_given_a_term_the_grade_is_not_held_in_then_blocking(grade: str, term: str) -> None:
    changes = TRAINEE if grade == "基礎級" else {}
    found = eligibility(**{**changes, "grade": grade, "term": term})

    assert found["inconsistent.term"].severity is Severity.BLOCKING


def test_given_no_grade_then_eligibility_is_not_judged() -> None:
    assert eligibility(grade=None) == {}


# custom tables: the data decides -----------------------------------------------------------


def test_given_a_stricter_custom_table_then_the_same_form_fails_it() -> None:
    strict = table_with(
        {"grade": "2級", "terms": ["前期"], "routes": [{"label": "十年", "min_years": 10}]}
    )

    assert eligibility(years_of_experience=4) == {}
    assert eligibility(strict, years_of_experience=4)["eligibility.experience"].severity is (
        Severity.BLOCKING
    )
    assert eligibility(strict, years_of_experience=10) == {}


def test_given_a_custom_table_with_another_route_then_it_is_offered_to_staff() -> None:
    table = table_with(
        {
            "grade": "2級",
            "terms": ["前期"],
            "routes": [
                {"label": "実務経験のみ", "min_years": 10},
                {"label": "講習修了", "min_years": 1, "requires": "指定講習の修了"},
            ],
        }
    )

    finding = eligibility(table, years_of_experience=4)["eligibility.conditional_route"]

    assert "指定講習の修了 (講習修了)" in finding.message


def test_given_a_custom_table_holding_the_grade_in_another_term_then_the_term_is_wrong() -> None:
    table = table_with(
        {"grade": "2級", "terms": ["後期"], "routes": [{"label": "x", "min_years": 0}]}
    )

    assert set(eligibility(table)) == {"inconsistent.term"}


def test_given_a_custom_table_without_the_grade_then_staff_judge() -> None:
    table = table_with(
        {"grade": "1級", "terms": ["前期"], "routes": [{"label": "x", "min_years": 0}]}
    )

    assert eligibility(table)["eligibility.no_rule"].severity is Severity.WARNING


@pytest.mark.parametrize(
    "grades",
    [
        [{"grade": "2級", "terms": ["前期"], "routes": []}],
        [{"grade": "2級", "terms": [], "routes": [{"label": "x", "min_years": 0}]}],
        [{"grade": "2級", "terms": ["前期"], "routes": [{"label": "x", "min_years": -1}]}],
        [
            {
                "grade": "2級",
                "terms": ["前期"],
                "routes": [{"label": "x", "min_years": 0, "prior_passes": ["2級"]}],
            }
        ],
        [{"grade": "5級", "terms": ["前期"], "routes": [{"label": "x", "min_years": 0}]}],
        [
            {
                "grade": "2級",
                "terms": ["前期"],
                "routes": [{"label": "x", "min_years": 0}],
                "extra": 1,
            }
        ],
        [
            {"grade": "2級", "terms": ["前期"], "routes": [{"label": "x", "min_years": 0}]},
            {"grade": "2級", "terms": ["後期"], "routes": [{"label": "y", "min_years": 0}]},
        ],
    ],
)
def test_given_an_ill_formed_table_then_it_is_refused(grades: list[dict[str, Any]]) -> None:
    with pytest.raises(ValidationError):
        table_with(*grades)


def test_a_grade_not_offered_needs_no_routes() -> None:
    table = table_with({"grade": "基礎1級", "offered": False})

    assert table.rule_for(Grade.BASIC_FIRST) is not None
    assert table.rule_for(Grade.FIRST) is None


def test_the_shipped_trainee_grades_are_held_any_time_and_the_others_by_term() -> None:
    table = load_eligibility_table()

    for rule in table.grades:
        if rule.offered:
            assert (Term.ANYTIME in rule.terms) == rule.trainees_only, rule.grade
