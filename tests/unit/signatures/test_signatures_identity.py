"""The four items: read from the certificate, compared with the form item by item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest

from kentei.records.codes import Sex
from kentei.signatures import FourItems, RejectionReason, match_four_items
from kentei.signatures.four_items import era_of, parse_era_date

CERTIFIED = FourItems(
    name="髙橋 一郎",
    name_substitute="高橋 一郎",
    sex="1",
    birth_date=dt.date(1989, 1, 8),
    address="東京都千代田区霞が関一丁目2番2号",
    address_substitute="東京都千代田区霞が関一丁目2番2号",
)


@dataclass(frozen=True)
class Form:
    name: str = "高橋　一郎"
    sex: str = Sex.MALE
    birth_date: dt.date = dt.date(1989, 1, 8)
    address: str = "東京都千代田区霞ヶ関1-2-2"
    address_line2: str | None = None


def test_given_the_same_person_written_differently_then_they_match() -> None:
    assert match_four_items(CERTIFIED, Form()) is None
    assert (
        match_four_items(CERTIFIED, Form(name="髙橋一郎", address="東京都千代田区霞が関１－２－２"))
        is None
    )


def test_given_only_the_substitute_name_matches_then_it_still_matches() -> None:
    certified = replace(CERTIFIED, name="𠮷田 花子", name_substitute="吉田 花子")
    assert match_four_items(certified, Form(name="吉田 花子")) is None


def test_given_the_resident_address_includes_the_building_then_address_and_line2_match() -> None:
    with_building = "東京都千代田区霞が関1-2-2霞ビル101"
    certified = replace(CERTIFIED, address=with_building, address_substitute=with_building)
    assert match_four_items(certified, Form(address_line2="霞ビル 101")) is None
    mismatch = match_four_items(certified, Form())
    assert mismatch is not None
    assert mismatch.reason is RejectionReason.IDENTITY_MISMATCH_ADDRESS


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        (Form(name="高橋 二郎"), RejectionReason.IDENTITY_MISMATCH_NAME),
        (Form(sex=Sex.FEMALE), RejectionReason.IDENTITY_MISMATCH_SEX),
        (Form(birth_date=dt.date(1989, 1, 7)), RejectionReason.IDENTITY_MISMATCH_BIRTH_DATE),
        (Form(address="大阪府大阪市北区1-2-2"), RejectionReason.IDENTITY_MISMATCH_ADDRESS),
    ],
    ids=["name", "sex", "birth_date", "address"],
)
def test_given_one_item_differs_then_that_item_is_named_and_no_value(
    form: Form, reason: RejectionReason
) -> None:
    rejection = match_four_items(CERTIFIED, form)

    assert rejection is not None
    assert rejection.reason is reason
    assert rejection.disposition.value == "returned"
    for value in ("高橋", "一郎", "二郎", "1989", "東京", "大阪"):
        assert value not in rejection.detail


def test_given_several_items_differ_then_the_first_is_the_reason_and_all_are_listed() -> None:
    rejection = match_four_items(CERTIFIED, Form(sex=Sex.FEMALE, address="大阪府"))
    assert rejection is not None
    assert rejection.reason is RejectionReason.IDENTITY_MISMATCH_SEX
    assert rejection.detail.endswith("sex, address")


@pytest.mark.parametrize(
    ("day", "era"),
    [
        (dt.date(1912, 7, 29), 1),
        (dt.date(1912, 7, 30), 2),
        (dt.date(1926, 12, 24), 2),
        (dt.date(1926, 12, 25), 3),
        (dt.date(1989, 1, 7), 3),
        (dt.date(1989, 1, 8), 4),
        (dt.date(2019, 4, 30), 4),
        (dt.date(2019, 5, 1), 5),
    ],
)
def test_era_boundaries(day: dt.date, era: int) -> None:
    assert era_of(day) == era
    assert parse_era_date(f"{era}{day:%Y%m%d}") == day


@pytest.mark.parametrize("value", ["419890107", "319890108", "619900101", "41990041", "4199013 1"])
def test_given_an_era_date_whose_digit_or_form_is_wrong_then_unreadable(value: str) -> None:
    with pytest.raises(ValueError, match=r"EYYYYMMDD|era|month|day|year"):
        parse_era_date(value)


def test_four_items_repr_is_masked() -> None:
    assert "髙橋" not in repr(CERTIFIED)
    assert "1989" not in str(CERTIFIED)
