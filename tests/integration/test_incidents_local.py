"""Incident tracing through the local runtime over HTTP (P9's done-when): one staff user opens
N persons' applications over a day through the real review routes; the auditor's trace of
that user over that day lists exactly those persons, as the audit trail's own search by user
finds them, and no one else: another user's reads, the same user's reads of another day and
of another prefecture (the same user id there) are left out. The application's trace, the
CSV export and the report agree, and every trace is itself in the trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
from tests.integration.intake_helpers import (
    MYNAPORTAL,
    OSAKA,
    TOKYO,
    IntakeSystem,
    form,
    intake_system,
    mynaportal_body,
    new_key,
)

from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome, AuditQuery, AuditTrail

USER = "tracedreviewer"
OPENER = f"staff:{TOKYO}:{USER}:reviewer"
ANOTHER_USER = f"staff:{TOKYO}:otherreviewer:reviewer"
SAME_USER_IN_OSAKA = f"staff:{OSAKA}:{USER}:reviewer"
AUDITOR = f"staff:{TOKYO}:auditor1:auditor"
OPENED = tuple(f"incident-person-{n:04d}" for n in range(4))
BY_ANOTHER_USER = "incident-person-0100"
ANOTHER_DAY = "incident-person-0200"
IN_OSAKA = "incident-person-0300"


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


def _under_review(system: IntakeSystem, person: str, prefecture: str = TOKYO) -> str:
    body = mynaportal_body(form(prefecture_code=prefecture))
    response = system.client.submit(body, MYNAPORTAL, new_key())
    assert response.status_code == 202, response.text
    application_id: str = response.json()["application_id"]
    assert system.under_review(application_id, person=person) is None
    return application_id


def _open(system: IntakeSystem, application_id: str, caller: str) -> None:
    opened = system.client.get(f"/v1/review/applications/{application_id}", caller)
    assert opened.status_code == 200, opened.text


def test_given_a_users_day_of_reads_when_traced_then_exactly_the_persons_opened_are_listed(
    system: IntakeSystem,
) -> None:
    start = dt.datetime.now(dt.UTC)
    window = {"from": start.isoformat(), "to": (start + dt.timedelta(days=1)).isoformat()}
    opened = [_under_review(system, person) for person in OPENED]
    for application_id in opened:
        _open(system, application_id, OPENER)
    _open(system, opened[0], OPENER)  # a second read of one person: still one person
    _open(system, _under_review(system, BY_ANOTHER_USER), ANOTHER_USER)
    _open(system, _under_review(system, IN_OSAKA, prefecture=OSAKA), SAME_USER_IN_OSAKA)
    yesterday = _under_review(system, ANOTHER_DAY)
    AuditTrail().record(
        AuditEvent(
            actor=f"staff:{TOKYO}:{USER}",
            action=AuditAction.APPLICATION_OPENED,
            record_type="application",
            record_id=yesterday,
            prefecture_code=TOKYO,
            request_id="yesterday",
            at=start - dt.timedelta(days=1),
            outcome=AuditOutcome.ALLOWED,
            user_id=USER,
            roles=("reviewer",),
            actor_prefecture=TOKYO,
            person_id=ANOTHER_DAY,
        )
    )

    traced = system.client.get("/v1/incidents/trace", AUDITOR, params={"user": USER, **window})

    assert traced.status_code == 200, traced.text
    trace = traced.json()
    persons = [p["person_id"] for p in trace["persons"]]
    assert persons == sorted(OPENED)
    entries = AuditTrail().search(
        AuditQuery(
            prefecture_code=TOKYO,
            since=start,
            until=start + dt.timedelta(days=1),
            user_id=USER,
            limit=500,
        )
    )
    refused = (AuditOutcome.DENIED, AuditOutcome.NOT_FOUND)
    reached = {e.person_id for e in entries.items if e.outcome not in refused}
    assert set(persons) == reached - {None}
    assert trace["counts"]["by_prefecture"] == [
        {"prefecture_code": TOKYO, "records": len(entries.items), "persons": len(OPENED)}
    ]
    assert {r["record_id"] for r in trace["records"]} == set(opened)
    assert next(p for p in trace["persons"] if p["person_id"] == OPENED[0])["records"] == 2

    exported = system.client.get(
        "/v1/incidents/trace/export", AUDITOR, params={"user": USER, **window}
    )
    assert exported.status_code == 200, exported.text
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {row["person_id"] for row in rows} == set(OPENED)

    report = system.client.get("/v1/incidents/report", AUDITOR, params={"user": USER, **window})
    assert report.status_code == 200, report.text
    assert report.json()["persons_to_contact"] == sorted(OPENED)

    audited = system.client.get("/v1/audit", AUDITOR, params={"user": "auditor1"}).json()
    assert {"incident.traced", "incident.exported", "incident.reported"} <= {
        e["action"] for e in audited["items"]
    }


def test_given_an_application_when_traced_then_its_readers_and_person_are_listed(
    system: IntakeSystem,
) -> None:
    application_id = _under_review(system, "incident-person-0400")
    _open(system, application_id, f"staff:{TOKYO}:appreader1:reviewer")
    _open(system, application_id, f"staff:{TOKYO}:appreader2:reviewer")

    traced = system.client.get(
        "/v1/incidents/trace", AUDITOR, params={"application": application_id}
    )

    assert traced.status_code == 200, traced.text
    trace = traced.json()
    assert [p["person_id"] for p in trace["persons"]] == ["incident-person-0400"]
    readers = {
        r["user_id"] for r in trace["records"] if r["action"] == AuditAction.APPLICATION_OPENED
    }
    assert readers == {"appreader1", "appreader2"}


def test_given_an_auditor_of_another_prefecture_when_tracing_an_application_then_not_found(
    system: IntakeSystem,
) -> None:
    application_id = _under_review(system, "incident-person-0500")
    osaka_auditor = f"staff:{OSAKA}:auditor9:auditor"

    traced = system.client.get(
        "/v1/incidents/trace", osaka_auditor, params={"application": application_id}
    )

    assert traced.status_code == 404, traced.text
    refused = system.client.get(
        "/v1/incidents/trace",
        f"staff:{TOKYO}:notanauditor:reviewer",
        params={"application": application_id},
    )
    assert refused.status_code == 403, refused.text
