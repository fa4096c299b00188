"""An initial registration's claim against a historical record, and the pass record a link
writes."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.unit.results.historical.helpers import AT

from kentei.exemptions.model import PassKind
from kentei.records.codes import Grade, Term
from kentei.results.historical.matching import Claim, ClaimCheck, match, pass_record_of
from kentei.results.historical.model import (
    HistoricalPass,
    HistoricalStatus,
    Link,
    PasserItems,
    StoredHistoricalPass,
)
from kentei.roster.parts import Part

RECORD = HistoricalPass(
    prefecture_code="13",
    passer_number="13-2-000123",
    certificate_number="C-000123",
    grade=Grade.SECOND,
    trade_code="0101",
    work_code="010101",
    pass_fiscal_year=2001,
    term=Term.FIRST,
    passed_on=dt.date(2001, 8, 31),
    person=PasserItems(name="山田 太郎", birth_date=dt.date(1970, 1, 2)),
)


def stored(
    status: HistoricalStatus = HistoricalStatus.UNLINKED, to: str = ""
) -> StoredHistoricalPass:
    link = (
        Link(qualification_pseudonym_id=to, linked_at=AT, application_id="13-IR-1") if to else None
    )
    return StoredHistoricalPass(
        record=RECORD, status=status, imported_at=AT, imported_by="operator:t", link=link
    )


def claim(**changes: object) -> Claim:
    values: dict[str, object] = {
        "passer_number": "13-2-000123",
        "certificate_number": None,
        "name": "山田　太郎",  # a full-width space: the registry's normalisation ignores it
        "birth_date": dt.date(1970, 1, 2),
        "qualification_pseudonym_id": "person-0001",
        "application_id": "13-IR-2",
    }
    return Claim(**{**values, **changes})  # type: ignore[arg-type]


def test_the_number_name_and_birth_date_match() -> None:
    assert match(stored(), claim()).matched


@pytest.mark.parametrize(
    ("changes", "failures"),
    [
        ({"name": "山田 次郎"}, (ClaimCheck.NAME,)),
        ({"birth_date": dt.date(1971, 1, 2)}, (ClaimCheck.BIRTH_DATE,)),
        ({"certificate_number": "C-999"}, (ClaimCheck.CERTIFICATE_NUMBER,)),
        (
            {"name": "佐藤 花子", "birth_date": dt.date(1980, 5, 5)},
            (ClaimCheck.NAME, ClaimCheck.BIRTH_DATE),
        ),
    ],
)
def test_each_failed_check_is_named(
    changes: dict[str, object], failures: tuple[ClaimCheck, ...]
) -> None:
    assert match(stored(), claim(**changes)).failures == failures


def test_no_record_is_not_found() -> None:
    assert match(None, claim()).failures == (ClaimCheck.NOT_FOUND,)


def test_a_record_linked_to_another_person_is_a_conflict() -> None:
    result = match(stored(HistoricalStatus.LINKED, "person-0002"), claim())
    assert result.failures == (ClaimCheck.LINKED_TO_OTHER,)


def test_the_same_person_again_is_already_linked() -> None:
    result = match(stored(HistoricalStatus.LINKED, "person-0001"), claim())
    assert result.matched
    assert result.already


def test_a_record_in_conflict_waits_for_staff() -> None:
    assert ClaimCheck.IN_CONFLICT in match(stored(HistoricalStatus.IN_CONFLICT), claim()).failures


def test_the_pass_record_is_a_full_pass_with_the_historical_numbers_and_dates() -> None:
    record = pass_record_of(RECORD, "person-0001")
    assert record.record_id == "H-13-2-000123"
    assert record.kind is PassKind.PASS
    assert set(record.parts) == {Part.WRITTEN, Part.PRACTICAL}
    assert record.exam_round.key == "2001-前期"
    assert record.passed_on == dt.date(2001, 8, 31)
    assert (record.passer_number, record.certificate_number) == ("13-2-000123", "C-000123")
