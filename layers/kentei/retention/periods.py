"""Retention periods and their arithmetic, in Japan time: when a record may first be deleted.

A :class:`Period` is years, months and days, or :data:`PERMANENT`. How it is counted from its
event is a :class:`~kentei.retention.kinds.Counting` (data, in the schedule):

- ``fiscal_year`` (the prefectures' rule for public records, e.g. 東京都文書管理規則: 保存期間は
  文書の完結した日の属する年度の翌年度の初日から起算する): the period starts on the first day
  of the fiscal year after the one the event falls in (JST), and N years end on the last day
  of the N-th fiscal year. A record of an event on 2026-10-03 (fiscal 2026) kept 5 years runs
  from 2027-04-01 to 2032-03-31 and may be deleted from 2032-04-01 00:00 JST.
- ``calendar`` (民法 第140条・第143条): the day of the event is not counted; the period runs
  from the next day by the calendar and ends at the end of the day before the corresponding
  day (or at the end of the month, where that month has no such day). A record of
  2024-02-29 kept 1 year may be deleted from 2025-03-01 00:00 JST; of 2024-04-30 kept 1 month,
  from 2024-06-01 (May 1 to May 31).
- ``elapsed``: exactly so many days after the event's instant (DynamoDB TTL, S3 lifecycle
  rules, CloudWatch retention count so, and delete later, never earlier).

:func:`deletable_from` gives the first instant the record may be deleted (None: never); a
record is due when ``now`` has reached it (:func:`due`), never a day, or an instant, earlier.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.retention.kinds import Counting

JST: Final = dt.timezone(dt.timedelta(hours=9), "JST")
"""Japan time: no daylight saving, so a fixed offset is exact."""

Permanent = Literal["permanent"]
PERMANENT: Final[Permanent] = "permanent"

_RULE_ORDER: Final = {Counting.ELAPSED: 0, Counting.CALENDAR: 1, Counting.FISCAL_YEAR: 2}
"""For the same years, months and days, a later rule never ends earlier: ``elapsed`` ends at
the event's instant N later, ``calendar`` at the end of that day or later, ``fiscal_year`` at the
end of the fiscal year or later."""


class Period(BaseModel):
    """A finite period: years, months and days (at least one of them)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    years: int = Field(0, ge=0, le=100)
    months: int = Field(0, ge=0, le=1200)
    days: int = Field(0, ge=0, le=36600)

    @model_validator(mode="after")
    def _not_empty(self) -> Period:
        if not (self.years or self.months or self.days):
            raise ValueError("a period of nothing: give years, months or days")
        return self

    @property
    def total_months(self) -> int:
        return 12 * self.years + self.months

    def __str__(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.days, "day")]
        return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n)


class FiscalYearStart(BaseModel):
    """The first day of a fiscal year (年度): 1 April for prefectures."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=28)

    def of(self, day: dt.date) -> int:
        """The fiscal year ``day`` falls in, named by the calendar year it starts in."""
        return day.year if (day.month, day.day) >= (self.month, self.day) else day.year - 1

    def first_day(self, fiscal_year: int) -> dt.date:
        return dt.date(fiscal_year, self.month, self.day)


APRIL_FIRST: Final = FiscalYearStart(month=4, day=1)


def counting_problem(period: Period | Permanent, counting: Counting) -> str | None:
    """Why ``period`` cannot be counted by ``counting``, or None."""
    if period == PERMANENT:
        return None
    assert isinstance(period, Period)
    if counting is Counting.FISCAL_YEAR and (period.months or period.days):
        return f"{period} counted by fiscal year: whole years only"
    if counting is Counting.ELAPSED and (period.years or period.months):
        return f"{period} counted as elapsed time: days only"
    return None


def corresponding_day(start: dt.date, months: int) -> dt.date:
    """The day ``months`` after ``start`` with the same day of the month; where that month has
    no such day (31 April, 29 February in a common year), the first day of the next month (the
    period ended with the shorter month)."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    if start.day <= _calendar.monthrange(year, month)[1]:
        return dt.date(year, month, start.day)
    return dt.date(year + month // 12, month % 12 + 1, 1)


def deletable_from(
    period: Period | Permanent,
    counting: Counting,
    event_at: dt.datetime,
    fiscal_year_start: FiscalYearStart = APRIL_FIRST,
) -> dt.datetime | None:
    """The first instant a record of an event at ``event_at`` may be deleted, in JST; None
    for a permanent period."""
    if event_at.tzinfo is None or event_at.utcoffset() is None:
        raise ValueError("the event's instant must be timezone-aware")
    if period == PERMANENT:
        return None
    assert isinstance(period, Period)
    problem = counting_problem(period, counting)
    if problem:
        raise ValueError(problem)
    if counting is Counting.ELAPSED:
        return (event_at + dt.timedelta(days=period.days)).astimezone(JST)
    event_day = event_at.astimezone(JST).date()
    if counting is Counting.FISCAL_YEAR:
        first = fiscal_year_start.of(event_day) + 1
        end = fiscal_year_start.first_day(first + period.years)
    else:
        start = event_day + dt.timedelta(days=1)
        end = corresponding_day(start, period.total_months) + dt.timedelta(days=period.days)
    return dt.datetime.combine(end, dt.time(0), JST)


def due(
    period: Period | Permanent,
    counting: Counting,
    event_at: dt.datetime,
    now: dt.datetime,
    fiscal_year_start: FiscalYearStart = APRIL_FIRST,
) -> bool:
    """Whether a record of an event at ``event_at`` may be deleted at ``now``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    first = deletable_from(period, counting, event_at, fiscal_year_start)
    return first is not None and now >= first


def at_least(
    period: Period | Permanent,
    counting: Counting,
    minimum: Period | Permanent,
    minimum_counting: Counting,
) -> bool:
    """Whether ``period`` counted by ``counting`` never ends before ``minimum`` counted by
    ``minimum_counting``, whatever the event.

    Deliberately strict: it holds when the rule is the same or later (``elapsed`` before
    ``calendar`` before ``fiscal_year``) and the months (years as 12) and the days are each at
    least the minimum's. A period that is longer only for some events (365 days against a
    year) is not at least the minimum.
    """
    if minimum == PERMANENT:
        return period == PERMANENT
    if period == PERMANENT:
        return True
    assert isinstance(period, Period)
    assert isinstance(minimum, Period)
    return (
        _RULE_ORDER[counting] >= _RULE_ORDER[minimum_counting]
        and period.total_months >= minimum.total_months
        and period.days >= minimum.days
    )
