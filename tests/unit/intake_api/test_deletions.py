"""The exam office deletes a sitting from the roster (R10): the sitting deleted with its audit
entry, a deletion record of ids and codes, the examinee's items gone with their last sitting,
certify asked to void the ticket; a retry gets the same answer, another deletion a 409; a My
Number in the reason is a 422 before anything is written; other prefectures see nothing."""

from __future__ import annotations

import json
from typing import Any

from tests.unit.review.factory import application, form
from tests.unit.sessions.factory import sitting

from kentei import my_number
from kentei.applications.model import Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditOutcome
from kentei.messages import TicketVoid
from kentei.roster.registration import examinee_of
from kentei.roster.sitting import SittingStatus

from .events import event, invoke
from .fakes import Fakes

EXAM_ADMIN = "staff:13:exam1:exam_admin"
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
REASON = {"reason_code": "withdrawn", "reason_text": "本人から受検辞退の届出"}
MY_NUMBER = "1234 5678 901" + str(my_number.check_digit("12345678901"))


def _delete(
    application_id: str, body: dict[str, Any] | None = None, caller: str = EXAM_ADMIN
) -> dict[str, Any]:
    return event(
        "POST",
        f"/v1/roster/sittings/{application_id}/deletion",
        caller=caller,
        headers={"Content-Type": "application/json"},
        body=REASON if body is None else body,
    )


def _on_roster(fakes: Fakes, prefecture: str = "13", *, sittings: int = 1) -> list[str]:
    """Accepted applications of one person, each with its sitting, and the examinee."""
    ids = []
    for _ in range(sittings):
        made = application(status=Status.ACCEPTED, prefecture_code=prefecture)
        fakes.records.applications[made.application_id] = StoredApplication(made, 4, "fp")
        fakes.records.sittings[made.application_id] = sitting(
            application_id=made.application_id,
            prefecture_code=prefecture,
            qualification_pseudonym_id=PERSON,
            sessions={"written": "S-0001"},
        )
        fakes.records.examinees[(prefecture, PERSON)] = examinee_of(made.form)
        ids.append(made.application_id)
    return ids


def test_a_deletion_leaves_a_record_of_ids_and_codes_and_asks_certify_to_void(
    fakes: Fakes,
) -> None:
    (application_id,) = _on_roster(fakes)
    deleted_before = fakes.records.sittings[application_id]

    status, _, body = invoke(_delete(application_id))

    assert status == 200, body
    record = body["deletion"]
    assert record["application_id"] == application_id
    assert record["exam_number"] == deleted_before.exam_number
    assert (record["reason_code"], record["source"], record["deleted_by"]) == (
        "withdrawn",
        "staff",
        "staff:13:exam1",
    )
    assert record["seats_released"] == ["S-0001"]
    assert record["examinee_deleted"] is True
    assert fakes.records.sittings[application_id].status is SittingStatus.DELETED
    assert ("13", PERSON) not in fakes.records.examinees
    stored = fakes.records.deletions[application_id].model_dump_json()
    person = form()
    for personal in (person.name, person.address, str(person.birth_date), PERSON):
        assert personal not in stored
        assert personal not in json.dumps(body, ensure_ascii=False)
    assert fakes.certify_queue.sent == [
        TicketVoid(application_id=application_id, prefecture_code="13")
    ]
    (entry,) = [e for e in fakes.records.audit if e.action is AuditAction.SITTING_DELETED]
    assert (entry.record_id, entry.person_id, entry.outcome) == (
        application_id,
        PERSON,
        AuditOutcome.SUCCEEDED,
    )


def test_the_examinee_stays_while_another_sitting_is_registered(fakes: Fakes) -> None:
    first, second = _on_roster(fakes, sittings=2)

    status, _, body = invoke(_delete(first))

    assert status == 200, body
    assert body["deletion"]["examinee_deleted"] is False
    assert ("13", PERSON) in fakes.records.examinees
    assert fakes.records.sittings[second].status is SittingStatus.REGISTERED


def test_a_retry_gets_the_same_answer_and_another_deletion_a_409(fakes: Fakes) -> None:
    (application_id,) = _on_roster(fakes)
    _, _, first = invoke(_delete(application_id))

    status, _, again = invoke(_delete(application_id))
    assert (status, again) == (200, first)
    assert len(fakes.certify_queue.sent) == 2, "the void asked again: certify's is idempotent"

    other = {"reason_code": "ineligible", "reason_text": "受検資格なし"}
    status, _, body = invoke(_delete(application_id, other))
    assert status == 409, body
    assert body["type"].endswith("sitting-deleted")
    status, _, body = invoke(_delete(application_id, caller="staff:13:exam2:exam_admin"))
    assert status == 409, body
    deletions = [e for e in fakes.records.audit if e.action is AuditAction.SITTING_DELETED]
    assert len(deletions) == 1


def test_a_my_number_in_the_reason_is_422_before_anything_is_written(fakes: Fakes) -> None:
    (application_id,) = _on_roster(fakes)

    status, _, body = invoke(
        _delete(application_id, {"reason_code": "other", "reason_text": f"番号 {MY_NUMBER}"})
    )

    assert status == 422, body
    assert [e["field"] for e in body["errors"]] == ["body.reason_text"]
    assert MY_NUMBER not in json.dumps(body)
    assert fakes.records.deletions == {}
    assert fakes.certify_queue.sent == []


def test_an_unknown_reason_or_field_is_422(fakes: Fakes) -> None:
    (application_id,) = _on_roster(fakes)
    for body in (
        {"reason_code": "bored", "reason_text": "x"},
        {**REASON, "name": "技能 花子"},
        {"reason_code": "withdrawn"},
    ):
        status, _, answer = invoke(_delete(application_id, body))
        assert status == 422, answer
    assert fakes.records.deletions == {}


def test_another_prefecture_or_an_application_not_accepted_is_404(fakes: Fakes) -> None:
    (osaka,) = _on_roster(fakes, "27")
    reviewed = application(status=Status.UNDER_REVIEW)
    fakes.records.applications[reviewed.application_id] = StoredApplication(reviewed, 3, "fp")

    for application_id in (osaka, reviewed.application_id):
        status, _, body = invoke(_delete(application_id))
        assert status == 404, body
    assert fakes.records.sittings[osaka].status is SittingStatus.REGISTERED
    refused = [e for e in fakes.audit.events if e.action is AuditAction.SITTING_DELETED]
    assert {e.outcome for e in refused} == {AuditOutcome.NOT_FOUND}


def test_a_clerk_or_an_auditor_may_not_delete(fakes: Fakes) -> None:
    (application_id,) = _on_roster(fakes)
    for caller in ("staff:13:clerk1:clerk", "staff:13:aud1:auditor"):
        status, _, body = invoke(_delete(application_id, caller=caller))
        assert status == 403, body
    assert fakes.records.deletions == {}


def test_the_exam_office_and_auditors_list_their_prefectures_deletions(fakes: Fakes) -> None:
    (tokyo,) = _on_roster(fakes)
    invoke(_delete(tokyo))
    (osaka,) = _on_roster(fakes, "27")
    invoke(_delete(osaka, caller="staff:27:exam9:exam_admin"))

    for caller in (EXAM_ADMIN, "staff:13:aud1:auditor"):
        status, _, body = invoke(event("GET", "/v1/roster/deletions", caller=caller))
        assert status == 200, body
        assert [item["application_id"] for item in body["items"]] == [tokyo]
    listed = [e for e in fakes.audit.events if e.action is AuditAction.DELETIONS_LISTED]
    assert [(e.outcome, e.record_id) for e in listed] == [(AuditOutcome.ALLOWED, "13")] * 2
    status, _, _ = invoke(event("GET", "/v1/roster/deletions", caller="staff:13:c:clerk"))
    assert status == 403
