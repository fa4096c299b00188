"""The application document's JSON Schema: generated from the model, with examples that
validate both against the model and against the schema."""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from pydantic import ValidationError

from kentei.my_number import is_valid
from kentei.records import Applicant
from kentei.submissions import (
    EXAMPLE_DOCUMENTS,
    SAMPLE_MY_NUMBER,
    ApplicationDocument,
    application_document_schema,
)

SCHEMA = application_document_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def japanese(document: dict[str, Any]) -> dict[str, Any]:
    return {
        (Applicant.model_fields[k].alias if k in Applicant.model_fields else k) or k: v
        for k, v in document.items()
    }


def test_given_the_schema_then_it_is_a_valid_2020_12_schema_with_an_id() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)

    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == "urn:kentei:schema:application-document"
    assert SCHEMA["examples"]


@pytest.mark.parametrize("example", EXAMPLE_DOCUMENTS)
def test_given_each_example_then_the_model_and_the_schema_accept_it(
    example: dict[str, Any],
) -> None:
    ApplicationDocument.model_validate(example)
    VALIDATOR.validate(example)
    ApplicationDocument.model_validate(japanese(example))
    VALIDATOR.validate(japanese(example))


def test_given_the_examples_then_their_my_number_is_the_obvious_sample() -> None:
    assert is_valid(SAMPLE_MY_NUMBER)
    assert {e["my_number"] for e in EXAMPLE_DOCUMENTS} == {SAMPLE_MY_NUMBER}


def test_given_the_first_example_then_it_gives_every_item_that_applies_to_a_japanese_national() -> (
    None
):
    residence = {"nationality", "entry_date", "residence_expiry_date", "residence_card_number"}
    trainee = {n for n in Applicant.model_fields if n.startswith(("trainee", "training"))}
    expected = set(Applicant.model_fields) - residence - trainee - {"application_receipt_id"}

    assert set(EXAMPLE_DOCUMENTS[0]) - {"attachments"} == expected


@pytest.mark.parametrize(
    "change",
    [
        {"申請受付ID": "R-1"},
        {"application_receipt_id": "R-1"},
        {"favourite_colour": "blue"},
        {"氏名": "二重 登録"},
        {"prefecture_code": "48"},
    ],
)
def test_given_what_the_model_refuses_then_the_schema_refuses_it_too(
    change: dict[str, Any],
) -> None:
    document = {**EXAMPLE_DOCUMENTS[0], **change}

    assert not VALIDATOR.is_valid(document)
    with pytest.raises(ValidationError):
        ApplicationDocument.model_validate(document)


@pytest.mark.parametrize("name", ["name", "birth_date", "sex", "address", "prefecture_code"])
def test_given_a_required_item_missing_under_both_names_then_the_schema_refuses(name: str) -> None:
    document = {k: v for k, v in EXAMPLE_DOCUMENTS[0].items() if k != name}

    assert not VALIDATOR.is_valid(document)


def test_given_a_caller_that_changes_the_schema_then_the_next_one_is_untouched() -> None:
    application_document_schema()["properties"].clear()

    assert application_document_schema()["properties"] == SCHEMA["properties"]
