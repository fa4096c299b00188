"""Property tests of the shared field types: each validator accepts what people write and
stores one canonical form; numeric strings accept ASCII and full-width digits only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from kentei.records.codes import Attendance, ExamCategory, Grade, PassFail, Sex, Term
from kentei.records.fields import (
    JST,
    Code,
    Count,
    Date,
    DateTime,
    FiscalYear,
    Identifier,
    Kana,
    LongText,
    PhoneNumber,
    PostalCode,
    PrefectureCode,
    Score,
    ShortText,
    YesNo,
)

from .strategies import (
    KANA,
    PROPERTY,
    digits,
    in_script,
    phone_numbers,
    with_foreign_digit,
)

prefecture = TypeAdapter(PrefectureCode)
score = TypeAdapter(Score)
count = TypeAdapter(Count)
fiscal_year = TypeAdapter(FiscalYear)
a_date = TypeAdapter(Date)
a_datetime = TypeAdapter(DateTime)
postal_code = TypeAdapter(PostalCode)
phone = TypeAdapter(PhoneNumber)
kana = TypeAdapter(Kana)
short_text = TypeAdapter(ShortText)
long_text = TypeAdapter(LongText)
code = TypeAdapter(Code)
identifier = TypeAdapter(Identifier)
yes_no = TypeAdapter(YesNo)


def rejects(adapter: TypeAdapter[Any], value: object) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return True
    return False


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# Prefecture codes


@PROPERTY
@given(st.integers(1, 47))
def test_given_a_jis_prefecture_number_when_two_digits_ascii_or_full_width_then_accepted(
    n: int,
) -> None:
    assert prefecture.validate_python(f"{n:02d}") == f"{n:02d}"
    assert prefecture.validate_python(full_width(f"{n:02d}")) == f"{n:02d}"


@PROPERTY
@given(st.integers(0, 999).filter(lambda n: not 1 <= n <= 47))
def test_given_a_number_outside_01_to_47_when_validated_then_rejected(n: int) -> None:
    assert rejects(prefecture, f"{n:02d}")


@PROPERTY
@given(st.integers(1, 47).flatmap(lambda n: with_foreign_digit(f"{n:02d}")))
def test_given_a_prefecture_code_with_a_non_ascii_digit_then_rejected(value: str) -> None:
    assert rejects(prefecture, value)


def test_given_a_one_digit_or_numeric_prefecture_then_rejected() -> None:
    # Spreadsheets drop the leading zero; a guess could pick the wrong prefecture.
    assert rejects(prefecture, "1")
    assert rejects(prefecture, 13)


# Dates


DATES = st.dates(date(1900, 1, 1), date(2100, 12, 31))


@PROPERTY
@given(DATES)
def test_given_a_real_date_when_written_iso_compact_slashed_or_full_width_then_read_back(
    day: date,
) -> None:
    for text in (
        day.isoformat(),
        day.strftime("%Y%m%d"),
        f"{day.year}/{day.month}/{day.day}",
        full_width(day.isoformat()),
    ):
        assert a_date.validate_python(text) == day, text
    assert a_date.validate_json(f'"{day.isoformat()}"') == day


@PROPERTY
@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(29, 31))
def test_given_a_day_not_in_the_calendar_when_validated_then_rejected(
    year: int, month: int, day: int
) -> None:
    try:
        date(year, month, day)
    except ValueError:
        assert rejects(a_date, f"{year:04d}-{month:02d}-{day:02d}")
        assert rejects(a_date, f"{year:04d}{month:02d}{day:02d}")
    else:
        assert a_date.validate_python(f"{year:04d}-{month:02d}-{day:02d}") == date(year, month, day)


@PROPERTY
@given(DATES.flatmap(lambda d: with_foreign_digit(d.isoformat())))
def test_given_a_date_with_a_non_ascii_digit_then_rejected(value: str) -> None:
    assert rejects(a_date, value)


def test_given_compact_digits_then_they_are_a_date_not_seconds_since_1970() -> None:
    assert a_date.validate_python("20250401") == date(2025, 4, 1)
    assert rejects(a_date, 20250401)
    assert rejects(a_date, "1899-12-31")
    assert rejects(a_date, "2025-4-1")  # ISO needs two-digit month and day; slashes don't


@PROPERTY
@given(st.datetimes(datetime(1900, 1, 2), datetime(2100, 12, 30)))
def test_given_a_date_time_without_offset_then_it_is_read_as_jst(moment: datetime) -> None:
    value = a_datetime.validate_python(moment.isoformat())
    assert value == moment.replace(tzinfo=JST)
    assert a_datetime.validate_python(moment.strftime("%Y%m%d%H%M%S")) == moment.replace(
        microsecond=0, tzinfo=JST
    )


def test_given_a_date_time_with_an_offset_then_the_instant_is_kept_in_jst() -> None:
    value = a_datetime.validate_python("2025-07-06T01:00:00+00:00")
    assert value == datetime(2025, 7, 6, 10, 0, tzinfo=JST)
    assert value.utcoffset() == timedelta(hours=9)
    assert value == datetime(2025, 7, 6, 1, 0, tzinfo=UTC)
    assert rejects(a_datetime, 1751763600)
    assert rejects(a_datetime, "1751763600")


# Postal codes


@PROPERTY
@given(digits(7), st.sampled_from(["-", "－", "ー", "−", "‐", ""]), st.booleans(), st.booleans())
def test_given_a_postal_code_as_people_write_it_then_stored_as_seven_digits(
    value: str, dash: str, wide: bool, mark: bool
) -> None:
    text = value[:3] + dash + value[3:]
    text = full_width(text) if wide else text
    text = "〒" + text if mark else text
    assert postal_code.validate_python(text) == value


@PROPERTY
@given(
    st.text(st.sampled_from("0123456789-"), max_size=10).filter(
        lambda s: (
            not (len(s) == 7 and s.isdigit())
            and not (len(s) == 8 and s[3] == "-" and s.replace("-", "", 1).isdigit())
        )
    )
)
def test_given_anything_but_seven_digits_with_an_optional_hyphen_after_three_then_rejected(
    text: str,
) -> None:
    assert rejects(postal_code, text)


@PROPERTY
@given(digits(7).flatmap(with_foreign_digit))
def test_given_a_postal_code_with_a_non_ascii_digit_then_rejected(value: str) -> None:
    assert rejects(postal_code, value)


# Phone numbers


@PROPERTY
@given(phone_numbers(), st.booleans())
def test_given_a_domestic_phone_number_then_accepted_with_ascii_hyphens(
    number: str, wide: bool
) -> None:
    assert phone.validate_python(full_width(number) if wide else number) == number


@PROPERTY
@given(st.integers(1, 14).filter(lambda n: n not in (10, 11)).flatmap(lambda n: digits(n - 1)))
def test_given_a_phone_number_without_10_or_11_digits_then_rejected(rest: str) -> None:
    assert rejects(phone, "0" + rest)


def test_given_a_phone_number_not_starting_with_0_or_with_letters_then_rejected() -> None:
    assert rejects(phone, "3-1234-5678")
    assert rejects(phone, "03-1234-567a")
    assert rejects(phone, "03--1234-5678")
    assert rejects(phone, in_script("03-1234-5678", 0x0660))
    assert phone.validate_python("03ー1234ー5678") == "03-1234-5678"


# Kana


@PROPERTY
@given(st.text(st.sampled_from(KANA + " 　"), min_size=1, max_size=30).filter(str.strip))
def test_given_kana_hiragana_katakana_long_vowel_and_spaces_then_accepted(text: str) -> None:
    assert kana.validate_python(text)


@PROPERTY
@given(
    st.text(
        st.sampled_from("ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｯｬｭｮｰ･"),
        min_size=1,
        max_size=20,
    )
)
def test_given_half_width_katakana_then_stored_full_width(text: str) -> None:
    stored = kana.validate_python(text)
    assert stored == kana.validate_python(stored)
    assert all("\u30a0" <= c <= "\u30ff" for c in stored)


@PROPERTY
@given(
    st.text(st.sampled_from(KANA), min_size=1, max_size=10),
    st.sampled_from(["山", "A", "1", "!", "ｱ1", "\n\x00"]),
)
def test_given_kana_mixed_with_kanji_latin_digits_or_controls_then_rejected(
    text: str, other: str
) -> None:
    assert rejects(kana, text + other)


def test_given_a_name_reading_in_half_width_with_voiced_marks_then_composed_full_width() -> None:
    assert kana.validate_python("  ﾔﾏﾀﾞ　　ﾀﾛｳ ") == "ヤマダ タロウ"
    assert kana.validate_python("ﾊﾟﾊﾞ") == "パバ"
    # A voiced mark with nothing to compose with is left combining: not a kana letter.
    assert rejects(kana, "ﾞ")


# Scores, counts, fiscal years


@PROPERTY
@given(st.integers(0, 100))
def test_given_a_score_in_0_to_100_as_int_ascii_or_full_width_then_accepted(n: int) -> None:
    assert score.validate_python(n) == n
    assert score.validate_python(str(n)) == n
    assert score.validate_python(full_width(str(n))) == n
    assert score.validate_json(str(n)) == n


@PROPERTY
@given(st.integers().filter(lambda n: not 0 <= n <= 100))
def test_given_a_score_outside_0_to_100_then_rejected(n: int) -> None:
    assert rejects(score, n)
    assert rejects(score, str(n))


@PROPERTY
@given(st.integers(0, 100).flatmap(lambda n: with_foreign_digit(str(n))))
def test_given_a_score_with_a_non_ascii_digit_then_rejected(value: str) -> None:
    assert rejects(score, value)


def test_given_numbers_python_would_parse_loosely_then_rejected() -> None:
    for value in (True, False, "1_0", "1e1", "", " ", "+5", 50.5):
        assert rejects(score, value), value
    assert rejects(count, -1)
    assert count.validate_python("１２３") == 123


@PROPERTY
@given(st.integers(1959, 2100))
def test_given_a_fiscal_year_since_the_first_tests_then_accepted(year: int) -> None:
    assert fiscal_year.validate_python(str(year)) == year


@pytest.mark.parametrize("year", [1958, 2101, 25, 0])
def test_given_a_fiscal_year_outside_1959_to_2100_then_rejected(year: int) -> None:
    assert rejects(fiscal_year, year)


# Codes, identifiers and text


@PROPERTY
@given(st.from_regex(r"[0-9A-Za-z]{1,20}", fullmatch=True))
def test_given_a_code_in_full_width_then_stored_ascii(value: str) -> None:
    assert code.validate_python(full_width(value)) == value


@PROPERTY
@given(st.from_regex(r"[0-9]{1,20}", fullmatch=True).flatmap(with_foreign_digit))
def test_given_a_code_with_a_non_ascii_digit_then_rejected(value: str) -> None:
    assert rejects(code, value)
    assert rejects(identifier, value)


def test_given_codes_with_spaces_symbols_or_too_long_then_rejected() -> None:
    for value in ("A B", "A/1", "-A", "", "A" * 21):
        assert rejects(code, value), value
    assert identifier.validate_python("A" * 64)
    assert rejects(identifier, "A" * 65)


def test_given_text_then_nfkc_trimmed_and_white_space_collapsed_but_characters_kept() -> None:
    assert short_text.validate_python(" 髙橋　ＡＢＣ\t太郎 ") == "髙橋 ABC 太郎"
    assert long_text.validate_python("一行目\r\n二行目\r三行目") == "一行目\n二行目\n三行目"


@pytest.mark.parametrize("bad", ["a\x00b", "a\u202eb", "a\u200bb", "a\x7fb"])
def test_given_text_with_control_or_format_characters_then_rejected(bad: str) -> None:
    assert rejects(short_text, bad)
    assert rejects(long_text, bad)


def test_given_blank_or_too_long_text_then_rejected() -> None:
    assert rejects(short_text, "   ")
    assert rejects(short_text, "あ" * 101)
    assert short_text.validate_python("あ" * 100)


# Yes/no and categories


@pytest.mark.parametrize(
    ("text", "expected"),
    [("有", True), ("あり", True), ("true", True), ("1", True), ("無", False), ("なし", False)],
)
def test_given_yes_no_in_japanese_or_english_then_a_boolean(text: str, expected: bool) -> None:
    assert yes_no.validate_python(text) is expected


@pytest.mark.parametrize(
    ("enum", "text", "member"),
    [
        (Sex, "1", Sex.MALE),
        (Sex, "１", Sex.MALE),
        (Sex, 2, Sex.FEMALE),
        (Sex, "女", Sex.FEMALE),
        (Sex, "not_known", Sex.NOT_KNOWN),
        (Sex, "9", Sex.NOT_APPLICABLE),
        (Grade, "１級", Grade.FIRST),
        (Grade, "随時３級", Grade.ANYTIME_THIRD),
        (Grade, "BASIC", Grade.BASIC),
        (Term, "後期", Term.SECOND),
        (Term, "anytime", Term.ANYTIME),
        (ExamCategory, "学科＋実技", ExamCategory.WRITTEN_AND_PRACTICAL),
        (Attendance, "欠席", Attendance.ABSENT),
        (PassFail, "合格", PassFail.PASSED),
    ],
)
def test_given_a_category_as_label_code_name_or_full_width_then_the_member(
    enum: type[Enum], text: object, member: Enum
) -> None:
    assert TypeAdapter(enum).validate_python(text) is member
    assert TypeAdapter(enum).dump_python(member, mode="json") == member.value


@pytest.mark.parametrize(
    ("enum", "text"), [(Sex, "3"), (Sex, True), (Grade, "4級"), (Term, "中期"), (PassFail, "")]
)
def test_given_a_value_outside_a_category_then_rejected(enum: type[Enum], text: object) -> None:
    assert rejects(TypeAdapter(enum), text)
