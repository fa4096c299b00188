"""Each rule of the catalogue refuses a crafted bad file, naming the problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kentei.exams.check import first_problem, shipped_text
from kentei.exams.parts import ComponentKind, PracticalComponent, WrittenFormat
from kentei.exams.rounds import ROUNDS_FILE

from .data import catalogue, catalogue_doc, trade

Doc = dict[str, Any]


def _duplicate_trade(doc: Doc) -> None:
    doc["trades"].append(json.loads(json.dumps(doc["trades"][0])))


def _duplicate_work(doc: Doc) -> None:
    works = trade(doc, "0101")["works"]
    works.append({**works[0], "name": "別名"})


def _foreign_work(doc: Doc) -> None:
    trade(doc, "0101")["works"][0]["code"] = "999901"


def _duplicate_grade(doc: Doc) -> None:
    grades = trade(doc, "0701")["works"][0]["grades"]
    grades.append(grades[0])


def _unknown_grade(doc: Doc) -> None:
    trade(doc, "0701")["works"][0]["grades"][0]["grade"] = "4級"


def _on_demand_grade(doc: Doc) -> None:
    trade(doc, "0701")["works"][0]["grades"][0]["grade"] = "随時3級"


def _special_in_a_work(doc: Doc) -> None:
    trade(doc, "0701")["works"][0]["grades"][0]["grade"] = "特級"


def _tiered_grade_for_the_trade(doc: Doc) -> None:
    trade(doc, "0101")["grades"][0]["grade"] = "1級"


def _single_with_tiers(doc: Doc) -> None:
    grades = trade(doc, "0501")["works"][0]["grades"]
    grades.append({**grades[0], "grade": "2級"})


def _no_written_format(doc: Doc) -> None:
    del doc["written_formats"]["3級"]


def _written_format_of_no_catalogue_grade(doc: Doc) -> None:
    doc["written_formats"]["随時2級"] = doc["written_formats"]["2級"]


def _duplicate_elective(doc: Doc) -> None:
    offer = trade(doc, "0101")["works"][0]["grades"][0]
    offer["electives"] = [{"code": "A", "name": "甲"}, {"code": "A", "name": "乙"}]


def _unknown_field(doc: Doc) -> None:
    trade(doc, "0401")["works"][0]["fee"] = 17900


def _no_practical(doc: Doc) -> None:
    trade(doc, "0401")["works"][0]["grades"][0]["practical"] = []


def _bad_trade_code(doc: Doc) -> None:
    trade(doc, "0401")["code"] = "41"


BAD: dict[str, tuple[Callable[[Doc], None], str]] = {
    "duplicate trade": (_duplicate_trade, "duplicate trade code: 0101"),
    "duplicate work": (_duplicate_work, "duplicate work code: 010101"),
    "work of another trade": (_foreign_work, "does not start with its trade code"),
    "duplicate grade": (_duplicate_grade, "duplicate grade of work 070101"),
    "unknown grade": (_unknown_grade, "Input should be"),
    "on-demand grade": (_on_demand_grade, "not a catalogue grade"),
    "特級 in a work": (_special_in_a_work, "offered by the trade, not a work"),
    "1級 for a trade": (_tiered_grade_for_the_trade, "offered per work"),
    "単一等級 with 2級": (_single_with_tiers, "単一等級 excludes the tiered grades"),
    "no written format": (_no_written_format, "no written format for offered grade(s) 3級"),
    "format of 随時2級": (_written_format_of_no_catalogue_grade, "not a catalogue grade"),
    "duplicate elective": (_duplicate_elective, "duplicate elective code: A"),
    "unknown field": (_unknown_field, "Extra inputs are not permitted"),
    "no practical component": (_no_practical, "at least 1 item"),
    "bad trade code": (_bad_trade_code, "should match pattern"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_catalogue_is_refused(case: str) -> None:
    mutate, message = BAD[case]
    doc = catalogue_doc()
    mutate(doc)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        catalogue(doc)


def test_the_check_names_the_catalogue_first() -> None:
    doc = catalogue_doc()
    _single_with_tiers(doc)
    problem = first_problem(json.dumps(doc, ensure_ascii=False), shipped_text(ROUNDS_FILE))
    assert problem is not None
    assert problem.startswith("catalogue.json: trades.")
    assert "単一等級 excludes the tiered grades" in problem


def test_a_round_of_a_grade_nobody_offers_is_refused() -> None:
    doc = catalogue_doc()
    doc["trades"] = [t for t in doc["trades"] if t["code"] != "0501"]
    problem = first_problem(json.dumps(doc, ensure_ascii=False), shipped_text(ROUNDS_FILE))
    assert problem == (
        "rounds.json: 2026年度前期: 単一等級 is held but no work of the catalogue offers it"
    )


MINUTES = st.integers(min_value=1, max_value=24 * 60)


@given(standard=MINUTES, cutoff=MINUTES)
def test_the_cut_off_never_comes_before_the_standard_time(standard: int, cutoff: int) -> None:
    def component() -> PracticalComponent:
        return PracticalComponent(
            kind=ComponentKind.PRODUCTION,
            standard_minutes=standard,
            cutoff_minutes=cutoff,
            confirmed=True,
        )

    if cutoff >= standard:
        assert component().cutoff_minutes == cutoff
    else:
        with pytest.raises(ValidationError, match="cut-off time cannot come before"):
            component()


@pytest.mark.parametrize("kind", [ComponentKind.JUDGEMENT, ComponentKind.PLANNING])
def test_only_production_has_standard_and_cut_off_times(kind: ComponentKind) -> None:
    with pytest.raises(ValidationError, match="has a test time"):
        PracticalComponent(kind=kind, cutoff_minutes=60, confirmed=True)
    assert PracticalComponent(kind=kind, minutes=60, confirmed=True).minutes == 60


def test_production_has_no_plain_test_time_and_no_standard_alone() -> None:
    with pytest.raises(ValidationError, match="not minutes"):
        PracticalComponent(kind=ComponentKind.PRODUCTION, minutes=60, confirmed=True)
    with pytest.raises(ValidationError, match="needs a cut-off time"):
        PracticalComponent(kind=ComponentKind.PRODUCTION, standard_minutes=60, confirmed=True)


@given(true_false=st.integers(0, 100), multiple_choice=st.integers(0, 100))
def test_a_written_test_has_questions(true_false: int, multiple_choice: int) -> None:
    def written() -> WrittenFormat:
        return WrittenFormat(
            true_false=true_false, multiple_choice=multiple_choice, confirmed=False
        )

    if true_false + multiple_choice:
        assert written().questions == true_false + multiple_choice
    else:
        with pytest.raises(ValidationError, match="at least one question"):
            written()


def test_the_models_are_frozen() -> None:
    written = WrittenFormat(true_false=30, multiple_choice=0, confirmed=True)
    with pytest.raises(ValidationError, match="frozen"):
        written.true_false = 31  # type: ignore[misc]
