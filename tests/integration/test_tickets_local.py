"""An exam ticket from the exam office's request to a PDF it downloads, through the local
runtime: intake (HTTP, a real token) queues ``ticket_due``, the real certify consumes it,
renders and stores the ticket and notifies the Mynaportal applicant; the download link
gives the stored PDF."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
import requests
from tests.integration.intake_helpers import TOKYO, IntakeSystem, intake_system
from tests.unit.review.factory import application, form
from tests.unit.sessions.factory import WRITTEN_2, session

from kentei.applications.model import Status
from kentei.data.applications import PrefectureApplications
from kentei.data.roster import PrefectureRoster
from kentei.data.sessions import PrefectureSessions
from kentei.exams.catalogue import load_catalogue
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei.sessions.model import SessionPart
from kentei.sessions.seating import seat_accepted
from kentei_local.probes import wait_until

EXAM_ADMIN = f"staff:{TOKYO}:exam-admin-{TOKYO}:exam_admin"
AT = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
WAIT_S = 60.0


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        started.runtime.pump("certify").start()
        yield started


def _seated_sitting() -> str:
    """An accepted Mynaportal application of 2026年度前期 建築大工 2級, on the roster and seated
    in a session of each part it takes (as the acceptance and the exam office do)."""
    accepted = application(
        form(fiscal_year=2026, term="前期", trade_code="0101", work_code="010101", grade="2級"),
        status=Status.ACCEPTED,
        pseudonym="mp-ticket-0001",
    )
    PrefectureApplications(TOKYO).create(accepted, f"fp-{accepted.application_id}")
    roster = PrefectureRoster(TOKYO)
    registration = registration_of(accepted)
    scheme = schemes().of(TOKYO)
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer-13"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))
    sessions = PrefectureSessions(TOKYO)
    for part in (SessionPart.WRITTEN, SessionPart.PRODUCTION, SessionPart.JUDGEMENT):
        made = (
            session(part=part, exam_date=WRITTEN_2, starts_at=time(10), ends_at=time(11, 40))
            if part is SessionPart.WRITTEN
            else session(part=part)
        )
        sessions.create(made)
    seat_accepted(sitting, sessions, catalogue=load_catalogue(), at=AT)
    return accepted.application_id


def test_the_exam_office_gets_a_ticket_certify_issued(system: IntakeSystem) -> None:
    application_id = _seated_sitting()
    path = f"/v1/roster/sittings/{application_id}/ticket"
    assert system.client.get(path, EXAM_ADMIN).status_code == 404, "no ticket yet"

    asked = system.client.request(
        "POST",
        path,
        EXAM_ADMIN,
        data=json.dumps({}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert asked.status_code == 202, asked.text

    def issued() -> dict[str, Any] | None:
        response = system.client.get(path, EXAM_ADMIN)
        return response.json() if response.status_code == 200 else None

    ticket = wait_until(issued, WAIT_S, "certify never issued the ticket")
    assert ticket["ticket_id"].startswith(application_id)
    pdf = requests.get(ticket["download_url"], timeout=30).content
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == ticket["sha256"]
    dlq = system.runtime.resources.queues["certify"].dlq_url
    left = system.runtime.sqs().get_queue_attributes(
        QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert left == "0"
