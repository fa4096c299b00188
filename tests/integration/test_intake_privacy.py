"""After submissions (applications and signed change requests), refusals and review through
the local runtime: no valid My Number in any DynamoDB item (records, audit, idempotency), queue
message or intake log record, the idempotency records hold the 202 answer (ids) only, and a
change request's record holds ids and status only (never the items). The raw submission, My
Number included, is in the inbox only, under the vault key."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.intake_helpers import (
    MY_NUMBER,
    MYNAPORTAL,
    NAME,
    REVIEW,
    STAFF_TOKYO,
    TOKYO,
    IntakeSystem,
    b64,
    form,
    intake_system,
    mynaportal_body,
    new_key,
    paper_body,
    sign_detached,
    stored_my_numbers,
    valid_my_number,
)

RESIDENCE_CARD = "QR13572468ST"
NEW_ADDRESS = "東京都港区転居町九丁目8番7号"
CHANGE_ITEMS = {"address": NEW_ADDRESS, "employer_name": "見本工業株式会社"}


def change_request_body(
    items: dict[str, Any] | None = None, pseudonym: str = "mp-pseudonym-0001"
) -> dict[str, Any]:
    signed = json.dumps(
        {
            "mynaportal_pseudonym_id": pseudonym,
            "my_number": MY_NUMBER,
            "prefecture_code": TOKYO,
            "items": CHANGE_ITEMS if items is None else items,
        },
        ensure_ascii=False,
    ).encode()
    return {
        "channel": "mynaportal",
        "document": b64(signed),
        "signature": b64(sign_detached(signed)),
    }


def _change_requests(system: IntakeSystem) -> None:
    """A signed change request (and its replay), and refusals with a My Number in an item, the
    pseudonym, the status path and the key."""
    client = system.client
    headers = {"Content-Type": "application/json"}

    def post(body: dict[str, Any], key: str) -> None:
        client.request(
            "POST",
            "/v1/change-requests",
            MYNAPORTAL,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={**headers, "Idempotency-Key": key},
        )

    key, body = new_key(), change_request_body()
    post(body, key)
    post(body, key)
    for refused in (
        change_request_body({"employer_name": f"番号 {MY_NUMBER}"}),
        change_request_body({"address": NEW_ADDRESS, "phone": MY_NUMBER}),
        change_request_body(pseudonym=MY_NUMBER),
    ):
        post(refused, new_key())
    post(change_request_body(), MY_NUMBER)
    client.get(f"/v1/change-requests/{MY_NUMBER}", MYNAPORTAL)


class _Records(logging.Handler):
    """Every record intake logs, as raw text before any formatter redacts it."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(json.dumps(record.__dict__, default=str, ensure_ascii=False))


@pytest.fixture(scope="module")
def logged() -> Iterator[_Records]:
    records = _Records()
    logger = logging.getLogger("intake")
    logger.addHandler(records)
    try:
        yield records
    finally:
        logger.removeHandler(records)


@pytest.fixture(scope="module")
def system(logged: _Records) -> Iterator[IntakeSystem]:
    with intake_system() as started:
        _exercise(started)
        yield started


def _exercise(system: IntakeSystem) -> None:
    """Submissions, refusals with My Numbers in every place a client can put one, review."""
    client = system.client
    key, body = new_key(), mynaportal_body(form(residence_card_number=RESIDENCE_CARD))
    accepted = client.submit(body, MYNAPORTAL, key).json()["application_id"]
    client.submit(body, MYNAPORTAL, key)
    client.submit(mynaportal_body(pseudonym="mp-other-0001"), MYNAPORTAL, key)
    paper = client.submit(paper_body(), STAFF_TOKYO, new_key()).json()["application_id"]
    wrong = MY_NUMBER[:11] + str((int(MY_NUMBER[11]) + 1) % 10)
    for refused in (
        mynaportal_body(form(my_number=wrong)),
        paper_body(form(my_number=wrong)),
        {"channel": MY_NUMBER},
        {**mynaportal_body(), MY_NUMBER: MY_NUMBER},
        paper_body(form(name=MY_NUMBER)),
        paper_body(form(postal_code=MY_NUMBER)),
    ):
        client.submit(refused, MYNAPORTAL, new_key())
        client.submit(refused, STAFF_TOKYO, new_key())
    client.submit(mynaportal_body(), MYNAPORTAL, MY_NUMBER)
    client.get(f"/v1/applications/{MY_NUMBER}", MYNAPORTAL)
    client.get(REVIEW, STAFF_TOKYO, params={"cursor": MY_NUMBER})
    system.under_review(accepted)
    client.get(f"{REVIEW}/{accepted}", STAFF_TOKYO)
    client.decide(
        accepted, STAFF_TOKYO, "return", [{"code": "fix", "message": f"number {MY_NUMBER}"}]
    )
    client.decide(accepted, STAFF_TOKYO, "return", [{"code": "fix", "message": "check the form"}])
    client.submit(
        mynaportal_body(form(my_number=valid_my_number("11235813213"))),
        MYNAPORTAL,
        new_key(),
        params={"resubmission_of": accepted},
    )
    system.under_review(paper)
    client.decide(paper, STAFF_TOKYO, "accept")
    _change_requests(system)


def test_no_my_number_is_stored_in_any_table_or_queue(system: IntakeSystem) -> None:
    assert system.my_numbers() == {}
    records = json.dumps(system.records(), ensure_ascii=False)
    assert RESIDENCE_CARD in records, "the residence-card number is kept for review"


def test_the_scan_would_find_one(system: IntakeSystem) -> None:
    planted = {"prefecture_code": {"S": "13"}, "record_key": {"S": "PLANTED"}}
    table = system.runtime.resources.tables["records"]
    system.runtime.dynamodb().put_item(
        TableName=table, Item={**planted, "note": {"S": f"x {MY_NUMBER} y"}}
    )
    try:
        assert system.my_numbers() == {"records": 1}
    finally:
        system.runtime.dynamodb().delete_item(TableName=table, Key=planted)


def test_idempotency_records_hold_the_answer_only(system: IntakeSystem) -> None:
    items = system.scan("idempotency")
    assert items
    for item in items:
        assert set(item) <= {
            "id",
            "expiration",
            "in_progress_expiration",
            "status",
            "data",
            "validation",
        }
        if "data" in item:
            assert set(json.loads(item["data"]["S"])) in (
                {"application_id", "status", "status_url"},
                {"request_id", "status", "status_url"},
            )
        assert NAME not in json.dumps(item, ensure_ascii=False)


def test_queue_messages_carry_ids_only(system: IntakeSystem) -> None:
    messages = system.queued()
    assert messages
    for message in messages:
        assert set(json.loads(message["Body"])) in (
            {"kind", "application_id", "prefecture_code"},
            {"kind", "request_id", "prefecture_code"},
        )
    assert any(json.loads(m["Body"])["kind"] == "change_request_received" for m in messages)


def test_a_change_requests_record_holds_ids_and_status_only(system: IntakeSystem) -> None:
    kept = [i for i in system.records() if i["record_key"]["S"].startswith("CHANGE_REQUEST#")]
    assert len(kept) == 1, "the replay and the refusals stored nothing"
    (item,) = kept
    assert set(item) == {
        "prefecture_code",
        "record_key",
        "item_type",
        "status",
        "submitted_by",
        "request_fingerprint",
        "request",
    }
    text = json.dumps(item, ensure_ascii=False)
    assert stored_my_numbers(text) == []
    for value in (*CHANGE_ITEMS.values(), "mp-pseudonym-0001", NAME):
        assert value not in text


def test_intake_logs_no_personal_value(system: IntakeSystem, logged: _Records) -> None:
    assert logged.texts
    for text in logged.texts:
        assert stored_my_numbers(text) == [], text
        assert NAME not in text
        assert RESIDENCE_CARD not in text


def test_the_raw_submission_with_its_my_number_is_in_the_inbox_only(
    system: IntakeSystem,
) -> None:
    s3 = system.runtime.s3()
    inbox = system.runtime.resources.buckets["inbox"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=inbox)["Contents"]]
    documents = [
        s3.get_object(Bucket=inbox, Key=k)["Body"].read().decode()
        for k in keys
        if k.endswith("/document.json")
    ]
    assert any(MY_NUMBER in document for document in documents)
    attachments = system.runtime.resources.buckets["attachments"]
    for entry in s3.list_objects_v2(Bucket=attachments)["Contents"]:
        content = s3.get_object(Bucket=attachments, Key=entry["Key"])["Body"].read()
        assert MY_NUMBER.encode() not in content
