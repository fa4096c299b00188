"""The English names table: valid, marked unconfirmed with its provenance, and complete for
the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kentei.certificates.__main__ import main
from kentei.certificates.english import NoEnglishNameError, load_english_names, shipped_text
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


def test_the_check_passes_on_the_shipped_table_and_fails_on_a_gap(tmp_path: Path) -> None:
    assert main(["check"]) == 0
    table = json.loads(shipped_text())
    del table["works"]["010102"]
    gap = tmp_path / "gap.json"
    gap.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    assert main(["check", "--file", str(gap)]) == 1
    table["grades"] = {}
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    assert main(["check", "--file", str(broken)]) == 1
