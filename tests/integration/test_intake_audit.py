"""The audit trail through the local runtime over HTTP: an auditor finds the review of an
application by the person's 資格仮名ID, exports it, and the chain verifies until one stored
entry is altered; roles are enforced (403) and other prefectures stay invisible (404),
and both refusals are in the trail."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from tests.integration.intake_helpers import (
    MYNAPORTAL,
    STAFF_OSAKA,
    STAFF_TOKYO,
    TOKYO,
    IntakeSystem,
    intake_system,
    mynaportal_body,
    new_key,
    paper_body,
)

PERSON = "qual-pseudonym-0001"
AUDITOR = f"staff:{TOKYO}:auditor1:auditor"
REVIEWER_ONLY = f"staff:{TOKYO}:reviewer3:reviewer"


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


def _reviewed(system: IntakeSystem) -> str:
    response = system.client.submit(mynaportal_body(), MYNAPORTAL, new_key())
    assert response.status_code == 202, response.text
    application_id: str = response.json()["application_id"]
    system.under_review(application_id, person=PERSON)
    decided = system.client.decide(application_id, STAFF_TOKYO, "accept")
    assert decided.status_code == 200, decided.text
    return application_id


def test_an_auditor_finds_a_review_by_the_persons_pseudonym_and_the_chain_verifies(
    system: IntakeSystem,
) -> None:
    application_id = _reviewed(system)

    found = system.client.get("/v1/audit", AUDITOR, params={"person": PERSON})
    assert found.status_code == 200, found.text
    entries = [e for e in found.json()["items"] if e["record_id"] == application_id]
    accepted = next(e for e in entries if e["action"] == "application.accepted")
    assert (accepted["actor"], accepted["user_id"], accepted["outcome"]) == (
        STAFF_TOKYO,
        "reviewer1",
        "succeeded",
    )
    assert accepted["source_ip"] == "127.0.0.1"
    assert accepted["person_id"] == PERSON

    exported = system.client.get("/v1/audit/export", AUDITOR, params={"record": application_id})
    assert exported.status_code == 200, exported.text
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert "application.accepted" in {row["action"] for row in rows}

    searched = system.client.get("/v1/audit", AUDITOR, params={"action": "audit.searched"})
    assert any(e["person_id"] == PERSON for e in searched.json()["items"])

    verified = system.client.get("/v1/audit/verification", AUDITOR)
    assert verified.status_code == 200, verified.text
    assert verified.json()["intact"] is True, verified.json()


def test_roles_and_prefectures_are_enforced_and_refusals_audited(system: IntakeSystem) -> None:
    application_id = _reviewed(system)

    paper = system.client.submit(paper_body(), REVIEWER_ONLY, new_key())
    assert paper.status_code == 403, paper.text
    assert system.client.get("/v1/audit", STAFF_TOKYO).status_code == 403
    other = system.client.get(f"/v1/review/applications/{application_id}", STAFF_OSAKA)
    assert other.status_code == 404, other.text

    tokyo = system.client.get("/v1/audit", AUDITOR, params={"user": "reviewer3"}).json()
    assert ("application.received", "denied") in {
        (e["action"], e["outcome"]) for e in tokyo["items"]
    }
    osaka = system.client.get(
        "/v1/audit", "staff:27:auditor9:auditor", params={"record": application_id}
    )
    assert [(e["action"], e["outcome"]) for e in osaka.json()["items"]][-1] == (
        "application.opened",
        "not_found",
    )


def test_altering_a_stored_entry_makes_the_verification_name_it(system: IntakeSystem) -> None:
    _reviewed(system)
    entry = next(
        item
        for item in system.scan("audit")
        if item["audit_partition"]["S"].startswith(f"PREFECTURE#{TOKYO}#") and "seq" in item
    )
    key = {"audit_partition": entry["audit_partition"], "event_key": entry["event_key"]}
    table = system.runtime.resources.tables["audit"]
    dynamodb = system.runtime.dynamodb()
    dynamodb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET outcome = :o",
        ExpressionAttributeValues={":o": {"S": "denied"}},
    )
    try:
        verified = system.client.get("/v1/audit/verification", AUDITOR).json()
    finally:
        # Put it back: the other tests of this runtime verify the same chain.
        dynamodb.put_item(TableName=table, Item=entry)

    assert verified["intact"] is False
    assert verified["first_broken"]["event_key"] == entry["event_key"]["S"]
    assert verified["first_broken"]["reason"] == "entry altered"
    assert system.client.get("/v1/audit/verification", AUDITOR).json()["intact"] is True
