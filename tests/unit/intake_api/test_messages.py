"""The application_received message: ids only, and the heartbeat still decodes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kentei import messages
from kentei.applications.model import ID_PATTERN

APPLICATION_ID = "13-0123456789ABCDEFGHJKMNPQRS"


def test_an_application_received_message_round_trips_with_ids_only() -> None:
    sent = messages.ApplicationReceived(application_id=APPLICATION_ID, prefecture_code="13")
    body = messages.encode(sent)
    assert messages.decode(body) == sent
    assert set(messages.decode(body).model_dump()) == {"kind", "application_id", "prefecture_code"}


def test_the_heartbeat_still_decodes() -> None:
    beat = messages.heartbeat()
    assert messages.decode(messages.encode(beat)) == beat


def test_the_message_id_pattern_is_the_models() -> None:
    assert messages.APPLICATION_ID_PATTERN.pattern == ID_PATTERN.pattern


@pytest.mark.parametrize(
    "fields",
    [
        {"application_id": APPLICATION_ID, "prefecture_code": "27"},
        {"application_id": "13-short", "prefecture_code": "13"},
        {"application_id": APPLICATION_ID, "prefecture_code": "13", "name": "試験 太郎"},
    ],
)
def test_a_message_with_another_prefecture_a_bad_id_or_more_fields_is_refused(
    fields: dict[str, str],
) -> None:
    with pytest.raises(ValidationError):
        messages.ApplicationReceived.model_validate(fields)


def test_a_body_with_a_name_is_refused_without_quoting_it() -> None:
    body = (
        '{"kind": "application_received", "application_id": "' + APPLICATION_ID + '",'
        ' "prefecture_code": "13", "name": "試験 太郎"}'
    )
    with pytest.raises(messages.InvalidMessageError) as caught:
        messages.decode(body)
    assert "試験" not in str(caught.value)


def test_an_identity_chosen_message_carries_ids_only() -> None:
    sent = messages.IdentityChosen(application_id=APPLICATION_ID, prefecture_code="13")
    decoded = messages.decode(messages.encode(sent))
    assert decoded == sent
    assert set(decoded.model_dump()) == {"kind", "application_id", "prefecture_code"}


@pytest.mark.parametrize(
    "fields",
    [
        {"application_id": APPLICATION_ID, "prefecture_code": "27"},
        {"application_id": APPLICATION_ID, "prefecture_code": "13", "candidate": 0},
        {"application_id": APPLICATION_ID, "prefecture_code": "13", "reference": "v1:00"},
    ],
)
def test_an_identity_chosen_message_with_more_or_another_prefecture_is_refused(
    fields: dict[str, object],
) -> None:
    with pytest.raises(ValidationError):
        messages.IdentityChosen.model_validate(fields)


CHANGE_REQUEST_ID = "13-CR-0123456789ABCDEFGHJKMNPQRS"


def test_a_change_request_received_message_carries_ids_only() -> None:
    from kentei.roster.changes import REQUEST_ID_PATTERN

    assert messages.CHANGE_REQUEST_ID_PATTERN.pattern == REQUEST_ID_PATTERN
    sent = messages.ChangeRequestReceived(request_id=CHANGE_REQUEST_ID, prefecture_code="13")
    assert messages.decode(messages.encode(sent)) == sent
    assert set(sent.model_dump()) == {"kind", "request_id", "prefecture_code"}
    for fields in (
        {"request_id": CHANGE_REQUEST_ID, "prefecture_code": "27"},
        {"request_id": APPLICATION_ID, "prefecture_code": "13"},
        {"request_id": CHANGE_REQUEST_ID, "prefecture_code": "13", "my_number": "900000000010"},
    ):
        with pytest.raises(ValidationError):
            messages.ChangeRequestReceived.model_validate(fields)


def test_an_initial_registration_received_message_carries_ids_only() -> None:
    from kentei.initial_registrations import INITIAL_REGISTRATION_ID_PATTERN

    assert messages.INITIAL_REGISTRATION_ID_PATTERN.pattern == INITIAL_REGISTRATION_ID_PATTERN
    registration_id = "13-IR-0123456789ABCDEFGHJKMNPQRS"
    sent = messages.InitialRegistrationReceived(request_id=registration_id, prefecture_code="13")
    assert messages.decode(messages.encode(sent)) == sent
    assert set(sent.model_dump()) == {"kind", "request_id", "prefecture_code"}
    for fields in (
        {"request_id": registration_id, "prefecture_code": "27"},
        {"request_id": CHANGE_REQUEST_ID, "prefecture_code": "13"},
        {"request_id": registration_id, "prefecture_code": "13", "my_number": "900000000010"},
    ):
        with pytest.raises(ValidationError):
            messages.InitialRegistrationReceived.model_validate(fields)
