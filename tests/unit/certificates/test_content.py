"""What a certificate may say: the issuer follows the grade, the dates their order, the
English fields belong to the English certificate of pass, and a name in Latin letters holds
Latin letters only (never digits, so never a My Number). Errors never echo the input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError
from tests.unit.certificates.samples import NAME, printed, proof

from kentei.certificates.content import (
    CertificateOfPass,
    Kind,
    Language,
    PrintedCertificate,
)
from kentei.exams.grades import Issuer
from kentei.records.codes import Grade

MY_NUMBER_LIKE = "1234 5678 9018"


def test_each_document_keeps_its_kind_and_language_for_the_counts() -> None:
    assert (printed().kind, printed().language) == (Kind.PRINTED, Language.JA)
    assert (proof().kind, proof().language) == (Kind.PROOF, Language.JA)
    english = proof(language=Language.EN)
    assert (english.kind, english.language) == (Kind.PROOF, Language.EN)
    assert english.model_dump(mode="json")["kind"] == "proof"


def test_the_printed_certificate_is_in_japanese_only() -> None:
    with pytest.raises(ValidationError):
        PrintedCertificate(**(printed().model_dump() | {"language": "en"}))


@pytest.mark.parametrize(
    ("grade", "issuer", "title"),
    [
        (Grade.SPECIAL, Issuer.MINISTER, "厚生労働大臣"),
        (Grade.FIRST, Issuer.MINISTER, "厚生労働大臣"),
        (Grade.SINGLE, Issuer.MINISTER, "厚生労働大臣"),
        (Grade.SECOND, Issuer.GOVERNOR, "東京都知事"),
        (Grade.THIRD, Issuer.GOVERNOR, "東京都知事"),
        (Grade.BASIC, Issuer.GOVERNOR, "東京都知事"),
        (Grade.ANYTIME_SECOND, Issuer.GOVERNOR, "東京都知事"),
    ],
)
def test_the_issuer_follows_the_grade(grade: Grade, issuer: Issuer, title: str) -> None:
    certificate = printed(grade=grade, issuer=issuer)
    assert certificate.issuer_title == title


def test_the_governor_is_the_prefectures() -> None:
    assert printed(prefecture_code="01").issuer_title == "北海道知事"
    assert printed(prefecture_code="27").issuer_title == "大阪府知事"


def test_an_issuer_other_than_the_grades_is_refused() -> None:
    with pytest.raises(ValidationError, match="minister"):
        printed(grade=Grade.FIRST, issuer=Issuer.GOVERNOR)
    with pytest.raises(ValidationError, match="governor"):
        printed(grade=Grade.THIRD, issuer=Issuer.MINISTER)


def test_an_on_demand_grade_is_certified_as_the_grade_it_sits() -> None:
    assert printed(grade=Grade.ANYTIME_THIRD).grade is Grade.THIRD


@pytest.mark.parametrize(
    "changes",
    [
        {"birth_date": dt.date(2026, 9, 1)},
        {"passed_on": dt.date(2026, 10, 2)},
        {"prefecture_code": "48"},
        {"certificate_number": "C13 0001"},
        {"passer_number": ""},
        {"name": "山田\n太郎"},
        {"name": "   "},
        {"name": "鑑" * 41},
        {"issued_at": dt.datetime(2026, 10, 1, 1, 0)},  # naive: refused
    ],
)
def test_invalid_facts_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        printed(**changes)


def test_the_issue_date_is_the_date_in_japan() -> None:
    late_utc = dt.datetime(2026, 10, 1, 20, 0, tzinfo=dt.UTC)  # 05:00 on 2 October in Japan
    assert printed(issued_at=late_utc).issued_on == dt.date(2026, 10, 2)


def test_a_name_is_normalised_to_nfc() -> None:
    assert printed(name="ガ").name == "ガ"


@pytest.mark.parametrize(
    "name", ["Taro Yamada", "Zoë O'Brien-Łukasiewicz", "Jean-Luc Picard, Jr.", "Nguyễn Văn An"]
)
def test_a_latin_name_as_written(name: str) -> None:
    assert proof(language=Language.EN, name_latin=name).name_latin == name


@pytest.mark.parametrize(
    "name",
    [
        MY_NUMBER_LIKE,
        f"Taro {MY_NUMBER_LIKE}",
        "Taro3",
        "山田 Taro",
        "Тарас",
        "Taro\tYamada",
        " Taro",
        "-Taro",
        "Taro@Yamada",
        "",
    ],
)
def test_a_latin_name_with_anything_but_latin_letters_is_refused(name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        proof(language=Language.EN, name_latin=name)
    assert raised.value.error_count() == 1
    assert name.strip() == "" or name not in str(raised.value)
    assert MY_NUMBER_LIKE not in str(raised.value)


def test_validation_errors_hide_the_name() -> None:
    with pytest.raises(ValidationError) as raised:
        printed(name=f"{NAME}\u0007")
    assert NAME not in str(raised.value)


def test_the_english_fields_belong_to_the_english_certificate_of_pass() -> None:
    with pytest.raises(ValidationError, match="no English fields"):
        proof(name_latin="Taro Yamada")
    with pytest.raises(ValidationError, match="name_latin"):
        proof(language=Language.EN, name_latin=None)
    with pytest.raises(ValidationError, match="work_en"):
        proof(language=Language.EN, work_en=None)
    special = proof(language=Language.EN, grade=Grade.SPECIAL, work=None, work_en=None)
    assert isinstance(special, CertificateOfPass)
    assert special.trade_line == "機械加工"


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        printed(my_number="123456789018")
