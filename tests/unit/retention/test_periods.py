"""Retention periods in Japan time: never one day (or one instant) short, across period
boundaries, leap days and fiscal-year starts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentei.retention.kinds import Counting
from kentei.retention.periods import (
    APRIL_FIRST,
    JST,
    PERMANENT,
    FiscalYearStart,
    Period,
    at_least,
    corresponding_day,
    deletable_from,
    due,
)

ONE_US = dt.timedelta(microseconds=1)
UTC = dt.UTC

instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31), timezones=st.just(UTC)
)
"""Any instant this century, given in UTC (its day in Japan may be the next one)."""
leap_days = st.integers(2000, 2096).filter(lambda y: y % 4 == 0).map(lambda y: dt.date(y, 2, 29))
periods = (
    st.tuples(st.integers(0, 10), st.integers(0, 30), st.integers(0, 400))
    .filter(any)
    .map(lambda t: Period(years=t[0], months=t[1], days=t[2]))
)


def _jst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=JST)


def _at_day_in_jst(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), JST) + dt.timedelta(seconds=seconds)


# Worked examples (the module's documentation)


@pytest.mark.parametrize(
    ("event", "years", "first"),
    [
        (_jst(2026, 10, 3, 14), 5, _jst(2032, 4, 1)),  # fiscal 2026: 2027-04-01 to 2032-03-31
        (_jst(2027, 3, 31, 23, 59), 5, _jst(2032, 4, 1)),  # still fiscal 2026
        (_jst(2027, 4, 1), 5, _jst(2033, 4, 1)),  # fiscal 2027
        # 2027-03-31 15:30 UTC is 2027-04-01 00:30 in Japan: fiscal 2027.
        (dt.datetime(2027, 3, 31, 15, 30, tzinfo=UTC), 1, _jst(2029, 4, 1)),
        (_jst(2028, 2, 29, 9), 1, _jst(2029, 4, 1)),  # fiscal 2027
    ],
)
def test_given_a_fiscal_year_count_when_its_years_are_over_then_it_is_deletable_on_1_april(
    event: dt.datetime, years: int, first: dt.datetime
) -> None:
    assert deletable_from(Period(years=years), Counting.FISCAL_YEAR, event) == first


@pytest.mark.parametrize(
    ("event", "period", "first"),
    [
        (_jst(2025, 1, 15, 10), Period(years=1), _jst(2026, 1, 16)),
        (_jst(2024, 2, 29, 10), Period(years=1), _jst(2025, 3, 1)),  # no 2025-02-29
        (_jst(2024, 2, 28, 10), Period(years=1), _jst(2025, 3, 1)),  # from 29 Feb: to its end
        (_jst(2023, 2, 28, 10), Period(years=1), _jst(2024, 3, 1)),  # from 1 Mar 2023
        (_jst(2024, 4, 30, 10), Period(months=1), _jst(2024, 6, 1)),  # all of May
        (_jst(2024, 1, 30, 10), Period(months=1), _jst(2024, 3, 1)),  # no 31 Feb
        (_jst(2024, 1, 28, 10), Period(months=1), _jst(2024, 2, 29)),
        (_jst(2024, 12, 31, 23, 59), Period(days=1), _jst(2025, 1, 2)),
        (_jst(2024, 3, 31, 8), Period(years=1, months=1, days=2), _jst(2025, 5, 3)),
    ],
)
def test_given_a_calendar_count_then_the_event_day_is_not_counted_and_the_day_end_is_kept(
    event: dt.datetime, period: Period, first: dt.datetime
) -> None:
    assert deletable_from(period, Counting.CALENDAR, event) == first


def test_given_elapsed_days_then_it_is_deletable_that_many_days_after_the_instant() -> None:
    event = dt.datetime(2026, 1, 1, 3, 4, 5, 6, tzinfo=UTC)
    first = deletable_from(Period(days=30), Counting.ELAPSED, event)
    assert first == event + dt.timedelta(days=30)
    assert first is not None
    assert first.tzinfo == JST


def test_given_a_permanent_period_then_it_is_never_deletable() -> None:
    event = _jst(2000, 1, 1)
    assert deletable_from(PERMANENT, Counting.CALENDAR, event) is None
    assert not due(PERMANENT, Counting.CALENDAR, event, _jst(2999, 1, 1))


def test_given_a_naive_instant_or_a_period_its_counting_cannot_count_then_it_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deletable_from(Period(years=1), Counting.CALENDAR, dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        due(Period(years=1), Counting.CALENDAR, _jst(2026, 1, 1), dt.datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="whole years"):
        deletable_from(Period(months=6), Counting.FISCAL_YEAR, _jst(2026, 1, 1))
    with pytest.raises(ValueError, match="days only"):
        deletable_from(Period(years=1), Counting.ELAPSED, _jst(2026, 1, 1))
    with pytest.raises(ValueError, match="nothing"):
        Period()


# Properties across every boundary


@given(event=instants, period=periods)
def test_an_instant_before_the_first_is_not_due_and_the_first_is(
    event: dt.datetime, period: Period
) -> None:
    for counting in (Counting.CALENDAR, Counting.FISCAL_YEAR, Counting.ELAPSED):
        try:
            first = deletable_from(period, counting, event)
        except ValueError:
            continue  # a period this counting does not count
        assert first is not None
        assert not due(period, counting, event, first - ONE_US)
        assert due(period, counting, event, first)
        assert first > event


@given(event=instants, years=st.integers(1, 30))
def test_n_calendar_years_keep_the_whole_corresponding_day_and_end_with_it(
    event: dt.datetime, years: int
) -> None:
    period = Period(years=years)
    first_counted = event.astimezone(JST).date() + dt.timedelta(days=1)  # 初日不算入
    try:
        last_day = first_counted.replace(year=first_counted.year + years) - dt.timedelta(days=1)
    except ValueError:  # from 29 February into a common year: February's end
        last_day = dt.date(first_counted.year + years, 2, 28)
    end_of_last_day = dt.datetime.combine(last_day, dt.time.max, JST)
    assert not due(period, Counting.CALENDAR, event, end_of_last_day)
    assert due(period, Counting.CALENDAR, event, end_of_last_day + ONE_US)


@given(day=leap_days, seconds=st.integers(0, 86399), years=st.integers(1, 12))
def test_a_record_of_29_february_is_kept_until_the_end_of_february(
    day: dt.date, seconds: int, years: int
) -> None:
    event = _at_day_in_jst(day, seconds)
    first = deletable_from(Period(years=years), Counting.CALENDAR, event)
    assert first == _jst(day.year + years, 3, 1)
    assert not due(Period(years=years), Counting.CALENDAR, event, first - ONE_US)


@given(event=instants, years=st.integers(1, 30))
def test_n_fiscal_years_end_on_31_march_and_never_before_n_calendar_years(
    event: dt.datetime, years: int
) -> None:
    first = deletable_from(Period(years=years), Counting.FISCAL_YEAR, event)
    assert first is not None
    assert (first.month, first.day, first.hour, first.minute, first.second) == (4, 1, 0, 0, 0)
    fiscal_year = APRIL_FIRST.of(event.astimezone(JST).date())
    assert first.year == fiscal_year + 1 + years
    calendar_first = deletable_from(Period(years=years), Counting.CALENDAR, event)
    assert calendar_first is not None
    assert first >= calendar_first
    # Never more than a fiscal year beyond the calendar count.
    assert first - calendar_first <= dt.timedelta(days=366)


@given(year=st.integers(2000, 2090), years=st.integers(1, 10))
def test_the_last_instant_of_a_fiscal_year_and_the_first_of_the_next_are_a_year_apart(
    year: int, years: int
) -> None:
    last = _jst(year, 4, 1) - ONE_US
    first = _jst(year, 4, 1)
    period = Period(years=years)
    assert deletable_from(period, Counting.FISCAL_YEAR, last) == _jst(year + years, 4, 1)
    assert deletable_from(period, Counting.FISCAL_YEAR, first) == _jst(year + 1 + years, 4, 1)


@given(year=st.integers(2000, 2090), month=st.integers(1, 12), years=st.integers(1, 10))
def test_a_fiscal_year_may_start_on_another_day(year: int, month: int, years: int) -> None:
    start = FiscalYearStart(month=month, day=1)
    on_start = _jst(year, month, 1)
    first = deletable_from(Period(years=years), Counting.FISCAL_YEAR, on_start, start)
    assert first == _jst(year + 1 + years, month, 1)
    before = deletable_from(Period(years=years), Counting.FISCAL_YEAR, on_start - ONE_US, start)
    assert before == _jst(year + years, month, 1)


@given(earlier=instants, later=instants, period=periods)
def test_a_later_event_is_never_deletable_earlier(
    earlier: dt.datetime, later: dt.datetime, period: Period
) -> None:
    earlier, later = min(earlier, later), max(earlier, later)
    for counting in (Counting.CALENDAR, Counting.FISCAL_YEAR, Counting.ELAPSED):
        try:
            a = deletable_from(period, counting, earlier)
            b = deletable_from(period, counting, later)
        except ValueError:
            continue
        assert a is not None
        assert b is not None
        assert a <= b


@given(event=instants)
def test_the_same_instant_in_any_offset_gives_the_same_answer(event: dt.datetime) -> None:
    for counting, period in (
        (Counting.CALENDAR, Period(years=1, days=3)),
        (Counting.FISCAL_YEAR, Period(years=5)),
    ):
        in_utc = deletable_from(period, counting, event)
        in_jst = deletable_from(period, counting, event.astimezone(JST))
        in_ny = deletable_from(
            period, counting, event.astimezone(dt.timezone(-dt.timedelta(hours=5)))
        )
        assert in_utc == in_jst == in_ny


@given(start=st.dates(dt.date(2000, 1, 1), dt.date(2099, 1, 1)), months=st.integers(0, 600))
def test_the_corresponding_day_keeps_the_day_or_moves_to_the_next_month_start(
    start: dt.date, months: int
) -> None:
    day = corresponding_day(start, months)
    month_index = start.year * 12 + start.month - 1 + months
    if day.day == start.day:
        assert day.year * 12 + day.month - 1 == month_index
    else:
        assert day.day == 1
        assert day.year * 12 + day.month - 1 == month_index + 1


def countable(counting: Counting) -> st.SearchStrategy[Period]:
    """Small periods the counting counts, so that comparable pairs come often."""
    if counting is Counting.FISCAL_YEAR:
        return st.integers(1, 3).map(lambda n: Period(years=n))
    if counting is Counting.ELAPSED:
        return st.integers(1, 5).map(lambda n: Period(days=n))
    return (
        st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 5))
        .filter(any)
        .map(lambda t: Period(years=t[0], months=t[1], days=t[2]))
    )


rules = st.sampled_from([Counting.ELAPSED, Counting.CALENDAR, Counting.FISCAL_YEAR])


@given(data=st.data(), counting=rules, minimum_counting=rules, event=instants)
def test_a_period_at_least_its_minimum_never_ends_before_it(
    data: st.DataObject, counting: Counting, minimum_counting: Counting, event: dt.datetime
) -> None:
    period = data.draw(countable(counting))
    minimum = data.draw(countable(minimum_counting))
    ours = deletable_from(period, counting, event)
    least = deletable_from(minimum, minimum_counting, event)
    assert ours is not None
    assert least is not None
    if at_least(period, counting, minimum, minimum_counting):
        assert ours >= least


def test_at_least_is_strict_where_the_answer_depends_on_the_event() -> None:
    year, days_365 = Period(years=1), Period(days=365)
    assert not at_least(days_365, Counting.CALENDAR, year, Counting.CALENDAR)
    assert not at_least(Period(months=1), Counting.CALENDAR, Period(days=30), Counting.CALENDAR)
    assert not at_least(year, Counting.CALENDAR, year, Counting.FISCAL_YEAR)
    assert at_least(year, Counting.FISCAL_YEAR, year, Counting.CALENDAR)
    assert at_least(Period(days=31), Counting.CALENDAR, Period(days=30), Counting.ELAPSED)
    assert at_least(PERMANENT, Counting.CALENDAR, Period(years=30), Counting.FISCAL_YEAR)
    assert not at_least(Period(years=100), Counting.FISCAL_YEAR, PERMANENT, Counting.CALENDAR)
