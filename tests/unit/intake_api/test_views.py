"""What the API shows: statuses without actors for bridges, forms without the My Number."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from intake.views import ApplicationStatus, DecisionRequest, ReviewApplication
from kentei.applications.model import Application, Channel, Status, StatusChange
from kentei.my_number import check_digit
from kentei.records.applicant import Applicant

MY_NUMBER = f"16180339887{check_digit('16180339887')}"
RESIDENCE_CARD = "XY98765432ZW"
AT = datetime(2026, 11, 27, 1, 2, 3, tzinfo=UTC)


def _application() -> Application:
    form = Applicant(
        prefecture_code="13",
        name="試験 太郎",
        birth_date="1990-04-01",
        sex="1",
        address="東京都千代田区",
        residence_card_number=RESIDENCE_CARD,
        application_receipt_id="13-0123456789ABCDEFGHJKMNPQRS",
    )
    return Application(
        application_id="13-0123456789ABCDEFGHJKMNPQRS",
        prefecture_code="13",
        channel=Channel.PAPER,
        status=Status.RECEIVED,
        received_at=AT,
        form=form,
        inbox_key="applications/13-0123456789ABCDEFGHJKMNPQRS/",
        submitted_by="staff:13:clerk",
        history=(StatusChange(status=Status.RECEIVED, at=AT, by="staff:13:clerk"),),
    )


def test_the_status_view_has_no_personal_data_and_no_actor() -> None:
    text = ApplicationStatus.of(_application()).model_dump_json()
    assert "試験" not in text
    assert "staff:13:clerk" not in text
    assert '"status":"received"' in text


def test_the_review_view_masks_the_residence_card_number_and_has_no_my_number_item() -> None:
    view = ReviewApplication.of(_application(), ())
    assert "my_number" not in view.form
    assert view.form["residence_card_number"] == "************"
    assert RESIDENCE_CARD not in view.model_dump_json()


def test_returning_needs_a_reason() -> None:
    with pytest.raises(ValidationError):
        DecisionRequest.model_validate({"decision": "return", "reasons": []})


def test_accepting_needs_none() -> None:
    assert DecisionRequest.model_validate({"decision": "accept"}).reasons == ()


def test_a_reason_quoting_a_residence_card_number_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        DecisionRequest.model_validate(
            {"decision": "return", "reasons": [{"code": "x", "message": f"card {RESIDENCE_CARD}"}]}
        )
    assert RESIDENCE_CARD not in str(caught.value.errors(include_input=False))


def test_a_reason_quoting_a_my_number_is_left_to_the_screening() -> None:
    """intake.screening refuses it with a 422 naming the reason's part (tests/unit/intake_api/
    test_screening.py); the model alone cannot name it."""
    request = DecisionRequest.model_validate(
        {"decision": "return", "reasons": [{"code": "x", "message": MY_NUMBER}]}
    )
    assert request.reasons[0].message == MY_NUMBER


def test_unknown_decision_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        DecisionRequest.model_validate({"decision": "accept", "note": "x"})
