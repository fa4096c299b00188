"""The exemption rules file: the shipped one loads; a bad one is refused at load."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import pytest
from pydantic import ValidationError

from kentei.exemptions.rules import (
    ExemptionRules,
    GradeRelation,
    ValidityStart,
    load_exemption_rules,
)
from kentei.records.codes import Grade
from kentei.review.documents import load_document_table
from kentei.roster.parts import Part


def _shipped() -> dict[str, Any]:
    text = resources.files("kentei.exemptions").joinpath("rules.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_the_shipped_rules_load_with_their_provenance() -> None:
    rules = load_exemption_rules()

    assert rules.sources
    assert all(rule.source for rule in rules.rules)
    assert {rule.part for rule in rules.rules} == set(Part)
    assert any(rule.grade is GradeRelation.HIGHER for rule in rules.rules)
    special = rules.validity_of(Grade.SPECIAL)
    assert special.years == 5
    assert special.unconfirmed
    for grade in (Grade.FIRST, Grade.SECOND, Grade.THIRD, Grade.SINGLE):
        assert rules.validity_of(grade).years is None


def test_the_evidence_words_are_those_review_looks_for() -> None:
    documents = {rule.code: rule for rule in load_document_table().documents}

    assert load_exemption_rules().evidence.name_hints == (
        documents["exemption_certificate"].name_hints
    )


def _refused(data: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        ExemptionRules.model_validate_json(json.dumps(data))


def test_a_rule_across_works_is_refused() -> None:
    data = _shipped()
    data["rules"][1]["same"] = ["trade"]

    _refused(data, "never crosses trades or works")


def test_a_grade_without_validity_is_refused() -> None:
    data = _shipped()
    data["validity"][0]["grades"] = ["1級", "2級", "3級"]

    _refused(data, "missing: 単一等級")


def test_a_grade_with_two_validities_is_refused() -> None:
    data = _shipped()
    data["validity"][1]["grades"] = ["特級", "1級"]

    _refused(data, "named twice")


def test_years_without_a_start_point_are_refused() -> None:
    data = _shipped()
    del data["validity"][1]["starts_at"]

    _refused(data, "needs its start")


def test_an_unknown_field_a_duplicate_code_or_an_unknown_grade_is_refused() -> None:
    data = _shipped()
    data["rules"][0]["expires"] = True
    _refused(data, "Extra inputs")

    data = _shipped()
    data["rules"].append(data["rules"][0])
    _refused(data, "only once")

    data = _shipped()
    data["grade_ranks"][0]["grade"] = "超級"
    _refused(data, "grade_ranks")


def test_a_rule_without_its_source_is_refused() -> None:
    data = _shipped()
    del data["rules"][0]["source"]

    _refused(data, "source")


def test_the_five_years_start_at_the_configured_point() -> None:
    special = load_exemption_rules().validity_of(Grade.SPECIAL)
    passed, announced = dt.date(2024, 2, 29), dt.date(2024, 3, 15)

    by_pass = special.model_copy(update={"starts_at": ValidityStart.PASS_DATE})
    by_announcement = special.model_copy(update={"starts_at": ValidityStart.ANNOUNCEMENT_DATE})

    assert by_pass.ends_on(passed, announced) == dt.date(2029, 3, 1)
    assert by_announcement.ends_on(passed, announced) == dt.date(2029, 3, 15)
    assert by_announcement.ends_on(passed, None) == dt.date(2029, 3, 1)
