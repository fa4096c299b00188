"""Personal values never leave a record by accident: not in repr, str, dumps, CSV, or errors.

My Numbers and residence-card numbers are masked unless revealed on purpose; a validation
error carries locations and reasons, never the submitted value (privacy invariant 7).
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from kentei.my_number import REDACTED, MyNumber
from kentei.records import (
    RECORD_MODELS,
    REVEAL,
    Applicant,
    Examinee,
    Record,
    ResidenceCardNumber,
    dump_csv,
    load_csv,
    without_input,
)

from .strategies import PROPERTY, my_numbers, residence_card_numbers

WITH_MY_NUMBER = sorted(k for k, m in RECORD_MODELS.items() if "my_number" in m.model_fields)
IDENTITY = {
    "都道府県コード": "13",
    "氏名": "山田 太郎",
    "生年月日": "1990-04-01",
    "性別": "1",
    "住所": "東京都千代田区千代田1-1",
}


def minimal(model: type[Record]) -> dict[str, Any]:
    """The required items of ``model``, by alias."""
    values = {**IDENTITY, "受検番号": "A0001", "資格仮名ID": "q-12345678"}
    required = [f.alias for f in model.model_fields.values() if f.is_required()]
    return {alias: values[alias] for alias in required if alias} or {"年度": "2025"}


def error_texts(exc: ValidationError) -> list[str]:
    return [str(exc), repr(exc.errors()), exc.json()]


def validation_error(action: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        action()
    return caught.value


def test_given_the_models_then_all_but_pseudonyms_and_exam_management_hold_a_my_number() -> None:
    without = set(RECORD_MODELS) - set(WITH_MY_NUMBER)
    assert without == {"pseudonymous_ids", "exam_management"}


@pytest.mark.parametrize("table", WITH_MY_NUMBER)
@PROPERTY
@given(number=my_numbers())
def test_given_a_record_with_a_my_number_then_repr_str_dumps_and_csv_never_show_it(
    table: str, number: str
) -> None:
    model = RECORD_MODELS[table]
    record = model.model_validate({**minimal(model), "個人番号": number})

    shown = [
        repr(record),
        str(record),
        f"{record}",
        record.model_dump_json(),
        record.model_dump_json(by_alias=True),
        repr(record.model_dump()),
        repr(record.model_dump(mode="json")),
        dump_csv(model, [record]),
    ]

    assert all(number not in text for text in shown)
    assert record.model_dump(mode="json")["my_number"] == REDACTED
    assert record.model_dump(context={REVEAL: True})["my_number"] == number
    assert number in dump_csv(model, [record], reveal=True)


@pytest.mark.parametrize("table", WITH_MY_NUMBER)
@PROPERTY
@given(number=my_numbers(), wrong=st.integers(1, 9))
def test_given_a_wrong_my_number_when_validated_any_way_then_errors_never_show_it(
    table: str, number: str, wrong: int
) -> None:
    model = RECORD_MODELS[table]
    bad = number[:11] + str((int(number[11]) + wrong) % 10)
    data = {**minimal(model), "個人番号": bad}
    json_text = model.model_validate(minimal(model)).model_dump_json(by_alias=True)
    json_text = json_text.replace('"個人番号":null', f'"個人番号":"{bad}"')

    errors = [
        validation_error(lambda: model.model_validate(data)),
        validation_error(lambda: model.model_validate_json(json_text)),
        validation_error(lambda: model(**data)),
        validation_error(lambda: model.model_validate_strings(data)),
        validation_error(
            lambda: load_csv(model, ",".join(data) + "\r\n" + ",".join(data.values()))
        ),
    ]

    for exc in errors:
        assert exc.errors()[0]["type"] == "my_number"
        assert all(bad not in text for text in error_texts(exc))
        assert exc.__context__ is None
        assert exc.__cause__ is None


@PROPERTY
@given(marker=st.from_regex(r"SECRET[0-9]{6}", fullmatch=True))
def test_given_invalid_personal_values_and_unknown_fields_then_no_error_text_echoes_them(
    marker: str,
) -> None:
    data = {
        "都道府県コード": marker,
        "氏名": marker * 10,
        "生年月日": marker,
        "性別": marker,
        "住所": "\x00" + marker,
        "郵便番号": marker,
        "電話番号": marker,
        "ふりがな": marker,
        "在留カード番号": marker,
        "unknown": marker,
    }

    exc = validation_error(lambda: Applicant.model_validate(data))

    assert len(exc.errors()) == len(data)
    assert all(error["input"] is None for error in exc.errors())
    assert all(marker not in text for text in error_texts(exc))


def test_given_a_record_inside_another_model_then_without_input_removes_the_values() -> None:
    class Envelope(BaseModel):
        applicant: Applicant

    with pytest.raises(ValidationError) as caught:
        Envelope.model_validate({"applicant": {**IDENTITY, "氏名": "\x00SECRET"}})
    assert "SECRET" in caught.value.json()  # the outer model's own error still has it

    cleaned = without_input(caught.value)

    assert all("SECRET" not in text for text in error_texts(cleaned))
    assert cleaned.errors()[0]["loc"] == ("applicant", "氏名")
    assert cleaned.errors()[0]["msg"] == caught.value.errors()[0]["msg"]


@PROPERTY
@given(number=residence_card_numbers(), lower=st.booleans(), wide=st.booleans())
def test_given_a_residence_card_number_then_normalised_and_never_printed(
    number: str, lower: bool, wide: bool
) -> None:
    text = number.lower() if lower else number
    text = "".join(chr(ord(c) + 0xFEE0) for c in text) if wide else text
    record = Examinee.model_validate({**IDENTITY, "在留カード番号": text})
    card = record.residence_card_number
    assert card is not None

    assert card.reveal() == number
    shown = [repr(card), str(card), f"{card}", repr(record), record.model_dump_json()]
    assert all(number not in t and number.lower() not in t for t in shown)
    assert dump_csv(Examinee, [record]).count(REDACTED) == 1
    assert record.model_dump(mode="json", context={REVEAL: True})["residence_card_number"] == number


@pytest.mark.parametrize(
    "bad",
    ["A12345678CD", "AB1234567CD", "AB12345678C", "AB12345678CD1", "ΑΒ12345678CD", "AB١2345678CD"],
)
def test_given_a_malformed_residence_card_number_then_rejected_without_echo(bad: str) -> None:
    exc = validation_error(lambda: Examinee.model_validate({**IDENTITY, "在留カード番号": bad}))

    assert exc.errors()[0]["type"] == "residence_card_number"
    assert all(bad not in text for text in error_texts(exc))


@pytest.mark.parametrize("value", [MyNumber("123456789018"), ResidenceCardNumber("AB12345678CD")])
def test_given_a_sensitive_value_then_it_cannot_be_pickled_but_copies_are_itself(
    value: object,
) -> None:
    with pytest.raises(TypeError):
        pickle.dumps(value)
    assert copy.copy(value) is value
    assert copy.deepcopy(value) is value


def test_given_a_record_with_sensitive_values_then_deep_copy_and_json_schemas_work() -> None:
    record = Examinee.model_validate(
        {**IDENTITY, "個人番号": "123456789018", "在留カード番号": "AB12345678CD"}
    )
    assert record.model_copy(deep=True) == record
    for model in RECORD_MODELS.values():
        assert model.model_json_schema(mode="validation")
        assert model.model_json_schema(mode="serialization")
    schema = TypeAdapter(ResidenceCardNumber).json_schema()
    assert schema["pattern"] == "^[A-Z]{2}[0-9]{8}[A-Z]{2}$"
