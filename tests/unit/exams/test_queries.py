"""The queries answer from the shipped data (and from a crafted catalogue for electives)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentei.exams.catalogue import load_catalogue
from kentei.exams.errors import UnknownExamError
from kentei.exams.grades import content_grade
from kentei.exams.parts import ComponentKind
from kentei.exams.rounds import (
    OnDemandRound,
    Round,
    fiscal_year_bounds,
    fiscal_year_of,
    load_rounds,
)
from kentei.records.codes import Grade, Term
from kentei.records.fields import JST

from .data import catalogue, catalogue_doc, trade


def test_find_a_trade_and_a_work() -> None:
    found = load_catalogue()
    assert found.trade("0701").name == "建築大工"
    assert found.work("0701", "070101").name == "大工工事作業"
    assert [w.name for w in found.trade("0101").works] == ["普通旋盤作業", "フライス盤作業"]


@pytest.mark.parametrize(
    ("trade_code", "work_code", "grade", "field"),
    [
        ("9999", "999901", Grade.FIRST, "trade_code"),
        ("0701", "010101", Grade.FIRST, "work_code"),
        ("0701", "070101", Grade.SPECIAL, "grade"),
        ("0101", "010101", Grade.SPECIAL, "grade"),
        ("0101", None, Grade.FIRST, "work_code"),
        ("0401", "040101", Grade.BASIC, "grade"),
        ("0501", "050101", Grade.FIRST, "grade"),
    ],
)
def test_an_unknown_test_names_the_field(
    trade_code: str, work_code: str | None, grade: Grade, field: str
) -> None:
    with pytest.raises(UnknownExamError) as raised:
        load_catalogue().offer(trade_code, work_code, grade)
    assert raised.value.field == field
    assert not load_catalogue().offers_grade(trade_code, work_code, grade)


def test_the_parts_of_a_grade() -> None:
    parts = load_catalogue().parts("0701", "070101", Grade.FIRST)
    assert (parts.written.true_false, parts.written.multiple_choice) == (25, 25)
    (production,) = parts.practical
    assert production.kind is ComponentKind.PRODUCTION
    assert (production.standard_minutes, production.cutoff_minutes) == (330, 345)
    assert parts.licence is None
    assert not parts.elective_required


def test_a_grade_with_several_practical_components() -> None:
    parts = load_catalogue().parts("0301", "030101", Grade.FIRST)
    kinds = [component.kind for component in parts.practical]
    assert kinds == [ComponentKind.PRODUCTION, ComponentKind.JUDGEMENT]


def test_the_written_formats_per_grade() -> None:
    found = load_catalogue()
    special = found.parts("0101", None, Grade.SPECIAL).written
    assert (special.true_false, special.multiple_choice, special.minutes) == (0, 50, 120)
    third = found.parts("0101", "010101", Grade.THIRD).written
    assert (third.true_false, third.multiple_choice) == (30, 0)
    single = found.parts("0501", "050101", Grade.SINGLE).written
    assert single.questions == 50
    assert not found.parts("0101", "010101", Grade.BASIC).written.confirmed


@pytest.mark.parametrize(
    ("on_demand", "regular"),
    [(Grade.ANYTIME_THIRD, Grade.THIRD), (Grade.ANYTIME_SECOND, Grade.SECOND)],
)
def test_an_on_demand_grade_sits_its_regular_test(on_demand: Grade, regular: Grade) -> None:
    found = load_catalogue()
    assert content_grade(on_demand) is regular
    assert found.parts("0801", "080102", on_demand) == found.parts("0801", "080102", regular)


def test_single_grade_trades() -> None:
    single = {t.code for t in load_catalogue().trades if t.single_grade_only}
    assert single == {"0501"}


def test_whether_an_elective_is_required() -> None:
    assert not load_catalogue().elective_required("0101", "010101", Grade.SECOND)
    doc = catalogue_doc()
    offer = trade(doc, "0101")["works"][0]["grades"][1]
    offer["electives"] = [{"code": "A", "name": "甲"}, {"code": "B", "name": "乙"}]
    crafted = catalogue(doc)
    assert crafted.elective_required("0101", "010101", Grade.SECOND)
    assert crafted.parts("0101", "010101", Grade.SECOND).electives == ("甲", "乙")
    assert not crafted.elective_required("0101", "010101", Grade.FIRST)


def test_the_round_for_a_fiscal_year_and_term() -> None:
    rounds = load_rounds()
    first = rounds.round_for(2026, Term.FIRST)
    assert isinstance(first, Round)
    assert Grade.SPECIAL not in first.grades
    second = rounds.round_for(2027, Term.SECOND)
    assert isinstance(second, Round)
    assert Grade.SPECIAL in second.grades
    anytime = rounds.round_for(2026, Term.ANYTIME)
    assert isinstance(anytime, OnDemandRound)
    assert anytime.max_attempts == 2
    assert set(anytime.grades) == {Grade.BASIC, Grade.ANYTIME_THIRD, Grade.ANYTIME_SECOND}
    with pytest.raises(UnknownExamError) as raised:
        rounds.round_for(2028, Term.FIRST)
    assert raised.value.field == "term"


def test_third_grade_results_come_first_in_the_first_term() -> None:
    first = load_rounds().round_for(2026, Term.FIRST)
    assert isinstance(first, Round)
    assert first.announcement(Grade.THIRD) < first.announcement(Grade.FIRST)
    with pytest.raises(UnknownExamError):
        first.announcement(Grade.SPECIAL)


def test_a_day_inside_the_practical_period() -> None:
    first = load_rounds().round_for(2026, Term.FIRST)
    period = first.practical_period
    assert first.in_practical_period(period.start)
    assert first.in_practical_period(period.end)
    assert not first.in_practical_period(period.start - timedelta(days=1))
    assert not first.in_practical_period(period.end + timedelta(days=1))


def test_a_day_is_the_written_date_of_a_grade() -> None:
    first = load_rounds().round_for(2026, Term.FIRST)
    assert isinstance(first, Round)
    day = first.written_date(Grade.THIRD)
    assert first.is_written_date(day, Grade.THIRD)
    assert not first.is_written_date(day + timedelta(days=1), Grade.THIRD)
    assert not first.is_written_date(day, Grade.SPECIAL)
    anytime = load_rounds().round_for(2026, Term.ANYTIME)
    assert anytime.is_written_date(anytime.practical_period.start, Grade.BASIC)
    assert not anytime.is_written_date(anytime.practical_period.start, Grade.FIRST)


def test_the_window_open_at_an_instant() -> None:
    rounds = load_rounds()
    first = rounds.round_for(2026, Term.FIRST)
    window = first.application
    assert first.application_open(window.opens)
    assert not first.application_open(window.closes)
    assert not first.application_open(window.opens - timedelta(seconds=1))
    in_utc = (window.opens + timedelta(hours=1)).astimezone(UTC)
    open_now = rounds.open_for_application(in_utc)
    assert {(r.fiscal_year, r.term_value) for r in open_now} == {(2026, "前期"), (2026, "随時")}
    with pytest.raises(ValueError, match="aware"):
        first.application_open(datetime(2026, 4, 10, 12, 0))


def test_only_the_on_demand_round_takes_applications_in_summer() -> None:
    at = datetime(2026, 7, 1, 12, 0, tzinfo=JST)
    assert [r.term_value for r in load_rounds().open_for_application(at)] == ["随時"]


@given(day=st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_the_fiscal_year_runs_april_to_march(day: date) -> None:
    first, last = fiscal_year_bounds(fiscal_year_of(day))
    assert first <= day <= last
    assert (first.month, first.day, last.month, last.day) == (4, 1, 3, 31)
