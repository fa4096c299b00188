"""Each rule of the rounds refuses a crafted bad file, naming the problem."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kentei.records.codes import Grade, Term

from .data import regular, rounds, rounds_doc

Doc = dict[str, Any]


def _first(doc: Doc) -> Doc:
    return regular(doc, 2026, "前期")


def _second(doc: Doc) -> Doc:
    return regular(doc, 2026, "後期")


def _special_in_first_term(doc: Doc) -> None:
    one = _first(doc)
    one["grades"].append("特級")
    one["written_dates"]["特級"] = one["written_dates"]["1級"]
    one["announcements"]["特級"] = one["announcements"]["1級"]


def _duplicate_round(doc: Doc) -> None:
    doc["regular"].append(_first(doc))


def _duplicate_on_demand(doc: Doc) -> None:
    doc["on_demand"].append(doc["on_demand"][0])


def _window_into_exams(doc: Doc) -> None:
    _first(doc)["application"]["closes"] = "2026-06-10T17:00:00+09:00"


def _window_backwards(doc: Doc) -> None:
    _first(doc)["application"]["opens"] = "2026-04-18T09:00:00+09:00"


def _naive_instant(doc: Doc) -> None:
    _first(doc)["application"]["opens"] = "2026-04-06T09:00:00"


def _period_backwards(doc: Doc) -> None:
    _first(doc)["practical_period"]["end"] = "2026-05-01"


def _missing_written_date(doc: Doc) -> None:
    del _first(doc)["written_dates"]["2級"]


def _written_date_of_a_grade_not_held(doc: Doc) -> None:
    _first(doc)["written_dates"]["特級"] = "2026-08-23"


def _announced_before_sat(doc: Doc) -> None:
    _first(doc)["announcements"]["2級"] = "2026-08-01"


def _third_announced_last(doc: Doc) -> None:
    _second(doc)["announcements"]["3級"] = "2027-03-19"


def _on_demand_first_grade(doc: Doc) -> None:
    doc["on_demand"][0]["grades"].append("1級")


def _three_attempts(doc: Doc) -> None:
    doc["on_demand"][0]["max_attempts"] = 3


def _on_demand_window_after_period(doc: Doc) -> None:
    doc["on_demand"][0]["application"]["closes"] = "2027-03-25T17:00:00+09:00"


def _on_demand_exams_before_applications(doc: Doc) -> None:
    doc["on_demand"][0]["practical_period"]["start"] = "2026-04-01"
    doc["on_demand"][0]["application"]["opens"] = "2026-04-02T09:00:00+09:00"


def _term_mismatch(doc: Doc) -> None:
    doc["on_demand"][0]["term"] = "前期"


def _duplicate_grade(doc: Doc) -> None:
    _first(doc)["grades"].append("1級")


BAD: dict[str, tuple[Callable[[Doc], None], str]] = {
    "特級 in 前期": (_special_in_first_term, "特級 is held in 後期 only"),
    "duplicate round": (_duplicate_round, "duplicate round 2026年度前期"),
    "duplicate on-demand round": (_duplicate_on_demand, "duplicate round 2026年度随時"),
    "window into the exams": (_window_into_exams, "closes after exams start"),
    "window backwards": (_window_backwards, "closes before it opens"),
    "naive instant": (_naive_instant, "timezone info"),
    "period backwards": (_period_backwards, "period ends"),
    "missing written date": (_missing_written_date, "a written date for each grade held"),
    "written date of a grade not held": (
        _written_date_of_a_grade_not_held,
        "a written date for each grade held",
    ),
    "announced before sat": (_announced_before_sat, "2級 announced before it is sat"),
    "3級 announced last": (_third_announced_last, "3級 announced after the other grades"),
    "1級 on demand": (_on_demand_first_grade, "1級 is not held in this kind of round"),
    "three attempts": (_three_attempts, "less than or equal to 2"),
    "on-demand window after the period": (_on_demand_window_after_period, "after the last exam"),
    "on-demand exams first": (_on_demand_exams_before_applications, "before applications open"),
    "on-demand round as 前期": (_term_mismatch, "Input should be"),
    "duplicate grade": (_duplicate_grade, "duplicate grade 1級"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_rounds_file_is_refused(case: str) -> None:
    mutate, message = BAD[case]
    doc = rounds_doc()
    mutate(doc)
    with pytest.raises(ValidationError, match=message):
        rounds(doc)


FISCAL_2026 = (date(2026, 4, 1), date(2027, 3, 31))
OUTSIDE_2026 = st.one_of(
    st.dates(date(2020, 1, 1), FISCAL_2026[0] - timedelta(days=1)),
    st.dates(FISCAL_2026[1] + timedelta(days=1), date(2032, 12, 31)),
)


@given(day=OUTSIDE_2026, grade=st.sampled_from(["特級", "1級", "2級", "3級", "単一等級"]))
def test_no_announcement_outside_its_fiscal_year(day: date, grade: str) -> None:
    doc = rounds_doc()
    _second(doc)["announcements"][grade] = day.isoformat()
    with pytest.raises(ValidationError, match=r"outside the fiscal year|announced"):
        rounds(doc)


@given(day=OUTSIDE_2026)
def test_no_practical_period_ends_outside_its_fiscal_year(day: date) -> None:
    doc = rounds_doc()
    doc["on_demand"][0]["practical_period"]["end"] = day.isoformat()
    with pytest.raises(ValidationError, match=r"outside the fiscal year|period ends|last exam"):
        rounds(doc)


@given(day=st.dates(date(2026, 4, 1), date(2026, 6, 2)))
def test_a_written_date_comes_after_the_window_and_before_the_announcement(day: date) -> None:
    """前期 2026: the window closes on 17 April, practical tests start on 3 June."""
    doc = rounds_doc()
    _first(doc)["written_dates"]["3級"] = day.isoformat()
    if day <= date(2026, 4, 17):
        with pytest.raises(ValidationError, match="3級 written test inside the window"):
            rounds(doc)
    else:
        assert rounds(doc).round_for(2026, Term.FIRST).is_written_date(day, Grade.THIRD)


@given(days_after_others=st.integers(-30, 30))
def test_grade_3_is_never_announced_after_the_others(days_after_others: int) -> None:
    """前期 2026: the others are announced on 2 October; 3級's written test is on 19 July."""
    doc = rounds_doc()
    day = date(2026, 10, 2) + timedelta(days=days_after_others)
    _first(doc)["announcements"]["3級"] = day.isoformat()
    if days_after_others > 0:
        with pytest.raises(ValidationError, match="3級 announced after the other grades"):
            rounds(doc)
    else:
        assert rounds(doc).regular[0].announcements[Grade.THIRD] == day
