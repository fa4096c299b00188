"""kentei.screening: every string of a form, mapping or model that holds a My Number, by path,
in any spelling the item's own type lets through; the my_number item is where one belongs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from tests.my_number_spellings import spelled

from kentei import my_number, screening
from kentei.applications.model import Reason
from kentei.my_number import MyNumber
from kentei.submissions import EXAMPLE_DOCUMENTS
from kentei.submissions.form import ApplicationForm

FORM: Final = {k: v for k, v in EXAMPLE_DOCUMENTS[0].items() if k != "attachments"}
VALID: Final = "123456789018"
UNICODE_DIGITS: Final = (
    "0123456789",
    "０１２３４５６７８９",
    "٠١٢٣٤٥٦٧٨٩",
    "०१२३४५६७८९",
)
TEXT_SEPARATORS: Final = (
    "",
    " ",
    "\u3000",
    ".",
    "/",
    "_",
    ",",
    "・",
    "-",
    "‐",
    "－",
    "ー",
    "—",
    "−",
)
CODE_SEPARATORS: Final = ("", "-", "_", "－", "＿")
"""What a code or identifier lets through (NFKC folds the full-width ones)."""
CODE_ITEMS: Final = ("trade_code", "work_code", "employer_code", "training_plan_approval_number")
TEXT_ITEMS: Final = (
    "name",
    "address",
    "address_line2",
    "employer_name",
    "employer_address",
    "employer_address_line2",
    "course_or_exemption",
    "nationality",
    "trainee_exam_category",
    "training_implementer_name",
    "training_site_name",
)


@settings(max_examples=150)
@given(data=st.data(), item=st.sampled_from(TEXT_ITEMS))
def test_a_my_number_in_any_text_item_is_found_in_any_spelling(
    data: st.DataObject, item: str
) -> None:
    value = data.draw(spelled(TEXT_SEPARATORS, UNICODE_DIGITS, any_groups=True))
    form = ApplicationForm.model_validate({**FORM, item: f"見本 {value} 号"})
    assert screening.form_items(form, "form") == [f"form.{item}"]


@settings(max_examples=100)
@given(data=st.data(), item=st.sampled_from(CODE_ITEMS))
def test_a_my_number_in_any_code_or_number_item_is_found(data: st.DataObject, item: str) -> None:
    value = data.draw(spelled(CODE_SEPARATORS, UNICODE_DIGITS[:2], any_groups=True))
    form = ApplicationForm.model_validate({**FORM, item: value})
    assert screening.form_items(form, "document") == [f"document.{item}"]


def test_the_my_number_item_is_where_one_belongs_and_a_clean_form_holds_none() -> None:
    form = ApplicationForm.model_validate(FORM)
    assert form.my_number is not None
    assert screening.form_items(form, "form") == []


@given(length=st.integers(13, 20), data=st.data())
def test_a_long_reference_number_is_not_refused_by_chance(length: int, data: st.DataObject) -> None:
    reference = "".join(data.draw(st.sampled_from("0123456789")) for _ in range(length))
    form = ApplicationForm.model_validate({**FORM, "training_plan_approval_number": reference})
    assert screening.form_items(form, "form") == []


def test_every_item_is_found_at_once_in_order() -> None:
    form = ApplicationForm.model_validate(
        {**FORM, "name": f"x{VALID}", "employer_code": "1234-5678-9018"}
    )
    assert screening.form_items(form, "form") == ["form.name", "form.employer_code"]


class _Inner(BaseModel):
    note: str
    number: MyNumber | None = None

    model_config = {"arbitrary_types_allowed": True}


@dataclass
class _Part:
    name: str
    size: int


def test_mappings_lists_models_and_dataclasses_are_walked_and_keys_are_never_quoted() -> None:
    value: dict[str, Any] = {
        "a": ["ok", "１２３４・５６７８・９０１８"],
        VALID: "the key holds it",
        "m": _Inner(note=f"n {VALID}", number=MyNumber(VALID)),
        "d": (_Part(name=f"{VALID}.pdf", size=12),),
        "n": 123456789018,
    }
    found = screening.holding_my_number(value, "body")
    assert found == ["body.a.1", "body.(key)", "body.m.note", "body.d.0.name"]
    assert all(VALID not in path for path in found)
    assert screening.holding_my_number(VALID) == ["$"]


@pytest.mark.parametrize("part", ["code", "field", "message"])
def test_a_reason_quoting_a_my_number_is_found_by_its_part(part: str) -> None:
    texts = {"code": "fix", "field": "name", "message": "check the name"}
    texts[part] = {"code": "1234.5678.9018", "field": "1234 5678 9018", "message": f"番号{VALID}"}[
        part
    ]
    reasons = [Reason(code="ok", message="fine"), Reason(**texts)]
    assert screening.reasons(reasons, "reasons") == [f"reasons.1.{part}"]


@given(st.uuids())
def test_a_uuid_is_never_taken_for_a_my_number(value: uuid.UUID) -> None:
    """A client's idempotency key or a generated file name: random digits, no person's."""
    assert screening.holding_my_number({"key": str(value), "name": f"scan-{value}.pdf"}) == []


def test_a_uuid_whose_last_group_passes_the_check_digit_is_set_aside() -> None:
    tail = "12345678901" + str(my_number.check_digit("12345678901"))
    key = f"0b5e8d2c-4f1a-4c3e-9a7b-{tail}"
    assert my_number.contains(key)  # the log redactor still masks it
    assert screening.holding_my_number(key) == []
    assert screening.holding_my_number(f"{key[:-12]}x {tail}") == ["$"]
