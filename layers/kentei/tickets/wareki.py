"""Japanese era (和暦) labels for fiscal years and dates.

A fiscal year (年度, April to March) is named by the era in force on 1 May of its first
calendar year: the era changed on 1 May 2019, and by government usage the fiscal year from
April 2019 is 令和元年度 as a whole. Year one of an era is written 元年.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, NamedTuple


class Era(NamedTuple):
    name: str
    first_day: dt.date


ERAS: Final = (
    Era("令和", dt.date(2019, 5, 1)),
    Era("平成", dt.date(1989, 1, 8)),
)
"""Newest first. Tickets are issued for current years only: earlier eras are not needed."""

BIRTH_ERAS: Final = (
    *ERAS,
    Era("昭和", dt.date(1926, 12, 25)),
    Era("大正", dt.date(1912, 7, 30)),
)
"""Newest first, back to 大正: what a date of birth on a certificate may need
(:func:`date_label` with ``eras=BIRTH_ERAS``)."""


class OutsideErasError(ValueError):
    """A year or date before the first era this module knows."""


def _year_label(era: Era, year: int) -> str:
    number = year - era.first_day.year + 1
    return f"{era.name}{'元' if number == 1 else number}年"


def _era_of(day: dt.date, eras: tuple[Era, ...] = ERAS) -> Era:
    for era in eras:
        if day >= era.first_day:
            return era
    raise OutsideErasError(f"{day.isoformat()} is before {eras[-1].name}")


def fiscal_year_label(fiscal_year: int) -> str:
    """``2026`` -> ``令和8年度``; ``2019`` -> ``令和元年度``; ``2018`` -> ``平成30年度``.

    The era is the one in force on 1 May of the fiscal year's first calendar year (the 2019
    change of era took effect on 1 May, and the whole fiscal year is named by the new era)."""
    era = _era_of(dt.date(fiscal_year, 5, 1))
    return f"{_year_label(era, fiscal_year)}度"


def date_label(day: dt.date, *, eras: tuple[Era, ...] = ERAS) -> str:
    """``2026-07-05`` -> ``令和8年7月5日``; ``2019-05-01`` -> ``令和元年5月1日``; with
    ``eras=BIRTH_ERAS`` also ``1989-01-07`` -> ``昭和64年1月7日``."""
    era = _era_of(day, eras)
    return f"{_year_label(era, day.year)}{day.month}月{day.day}日"


WEEKDAYS: Final = ("月", "火", "水", "木", "金", "土", "日")


def date_with_weekday(day: dt.date) -> str:
    """``2026-07-05`` -> ``令和8年7月5日（日）``."""
    return f"{date_label(day)}（{WEEKDAYS[day.weekday()]}）"
