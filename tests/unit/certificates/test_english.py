"""The English names table: valid, marked unconfirmed with its provenance, and complete for
the catalogue."""

from __future__ import annotations

import pytest

from kentei.certificates.english import NoEnglishNameError, load_english_names
from kentei.exams.catalogue import load_catalogue
from kentei.exams.grades import Issuer
from kentei.records.codes import Grade


def test_the_table_says_it_is_unconfirmed_and_where_it_comes_from() -> None:
    names = load_english_names()
    assert names.confirmed is False
    assert any("unconfirmed" in line or "confirmed is false" in line for line in names.provenance)


def test_every_trade_and_work_of_the_catalogue_has_an_english_name() -> None:
    names = load_english_names()
    catalogue = load_catalogue()
    for trade in catalogue.trades:
        assert names.trade(trade.code)
        for work in trade.works:
            assert names.work(work.code)
    codes = {trade.code for trade in catalogue.trades}
    assert set(names.trades) == codes
    assert set(names.works) == {work.code for _, work in catalogue.works()}


@pytest.mark.parametrize(
    ("grade", "english"),
    [
        (Grade.SPECIAL, "Special Grade"),
        (Grade.FIRST, "Grade 1"),
        (Grade.ANYTIME_SECOND, "Grade 2"),
        (Grade.SINGLE, "Single Grade"),
        (Grade.BASIC, "Basic Grade"),
    ],
)
def test_grades_in_english(grade: Grade, english: str) -> None:
    assert load_english_names().grade(grade) == english


def test_issuers_in_english() -> None:
    names = load_english_names()
    assert names.issuer(Issuer.MINISTER, "13") == "Minister of Health, Labour and Welfare"
    assert names.issuer(Issuer.GOVERNOR, "13") == "Governor of Tokyo"
    assert names.issuer(Issuer.GOVERNOR, "27") == "Governor of Osaka Prefecture"


def test_a_code_without_an_english_name_is_named_in_the_error() -> None:
    with pytest.raises(NoEnglishNameError) as raised:
        load_english_names().work("999999")
    assert (raised.value.what, raised.value.code) == ("work", "999999")
