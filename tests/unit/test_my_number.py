"""The My Number (個人番号): check digit, normalisation, redaction, and a value that never shows.

Property tests: the check digit is the one the ordinance defines, full-width digits are
accepted, every other Unicode digit is refused, and the digits never print.
"""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from kentei.my_number import (
    REDACTED,
    MyNumber,
    check_digit,
    is_valid,
    normalise,
    redact,
)
from kentei.records import Examinee

PROPERTY = settings(max_examples=100, database=None)
ELEVEN_DIGITS = st.text(st.sampled_from("0123456789"), min_size=11, max_size=11)
VALID = ELEVEN_DIGITS.map(lambda first: first + str(check_digit(first)))
NON_ASCII_DIGIT_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0BE6, 0x0E50, 0x1040, 0x17E0)
"""Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, Tamil, Thai, Myanmar, Khmer."""
IDENTITY = {
    "都道府県コード": "13",
    "氏名": "山田 太郎",
    "生年月日": "1990-04-01",
    "性別": "1",
    "住所": "東京都千代田区千代田1-1",
}


def full_width(digits: str) -> str:
    return "".join(chr(0xFF10 + int(d)) for d in digits)


def weighted_check_digit(first_eleven: str) -> int:
    """The ordinance's formula written out: P_n is the n-th digit from the right,
    Q_n = n + 1 for n <= 6 and n - 5 for n >= 7."""
    p = [int(d) for d in reversed(first_eleven)]
    total = sum(p[n - 1] * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def test_given_the_published_example_then_its_check_digit_is_8() -> None:
    assert check_digit("12345678901") == 8
    assert is_valid("123456789018")


@PROPERTY
@given(ELEVEN_DIGITS)
def test_given_any_eleven_ascii_digits_then_they_with_their_check_digit_are_valid(
    first: str,
) -> None:
    digit = check_digit(first)

    assert digit == weighted_check_digit(first)
    assert is_valid(first + str(digit))
    assert MyNumber(first + str(digit)).reveal() == first + str(digit)


@PROPERTY
@given(ELEVEN_DIGITS, st.integers(1, 9))
def test_given_any_other_last_digit_then_the_number_is_invalid(first: str, offset: int) -> None:
    wrong = first + str((check_digit(first) + offset) % 10)

    assert not is_valid(wrong)
    with pytest.raises(ValueError, match="check digit"):
        MyNumber(wrong)


@PROPERTY
@given(VALID)
def test_given_full_width_digits_then_normalised_and_accepted(number: str) -> None:
    assert normalise(full_width(number)) == number
    assert is_valid(full_width(number))
    assert MyNumber(f" {full_width(number)} ").reveal() == number
    record = Examinee.model_validate({**IDENTITY, "個人番号": full_width(number)})
    assert record.my_number == MyNumber(number)


@PROPERTY
@given(VALID, st.data())
def test_given_a_digit_from_another_script_then_rejected(number: str, data: st.DataObject) -> None:
    # NFKC leaves Arabic-Indic, Devanagari and the like alone, and \d or int() would take them.
    position = data.draw(st.integers(0, 11))
    zero = data.draw(st.sampled_from(NON_ASCII_DIGIT_ZEROS))
    foreign = number[:position] + chr(zero + int(number[position])) + number[position + 1 :]
    assert foreign[position].isdigit()

    assert not is_valid(foreign)
    with pytest.raises(ValueError, match="12 digits"):
        MyNumber(foreign)
    with pytest.raises(ValidationError):
        Examinee.model_validate({**IDENTITY, "個人番号": foreign})


@pytest.mark.parametrize(
    "raw", ["12345678901", "1234567890180", "1234-5678-9018", "", 123456789018]
)
def test_given_not_twelve_digits_then_rejected(raw: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(MyNumber).validate_python(raw)


@PROPERTY
@given(VALID)
def test_given_a_my_number_then_repr_str_format_and_json_never_contain_it(number: str) -> None:
    value = MyNumber(number)

    class Holder(BaseModel):
        my_number: MyNumber

    holder = Holder(my_number=value)
    shown = [
        repr(value),
        str(value),
        f"{value}",
        f"{value:>20}",
        repr(holder),
        holder.model_dump_json(),
        json.dumps(holder.model_dump(mode="json")),
    ]

    assert all(number not in text for text in shown)
    assert holder.model_dump(mode="json") == {"my_number": REDACTED}


@PROPERTY
@given(VALID, st.integers(1, 9))
def test_given_an_invalid_my_number_then_validation_error_text_never_contains_it(
    number: str, offset: int
) -> None:
    wrong = number[:11] + str((int(number[11]) + offset) % 10)

    class Form(BaseModel):
        model_config = ConfigDict(hide_input_in_errors=True)
        my_number: MyNumber

    with pytest.raises(ValidationError) as plain:
        Form(my_number=wrong)
    with pytest.raises(ValidationError) as record:
        Examinee.model_validate({**IDENTITY, "個人番号": wrong})

    assert wrong not in str(plain.value)
    for text in (str(record.value), repr(record.value.errors()), record.value.json()):
        assert wrong not in text


@PROPERTY
@given(VALID, st.sampled_from(["", " ", "-", "－", "　"]), st.booleans())
def test_given_text_with_a_valid_number_written_any_way_then_redact_removes_it(
    number: str, separator: str, wide: bool
) -> None:
    written = full_width(number) if wide else number
    written = separator.join([written[:4], written[4:8], written[8:]])

    redacted = redact(f"申請者の番号は{written}です")

    assert redacted == f"申請者の番号は{REDACTED}です"


@PROPERTY
@given(ELEVEN_DIGITS, st.integers(1, 9))
def test_given_twelve_digits_with_a_wrong_check_digit_then_redact_keeps_them(
    first: str, offset: int
) -> None:
    other = first + str((check_digit(first) + offset) % 10)

    assert redact(f"受付番号 {other}") == f"受付番号 {other}"


@pytest.mark.parametrize(
    "bad", ["1234567890", "123456789012", "１２３４５６７８９０１", "abcdefghijk"]
)
def test_given_not_eleven_ascii_digits_then_check_digit_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match="eleven ASCII digits"):
        check_digit(bad)


def test_given_a_my_number_then_equal_by_value_unpicklable_and_copies_are_itself() -> None:
    value = MyNumber("123456789018")

    assert value == MyNumber("１２３４５６７８９０１８")
    assert hash(value) == hash(MyNumber("123456789018"))
    assert value != "123456789018"
    with pytest.raises(TypeError):
        pickle.dumps(value)
    assert copy.copy(value) is value
    assert copy.deepcopy(value) is value


def test_given_a_model_with_a_my_number_then_both_json_schemas_generate() -> None:
    adapter = TypeAdapter(MyNumber)

    assert adapter.json_schema(mode="validation") == {"pattern": "^[0-9]{12}$", "type": "string"}
    assert adapter.json_schema(mode="serialization") == {"type": "string"}
