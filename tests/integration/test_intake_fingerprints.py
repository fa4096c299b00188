"""Hole 3: no stored value lets a reader of the tables confirm a guessed My Number.

A paper body is the form staff keyed in, and the records table holds that form without the
My Number. Someone who can read the tables (and knows how the client serialises its JSON)
can rebuild the body for any guess of the number; if the request's fingerprint, or the
idempotency record's payload hash, were an unkeyed SHA-256, the guess that matches would be
the number. Both are keyed (an HMAC under the ``fingerprint`` KMS key, GenerateMac in the
local runtime's moto), so neither the true number nor a wrong one can be confirmed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.intake_helpers import (
    MY_NUMBER,
    STAFF_TOKYO,
    IntakeSystem,
    form,
    intake_system,
    new_key,
    paper_body,
    valid_my_number,
)

from kentei.applications.model import Application
from kentei.data.applications import PrefectureApplications


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


def _strings(value: Any) -> set[str]:
    """Every string in an item (its attribute values, at any depth), as stored."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v)}
    return set()


def _guesses(body: bytes) -> set[str]:
    """What an unkeyed fingerprint of ``body`` would be stored as: the request's SHA-256
    (as intake computed it before), its Powertools payload hash (SHA-256 of the JSON of the
    fingerprint), and the plain SHA-256 of the body."""
    request = hashlib.sha256(b"resubmission_of=\n" + body).hexdigest()
    return {
        request,
        hashlib.sha256(json.dumps(request).encode()).hexdigest(),
        hashlib.sha256(body).hexdigest(),
        hashlib.sha256(json.dumps(hashlib.sha256(body).hexdigest()).encode()).hexdigest(),
    }


def test_guessing_the_my_number_of_a_paper_submission_confirms_nothing(
    system: IntakeSystem,
) -> None:
    sent = form()
    body = paper_body(sent)
    response = system.client.submit(body, STAFF_TOKYO, new_key())
    assert response.status_code == 202, response.text
    application_id = response.json()["application_id"]

    records = system.records()
    (item,) = [i for i in records if i.get("application_id", {}).get("S") == application_id][:1]
    stored = Application.model_validate_json(item["application"]["S"])
    stored_form = stored.form.model_dump(mode="json")
    # What the table holds is the whole form but the number: the body can be rebuilt.
    items = list(sent)  # the client's order of items, as a reader could learn it
    assert {k: stored_form[k] for k in items if k != "my_number"} == {
        k: v for k, v in sent.items() if k != "my_number"
    }

    def rebuilt(guess: str) -> bytes:
        rebuilt_form = {k: guess if k == "my_number" else stored_form[k] for k in items}
        return json.dumps(paper_body(rebuilt_form)).encode("utf-8")

    assert rebuilt(MY_NUMBER) == json.dumps(body).encode("utf-8"), "the rebuild is exact"
    stored_values = _strings(records) | _strings(system.scan("idempotency"))
    for guess in (MY_NUMBER, valid_my_number("27182818284")):
        assert not _guesses(rebuilt(guess)) & stored_values, "a guess of the number is confirmed"
    assert "request_fingerprint" in item
    assert "request_sha256" not in item


def test_the_idempotency_record_validates_on_the_keyed_fingerprint(system: IntakeSystem) -> None:
    body = paper_body(form(name="試験 次郎"))
    key = new_key()
    first = system.client.submit(body, STAFF_TOKYO, key)
    again = system.client.submit(body, STAFF_TOKYO, key)
    other = system.client.submit(paper_body(form(name="試験 三郎")), STAFF_TOKYO, key)
    assert (first.status_code, again.status_code, other.status_code) == (202, 202, 409)
    assert again.json() == first.json()
    (item,) = [
        i
        for i in system.records()
        if i.get("application_id", {}).get("S") == first.json()["application_id"]
        and "application" in i
    ]
    fingerprint = item["request_fingerprint"]["S"]
    assert fingerprint.startswith("v1:")
    validations = {i["validation"]["S"] for i in system.scan("idempotency") if "validation" in i}
    assert hashlib.sha256(json.dumps(fingerprint).encode()).hexdigest() in validations


def test_an_item_written_before_fingerprints_were_keyed_reads_and_loses_its_hash_on_write(
    system: IntakeSystem,
) -> None:
    response = system.client.submit(paper_body(form(name="試験 四郎")), STAFF_TOKYO, new_key())
    application_id = response.json()["application_id"]
    table = system.runtime.resources.tables["records"]
    dynamodb = system.runtime.dynamodb()
    key = {"prefecture_code": {"S": "13"}, "record_key": {"S": f"APPLICATION#{application_id}"}}
    item = dynamodb.get_item(TableName=table, Key=key)["Item"]
    legacy = {k: v for k, v in item.items() if k != "request_fingerprint"}
    legacy["request_sha256"] = {"S": "0" * 64}  # as intake wrote it before: an unkeyed hash
    dynamodb.put_item(TableName=table, Item=legacy)

    store = PrefectureApplications("13")
    old = store.get(application_id)
    assert old is not None
    assert old.request_fingerprint is None  # the unkeyed hash is not read
    system.under_review(application_id)  # verify's next write of the item

    rewritten = dynamodb.get_item(TableName=table, Key=key)["Item"]
    assert "request_sha256" not in rewritten
    assert "request_fingerprint" not in rewritten
