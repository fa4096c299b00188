"""The exam office asks for a sitting's ticket and downloads it: only accepted applications of
its prefecture, each access audited, the PDF behind a short-lived link."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.unit.review.factory import application

from kentei.applications.model import Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction
from kentei.data.tickets import TicketRecord
from kentei.messages import TicketDue

from .events import event, invoke
from .fakes import Fakes

EXAM_ADMIN = "staff:13:exam1:exam_admin"
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"


def _ask(application_id: str) -> dict[str, Any]:
    return event(
        "POST",
        f"/v1/roster/sittings/{application_id}/ticket",
        caller=EXAM_ADMIN,
        headers={"Content-Type": "application/json"},
        body={},
    )


def _download(application_id: str) -> dict[str, Any]:
    return event("GET", f"/v1/roster/sittings/{application_id}/ticket", caller=EXAM_ADMIN)


def _accepted(fakes: Fakes, status: Status = Status.ACCEPTED) -> str:
    made = application(status=status)
    fakes.records.applications[made.application_id] = StoredApplication(made, 4, "fp")
    return made.application_id


def test_asking_for_a_ticket_queues_it_for_certify_and_is_audited(fakes: Fakes) -> None:
    application_id = _accepted(fakes)

    status, _, body = invoke(_ask(application_id))

    assert status == 202, body
    assert body == {"application_id": application_id, "queued": True}
    (message,) = fakes.certify_queue.sent
    assert isinstance(message, TicketDue)
    assert (message.kind, message.application_id, message.prefecture_code) == (
        "ticket_due",
        application_id,
        "13",
    )
    (entry,) = [e for e in fakes.audit.events if e.action is AuditAction.TICKET_REQUESTED]
    assert (entry.record_id, entry.person_id) == (application_id, PERSON)


def test_downloading_answers_a_short_lived_link_after_the_audit(fakes: Fakes) -> None:
    application_id = _accepted(fakes)
    record = TicketRecord(
        application_id,
        f"{application_id}-0a1b2c3d",
        "issued",
        "tickets/x.pdf",
        "f" * 64,
        datetime(2026, 6, 1, tzinfo=UTC),
        (),
    )
    fakes.tickets.current_by_application[application_id] = record

    status, _, body = invoke(_download(application_id))

    assert status == 200, body
    assert body["ticket_id"] == record.ticket_id
    assert body["download_url"].startswith("https://")
    assert body["expires_in_s"] == 300
    (entry,) = [e for e in fakes.audit.events if e.action is AuditAction.TICKET_DOWNLOADED]
    assert entry.record_id == record.ticket_id


def test_no_ticket_yet_or_an_application_not_accepted_is_404(fakes: Fakes) -> None:
    accepted = _accepted(fakes)
    reviewed = _accepted(fakes, Status.UNDER_REVIEW)

    for request in (_download(accepted), _ask(reviewed), _download(reviewed)):
        status, _, body = invoke(request)
        assert status == 404, body
    assert fakes.certify_queue.sent == []
