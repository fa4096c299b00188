"""Queue messages: a round trip for valid ones, a clear error without the body for the rest."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from kentei import messages


def test_a_heartbeat_round_trips() -> None:
    sent = messages.heartbeat()
    assert messages.decode(messages.encode(sent)) == sent


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json 123456789018", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"kind": "unknown"}', "missing or unknown"),
        (
            '{"kind": "heartbeat", "heartbeat_id": "x", "sent_at": "2026-01-01T00:00:00Z"}',
            "heartbeat_id",
        ),
        (
            '{"kind": "heartbeat", "heartbeat_id": "0b7e3c8e-4a4f-4f0b-9f3e-0f0e6d1c2b3a",'
            ' "sent_at": "2026-01-01T00:00:00Z", "name": "山田"}',
            "name",
        ),
    ],
)
def test_an_invalid_body_is_refused_with_a_reason_that_does_not_quote_it(
    body: str, reason: str
) -> None:
    with pytest.raises(messages.InvalidMessageError) as caught:
        messages.decode(body)
    assert reason in str(caught.value)
    assert "123456789018" not in str(caught.value)
    assert "山田" not in str(caught.value)


def test_a_ticket_void_round_trips_and_refuses_anything_but_its_ids() -> None:
    sent = messages.TicketVoid(application_id="13-01J0000000000000000000000A", prefecture_code="13")
    assert messages.decode(messages.encode(sent)) == sent
    body = json.loads(messages.encode(sent))
    for bad, reason in (
        ({**body, "name": "山田"}, "name"),
        ({**body, "prefecture_code": "27"}, "(body)"),
        ({"kind": "ticket_void", "prefecture_code": "13"}, "application_id"),
    ):
        with pytest.raises(messages.InvalidMessageError) as caught:
            messages.decode(json.dumps(bad))
        assert reason in str(caught.value)
        assert "山田" not in str(caught.value)


def test_passes_announced_round_trips_and_carries_ids_of_its_prefecture_only() -> None:
    sent = messages.PassesAnnounced(
        prefecture_code="13",
        group_key="2026-前期#0301#030101#2級",
        application_ids=("13-01J0000000000000000000000A", "13-01J0000000000000000000000B"),
    )
    assert messages.decode(messages.encode(sent)) == sent
    body = json.loads(messages.encode(sent))
    for bad, reason in (
        ({**body, "name": "山田"}, "name"),
        ({**body, "application_ids": ["27-01J0000000000000000000000A"]}, "(body)"),
        ({**body, "application_ids": ["山田"]}, "(body)"),
        ({**body, "application_ids": []}, "application_ids"),
    ):
        with pytest.raises(messages.InvalidMessageError) as caught:
            messages.decode(json.dumps(bad))
        assert reason in str(caught.value)
        assert "山田" not in str(caught.value)


def test_proof_requested_carries_ids_only() -> None:
    sent = messages.ProofRequested(
        application_id="13-01J0000000000000000000000A",
        prefecture_code="13",
        proof_id="0123456789abcdef",
    )
    assert messages.decode(messages.encode(sent)) == sent
    body = json.loads(messages.encode(sent))
    for bad, reason in (
        ({**body, "name_latin": "Taro"}, "name_latin"),
        ({**body, "proof_id": "Taro"}, "proof_id"),
        ({**body, "prefecture_code": "27"}, "(body)"),
    ):
        with pytest.raises(messages.InvalidMessageError) as caught:
            messages.decode(json.dumps(bad))
        assert reason in str(caught.value)
        assert "Taro" not in str(caught.value)


def test_status_lists_due_carries_its_scheduled_instant_only() -> None:
    sent = messages.StatusListsDue(scheduled_at=datetime(2026, 12, 8, 18, 15, tzinfo=UTC))
    assert messages.decode(messages.encode(sent)) == sent
    for bad, reason in (
        ({"kind": "status_lists_due"}, "scheduled_at"),
        ({"kind": "status_lists_due", "scheduled_at": "2026-12-08T18:15:00"}, "scheduled_at"),
        (
            {"kind": "status_lists_due", "scheduled_at": "2026-12-08T18:15:00Z", "lists": [1]},
            "lists",
        ),
    ):
        with pytest.raises(messages.InvalidMessageError) as caught:
            messages.decode(json.dumps(bad))
        assert reason in str(caught.value)
