"""The application form: the applicant's items, validated as the Applicant record is."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kentei.records import Applicant
from kentei.submissions import SAMPLE_MY_NUMBER, ApplicationForm

from .builders import FORM


def test_given_the_applicant_record_then_the_form_has_its_items_but_the_receipt_id() -> None:
    expected = {n: f for n, f in Applicant.model_fields.items() if n != "application_receipt_id"}

    assert list(ApplicationForm.model_fields) == list(expected)
    for name, field in ApplicationForm.model_fields.items():
        record = expected[name]
        assert (field.annotation, field.alias, field.description, field.default) == (
            record.annotation,
            record.alias,
            record.description,
            record.default,
        ), name
        assert field.metadata == record.metadata, name
    assert ApplicationForm.date_order == Applicant.date_order


def test_given_a_form_when_received_then_the_record_has_the_receipt_id_not_the_my_number() -> None:
    form = ApplicationForm.model_validate(FORM)

    applicant = form.to_applicant("13-01JD5G0V2Q4W8X9Y0Z1A2B3C4D")

    assert applicant.application_receipt_id == "13-01JD5G0V2Q4W8X9Y0Z1A2B3C4D"
    assert applicant.my_number is None
    assert applicant.model_dump(exclude={"application_receipt_id", "my_number"}) == (
        form.model_dump(exclude={"my_number"})
    )


def test_given_a_form_when_asked_to_keep_it_then_the_record_holds_the_my_number() -> None:
    applicant = ApplicationForm.model_validate(FORM).to_applicant("R-1", keep_my_number=True)

    assert applicant.my_number is not None
    assert applicant.my_number.reveal() == SAMPLE_MY_NUMBER


@pytest.mark.parametrize("key", ["application_receipt_id", "申請受付ID"])
def test_given_a_receipt_id_in_a_form_then_it_is_refused(key: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ApplicationForm.model_validate({**FORM, key: "R-1"})

    assert [e["type"] for e in caught.value.errors()] == ["extra_forbidden"]


def test_given_entry_after_expiry_then_the_form_is_refused_as_the_record_is() -> None:
    items = {**FORM, "entry_date": "2026-01-02", "residence_expiry_date": "2026-01-01"}

    with pytest.raises(ValidationError):
        Applicant.model_validate(items)
    with pytest.raises(ValidationError):
        ApplicationForm.model_validate(items)
