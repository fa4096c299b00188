from __future__ import annotations

import datetime as dt

import pytest

from kentei.tickets.wareki import (
    BIRTH_ERAS,
    OutsideErasError,
    date_label,
    date_with_weekday,
    fiscal_year_label,
)


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        (2019, "令和元年度"),  # April 2019 was still 平成31年; the fiscal year is 令和元年度
        (2020, "令和2年度"),
        (2026, "令和8年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
    ],
)
def test_fiscal_year_label(fiscal_year: int, label: str) -> None:
    assert fiscal_year_label(fiscal_year) == label


def test_a_fiscal_year_before_heisei_is_refused() -> None:
    with pytest.raises(OutsideErasError):
        fiscal_year_label(1988)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2019, 12, 31), "令和元年12月31日"),
        (dt.date(2020, 1, 1), "令和2年1月1日"),
        (dt.date(2026, 7, 5), "令和8年7月5日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_date_label(day: dt.date, label: str) -> None:
    assert date_label(day) == label


def test_a_date_before_heisei_is_refused() -> None:
    with pytest.raises(OutsideErasError):
        date_label(dt.date(1989, 1, 7))


def test_date_with_weekday() -> None:
    assert date_with_weekday(dt.date(2026, 7, 5)) == "令和8年7月5日（日）"
    assert date_with_weekday(dt.date(2026, 8, 31)) == "令和8年8月31日（月）"


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1985, 4, 1), "昭和60年4月1日"),
        (dt.date(1926, 12, 25), "昭和元年12月25日"),
        (dt.date(1926, 12, 24), "大正15年12月24日"),
        (dt.date(2001, 2, 3), "平成13年2月3日"),
    ],
)
def test_date_label_with_the_eras_of_a_birth_date(day: dt.date, label: str) -> None:
    assert date_label(day, eras=BIRTH_ERAS) == label


def test_a_birth_date_before_taisho_is_refused() -> None:
    with pytest.raises(OutsideErasError):
        date_label(dt.date(1912, 7, 29), eras=BIRTH_ERAS)
