"""Paper: a form keyed in by staff of its prefecture, with how identity was confirmed."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from kentei.applications.model import Channel, IdentityConfirmation, PaperEntry
from kentei.callers import Caller, CallerKind
from kentei.submissions import PaperRequest, SubmissionError, field_errors, parse_paper

from .builders import BAD_MY_NUMBER, FORM, PDF, upload

STAFF = Caller(CallerKind.STAFF, prefecture_code=FORM["prefecture_code"], user_id="suzuki")


def paper(form: dict[str, object] | None = None, **extra: object) -> PaperRequest:
    return PaperRequest.model_validate(
        {
            "channel": "paper",
            "form": FORM if form is None else form,
            "identity_confirmation": "drivers_license",
            **extra,
        }
    )


def test_given_staff_of_the_forms_prefecture_then_parsed_with_who_and_how() -> None:
    request = paper(attachments=[upload("申請書.pdf", PDF)])

    parsed = parse_paper(request, STAFF)

    assert parsed.channel is Channel.PAPER
    assert parsed.prefecture_code == FORM["prefecture_code"]
    assert parsed.paper == PaperEntry(
        entered_by="staff:13:suzuki", identity_confirmation=IdentityConfirmation.DRIVERS_LICENSE
    )
    assert parsed.mynaportal_pseudonym_id is None
    assert [p.name for p in parsed.raw_parts] == ["form.json", "attachments/申請書.pdf"]


def test_given_a_paper_form_then_form_json_is_as_entered_with_english_keys() -> None:
    japanese_keys = {"氏名" if k == "name" else k: v for k, v in FORM.items()}

    parsed = parse_paper(paper(japanese_keys), STAFF)

    entered = json.loads(parsed.raw_parts[0].content)
    assert set(entered) == set(FORM)
    assert entered["my_number"] == FORM["my_number"]
    assert entered["name"] == FORM["name"]
    assert entered["birth_date"] == FORM["birth_date"]


def test_given_staff_of_another_prefecture_then_403_wrong_prefecture() -> None:
    other = Caller(CallerKind.STAFF, prefecture_code="27", user_id="tanaka")

    with pytest.raises(SubmissionError) as caught:
        parse_paper(paper(), other)

    assert (caught.value.kind, caught.value.slug) == ("forbidden", "wrong-prefecture")
    assert caught.value.errors[0].field == "form.prefecture_code"


def test_given_a_bridge_as_the_caller_then_403_staff_only() -> None:
    bridge = Caller(CallerKind.BRIDGE, bridge="mynaportal")

    with pytest.raises(SubmissionError) as caught:
        parse_paper(paper(), bridge)

    assert (caught.value.kind, caught.value.slug) == ("forbidden", "staff-only")


def test_given_a_bad_attachment_then_the_same_checks_as_online() -> None:
    request = paper(attachments=[upload("a.png", PDF, "image/png")])

    with pytest.raises(SubmissionError) as caught:
        parse_paper(request, STAFF)

    assert (caught.value.kind, caught.value.slug) == (
        "unsupported_media_type",
        "media-type-mismatch",
    )


@pytest.mark.parametrize("key", ["my_number", "個人番号"])
def test_given_a_wrong_check_digit_then_the_request_model_names_form_my_number(key: str) -> None:
    form = {k: v for k, v in FORM.items() if k != "my_number"} | {key: BAD_MY_NUMBER}

    with pytest.raises(ValidationError) as caught:
        paper(form)

    errors = field_errors(caught.value.errors(include_input=False), form_at=("form",))
    assert [e.field for e in errors] == ["form.my_number"]
    assert BAD_MY_NUMBER not in str(caught.value) + str(errors)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"申請受付ID": "R-1"}, "form.application_receipt_id"),
        ({"hobby": "fishing"}, "form.hobby"),
    ],
)
def test_given_an_item_the_form_does_not_have_then_refused(
    change: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        paper(FORM | change)

    errors = field_errors(caught.value.errors(include_input=False), form_at=("form",))
    assert [e.field for e in errors] == [field]


def test_given_an_unknown_envelope_field_then_refused() -> None:
    with pytest.raises(ValidationError):
        paper(entered_by="someone else")
