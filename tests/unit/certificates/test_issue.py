"""A pass record becomes its certificates: the catalogue's names, the grade's issuer, the
numbers of the pass; a part pass or an unnumbered pass gets none."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError
from tests.unit.exemptions.factory import record

from kentei.certificates.content import Kind, Language
from kentei.certificates.english import NoEnglishNameError, load_english_names
from kentei.certificates.issue import NotCertifiableError, certificate_of_pass, printed_certificate
from kentei.exams.catalogue import load_catalogue
from kentei.exams.grades import Issuer
from kentei.exemptions.model import PassKind
from kentei.records.codes import Grade
from kentei.roster.parts import Part

PERSON: dict[str, Any] = {
    "certificate_id": "CRT-1",
    "name": "山田 太郎",
    "birth_date": dt.date(1985, 4, 1),
    "prefecture_code": "13",
    "catalogue": load_catalogue(),
    "issued_at": dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.UTC),
}


def a_pass(**changes: Any) -> Any:
    items: dict[str, Any] = {
        "kind": PassKind.PASS,
        "parts": (Part.WRITTEN, Part.PRACTICAL),
        "passed_on": dt.date(2026, 9, 1),
        "passer_number": "13G26-000042",
        "certificate_number": "C13G262-00042",
    }
    return record(**(items | changes))


def test_a_governors_pass_certified_with_the_catalogues_names() -> None:
    certificate = printed_certificate(a_pass(), **PERSON)
    assert (certificate.trade, certificate.work) == ("機械加工", "普通旋盤作業")
    assert certificate.grade is Grade.SECOND
    assert certificate.issuer is Issuer.GOVERNOR
    assert certificate.issuer_title == "東京都知事"
    assert certificate.certificate_number == "C13G262-00042"
    assert certificate.passer_number == "13G26-000042"
    assert certificate.kind is Kind.PRINTED


def test_a_first_grade_pass_is_the_ministers() -> None:
    certificate = printed_certificate(a_pass(grade=Grade.FIRST), **PERSON)
    assert certificate.issuer is Issuer.MINISTER


def test_a_special_grade_pass_names_the_trade_alone() -> None:
    certificate = printed_certificate(a_pass(grade=Grade.SPECIAL), **PERSON)
    assert certificate.work is None
    assert certificate.trade_line == "機械加工"


def test_an_on_demand_pass_is_certified_as_its_grade() -> None:
    certificate = printed_certificate(a_pass(grade=Grade.ANYTIME_THIRD), **PERSON)
    assert certificate.grade is Grade.THIRD
    assert certificate.issuer is Issuer.GOVERNOR


def test_the_english_certificate_of_pass_takes_the_english_names() -> None:
    english = certificate_of_pass(
        a_pass(), language=Language.EN, name_latin="Taro Yamada", **PERSON
    )
    assert (english.trade_en, english.work_en) == ("Machining", "Engine Lathe Work")
    assert english.name_latin == "Taro Yamada"
    japanese = certificate_of_pass(a_pass(), language=Language.JA, **PERSON)
    assert japanese.trade_en is None
    assert japanese.language is Language.JA


def test_the_english_certificate_needs_the_name_in_latin_letters() -> None:
    with pytest.raises(ValidationError):
        certificate_of_pass(a_pass(), language=Language.EN, **PERSON)


def test_a_work_without_an_english_name_stops_the_english_certificate() -> None:
    names = load_english_names()
    partial = names.model_copy(update={"works": {}})
    with pytest.raises(NoEnglishNameError):
        certificate_of_pass(
            a_pass(), language=Language.EN, name_latin="Taro Yamada", english=partial, **PERSON
        )


def test_a_part_pass_or_an_unnumbered_pass_gets_no_certificate() -> None:
    with pytest.raises(NotCertifiableError, match="part pass"):
        printed_certificate(record(), **PERSON)
    with pytest.raises(NotCertifiableError, match="number"):
        printed_certificate(a_pass(certificate_number=None), **PERSON)
