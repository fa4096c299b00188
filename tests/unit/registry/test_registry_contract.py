"""The wire contract: what the fake server writes, the adapter reads back unchanged."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kentei.my_number import MyNumber
from kentei.records.codes import Sex
from kentei.registry import RegistryProtocolError, contract
from kentei.registry.fake import SeededRegistry
from kentei_local.fake_registry_server import DEMO_SEED

TARO = MyNumber("900000000010")


@pytest.fixture(scope="module")
def registry() -> SeededRegistry:
    return SeededRegistry.from_file(DEMO_SEED)


def test_given_each_seeded_record_then_it_round_trips(registry: SeededRegistry) -> None:
    for number in ("900000000010", "900000000052", "900000000060", "900000000079"):
        record = registry.by_my_number(MyNumber(number))
        assert contract.parse_record(contract.record_body(record)) == record


def test_given_candidates_then_they_round_trip_with_their_numbers(
    registry: SeededRegistry,
) -> None:
    candidates = registry.by_four_items(
        "見本 太郎", date(1990, 4, 1), Sex.MALE, "東京都千代田区見本町1-2-3"
    )
    body = contract.candidates_body(candidates)

    assert json.loads(body)["candidates"][0]["my_number"] == "900000000010"
    assert contract.parse_candidates(body) == candidates


def test_given_requests_then_their_bodies_follow_the_contract() -> None:
    assert json.loads(contract.by_my_number_body(TARO)) == {"my_number": "900000000010"}
    assert json.loads(
        contract.by_four_items_body("見本 太郎", date(1990, 4, 1), Sex.MALE, "東京都")
    ) == {"name": "見本 太郎", "birth_date": "1990-04-01", "sex": "1", "address": "東京都"}
    request = contract.ByMyNumberRequest.model_validate_json(contract.by_my_number_body(TARO))
    assert request.my_number == TARO


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b"", "Invalid JSON"),
        (b"[]", "body"),
        (b'{"status": "alive", "person": null}', "status"),
        (b'{"status": "unknown", "person": null, "extra": "x"}', "extra"),
        (
            b'{"status": "current", "person": {"name": "x", "birth_date": "1990-04-01",'
            b' "sex": "M", "address": "y"}}',
            "person.sex",
        ),
    ],
)
def test_given_a_reply_outside_the_contract_then_a_protocol_error_naming_the_field(
    body: bytes, where: str
) -> None:
    with pytest.raises(RegistryProtocolError, match=where) as raised:
        contract.parse_record(body)
    assert "alive" not in str(raised.value)


def test_given_a_problem_then_it_is_rfc_9457_shaped() -> None:
    assert json.loads(contract.problem_body(503, "down")) == {
        "type": "urn:kentei:registry:503",
        "title": "down",
        "status": 503,
    }
