"""Deleting a sitting from the roster (R10) through the local runtime: the exam office (HTTP,
a real token) deletes a seated sitting whose ticket the real certify issued; certify voids
the ticket and tells the Mynaportal applicant; the seats are released, the deletion record
holds nothing of the person, the examinee's items are gone; a second deletion is a 409 (the
same one retried, the same answer); another prefecture sees nothing, a clerk may not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
import requests
from tests.integration.intake_helpers import OSAKA, TOKYO, IntakeSystem, intake_system
from tests.unit.review.factory import application, form
from tests.unit.sessions.factory import WRITTEN_2, session

from kentei import aws, settings
from kentei.applications.model import Status
from kentei.data.applications import PrefectureApplications
from kentei.data.deletions import deletion_key
from kentei.data.roster import PrefectureRoster, exam_number_key
from kentei.data.sessions import PrefectureSessions
from kentei.exams.catalogue import load_catalogue
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.model import NoticeKind
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei.roster.sitting import SittingStatus
from kentei.sessions.model import ExamSession, SessionPart
from kentei.sessions.seating import seat_accepted
from kentei_local.probes import wait_until

EXAM_ADMIN = f"staff:{TOKYO}:exam-admin-{TOKYO}:exam_admin"
OSAKA_EXAM_ADMIN = f"staff:{OSAKA}:exam-admin-{OSAKA}:exam_admin"
CLERK = f"staff:{TOKYO}:clerk-{TOKYO}:clerk"
AUDITOR = f"staff:{TOKYO}:auditor-{TOKYO}:auditor"
AT = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
WAIT_S = 60.0
MYNAPORTAL = "mp-deletion-0001"
REASON = {"reason_code": "withdrawn", "reason_text": "本人から受検辞退の届出(電話)"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        started.runtime.pump("certify").start()
        yield started


def _seated_sitting() -> tuple[str, str, list[ExamSession]]:
    """An accepted Mynaportal application of 2026年度前期 建築大工 2級, on the roster and seated
    in a session of each part it takes: its id, the person, the sessions."""
    accepted = application(
        form(fiscal_year=2026, term="前期", trade_code="0101", work_code="010101", grade="2級"),
        status=Status.ACCEPTED,
        pseudonym=MYNAPORTAL,
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
    made: list[ExamSession] = []
    for part in (SessionPart.WRITTEN, SessionPart.PRODUCTION, SessionPart.JUDGEMENT):
        one = (
            session(part=part, exam_date=WRITTEN_2, starts_at=time(10), ends_at=time(11, 40))
            if part is SessionPart.WRITTEN
            else session(part=part)
        )
        sessions.create(one)
        made.append(one)
    seat_accepted(sitting, sessions, catalogue=load_catalogue(), at=AT)
    assert accepted.qualification_pseudonym_id is not None
    return accepted.application_id, accepted.qualification_pseudonym_id, made


def _post(system: IntakeSystem, path: str, caller: str, body: Any) -> requests.Response:
    return system.client.request("POST", path, caller, data=json.dumps(body).encode(), headers=JSON)


def _ticket(system: IntakeSystem, application_id: str) -> dict[str, Any] | None:
    response = system.client.get(f"/v1/roster/sittings/{application_id}/ticket", EXAM_ADMIN)
    return response.json() if response.status_code == 200 else None


def _item(record_key: str) -> dict[str, Any] | None:
    item = (
        aws.dynamodb()
        .get_item(
            TableName=settings.table_name("records"),
            Key={"prefecture_code": {"S": TOKYO}, "record_key": {"S": record_key}},
            ConsistentRead=True,
        )
        .get("Item")
    )
    return None if item is None else dict(item)


def _dlq_depth(system: IntakeSystem) -> str:
    dlq = system.runtime.resources.queues["certify"].dlq_url
    return system.runtime.sqs().get_queue_attributes(
        QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]


def test_a_deletion_voids_the_ticket_and_leaves_a_record_without_the_person(
    system: IntakeSystem,
) -> None:
    application_id, person, created = _seated_sitting()
    sessions = PrefectureSessions(TOKYO)
    seated = sessions.seated_sitting(person, application_id)
    assert seated is not None
    assert seated.seats
    made = [s for s in created if s.session_id in seated.seats.values()]
    for one in made:
        before = sessions.session(one.exam_round.key, one.session_id)
        assert before is not None
        assert before.seats == 1
    asked = _post(system, f"/v1/roster/sittings/{application_id}/ticket", EXAM_ADMIN, {})
    assert asked.status_code == 202, asked.text
    ticket = wait_until(
        lambda: _ticket(system, application_id), WAIT_S, "certify never issued the ticket"
    )
    path = f"/v1/roster/sittings/{application_id}/deletion"

    # Refused first: another prefecture's exam office finds nothing, a clerk may not.
    assert _post(system, path, OSAKA_EXAM_ADMIN, REASON).status_code == 404
    assert _post(system, path, CLERK, REASON).status_code == 403
    assert _item(deletion_key(application_id)) is None

    deleted = _post(system, path, EXAM_ADMIN, REASON)

    assert deleted.status_code == 200, deleted.text
    record = deleted.json()["deletion"]
    assert record["examinee_deleted"] is True
    assert sorted(record["seats_released"]) == sorted(s.session_id for s in made)

    def voided() -> dict[str, Any] | None:
        now = _ticket(system, application_id)
        return now if now is not None and now["status"] == "void" else None

    void = wait_until(voided, WAIT_S, "certify never voided the ticket")
    assert void["ticket_id"] == ticket["ticket_id"]

    # The seats are released, the number stays claimed, the sitting stays, deleted.
    for one in made:
        after = sessions.session(one.exam_round.key, one.session_id)
        assert after is not None
        assert after.seats == 0
        assert sessions.seats_in(one.session_id) == []
    roster = PrefectureRoster(TOKYO)
    (sitting,) = roster.sittings_of(person)
    assert sitting.status is SittingStatus.DELETED
    assert sitting.sessions == {}
    assert roster.claimed_by(sitting.exam_round.key, sitting.exam_number) == application_id
    assert roster.examinee(person) is None

    # The deletion record: who, when, why, which record; nothing of the person.
    item = _item(deletion_key(application_id))
    assert item is not None
    stored = json.dumps(item, ensure_ascii=False)
    applicant = form()
    assert applicant.name_kana is not None
    for personal in (
        applicant.name,
        applicant.name_kana,
        applicant.address,
        str(applicant.birth_date),
        applicant.birth_date.strftime("%Y%m%d"),
        person,
        MYNAPORTAL,
    ):
        assert personal not in stored, f"the deletion record holds {personal!r}"
    assert sitting.exam_number in stored
    assert "withdrawn" in stored
    assert f"exam-admin-{TOKYO}" in stored

    # The Mynaportal applicant was told, by a void notice superseding the ticket's.
    from certify.dependencies import dependencies

    notices = dependencies().notices  # the local runtime's: in memory, in this process
    assert isinstance(notices, InMemoryMynaportal)
    kinds = [(n.kind, n.supersedes) for n in notices.notices_of(MYNAPORTAL)]
    assert kinds == [(NoticeKind.EXAM_TICKET, None), (NoticeKind.TICKET_VOID, ticket["ticket_id"])]

    # Again: the same deletion retried answers the same; any other is a 409.
    again = _post(system, path, EXAM_ADMIN, REASON)
    assert again.status_code == 200, again.text
    assert again.json()["deletion"] == record
    other = _post(system, path, EXAM_ADMIN, {"reason_code": "other", "reason_text": "二重登録"})
    assert other.status_code == 409, other.text

    # The records are listed for the exam office and auditors of the prefecture only.
    for caller in (EXAM_ADMIN, AUDITOR):
        listed = system.client.get("/v1/roster/deletions", caller)
        assert listed.status_code == 200, listed.text
        assert application_id in [i["application_id"] for i in listed.json()["items"]]
    osaka = system.client.get("/v1/roster/deletions", OSAKA_EXAM_ADMIN)
    assert osaka.status_code == 200
    assert application_id not in osaka.text
    assert system.client.get("/v1/roster/deletions", CLERK).status_code == 403

    # Nothing went to certify's DLQ (the repeated void was idempotent).
    assert _dlq_depth(system) == "0"
    assert _item(exam_number_key(sitting.exam_round.key, sitting.exam_number)) is not None
