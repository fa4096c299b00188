"""The receive flow over in-memory fakes: first submission, convergence, key reuse, paper."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter

from intake.application_ids import application_id_for
from intake.errors import ConflictError
from intake.receive import Submission, receive
from kentei.applications.model import Status
from kentei.callers import Caller, CallerKind
from kentei.data.audit import AuditAction
from kentei.submissions import EXAMPLE_DOCUMENTS, ApplicationRequest

from .fakes import Fakes

STAFF = Caller(CallerKind.STAFF, prefecture_code="13", user_id="reviewer1")
FORM: dict[str, Any] = {k: v for k, v in EXAMPLE_DOCUMENTS[0].items() if k != "attachments"}
_REQUEST: TypeAdapter[ApplicationRequest] = TypeAdapter(ApplicationRequest)


def paper(key: str = "key-00000001", **changes: Any) -> Submission:
    body = {
        "channel": "paper",
        "form": {**FORM, **changes},
        "identity_confirmation": "my_number_card",
        "attachments": [],
    }
    raw = json.dumps(body, ensure_ascii=False).encode()
    return Submission(
        caller=STAFF,
        idempotency_key=key,
        request=_REQUEST.validate_json(raw),
        resubmission_of=None,
        body=raw,
        request_id="request-1",
    )


def run(fakes: Fakes, submission: Submission) -> dict[str, Any]:
    deps = fakes.dependencies()
    fingerprint = deps.fingerprinter.fingerprint(submission.body, submission.resubmission_of)
    return receive(submission, fingerprint, deps)


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


def test_a_first_submission_is_stored_without_the_my_number_queued_and_answered_by_id(
    fakes: Fakes,
) -> None:
    answer = run(fakes, paper())

    application_id = application_id_for("13", STAFF.id, "key-00000001")
    assert answer == {
        "application_id": application_id,
        "status": "received",
        "status_url": f"/v1/applications/{application_id}",
    }
    stored = fakes.records.applications[application_id]
    assert stored.application.status is Status.RECEIVED
    assert stored.application.form.my_number is None
    assert stored.application.received_at == fakes.clock.now
    assert [m.application_id for m in fakes.queue.sent] == [application_id]
    assert any(FORM["my_number"].encode() in raw for raw in fakes.inbox.objects.values())


def test_a_replay_converges_on_the_same_application_and_queues_it_again(fakes: Fakes) -> None:
    first = run(fakes, paper())
    fakes.clock.advance(60)
    again = run(fakes, paper())

    assert again == first
    assert len(fakes.records.applications) == 1
    assert fakes.records.writes == 1
    assert len(fakes.queue.sent) == 2  # verify is idempotent per id; a lost message is resent
    assert len(fakes.records.audit) == 1


def test_a_replay_of_an_application_verify_took_is_not_queued_again(fakes: Fakes) -> None:
    answer = run(fakes, paper())
    application_id = answer["application_id"]
    stored = fakes.records.applications[application_id]
    fakes.records.applications[application_id] = type(stored)(
        stored.application.model_copy(update={"status": Status.VERIFYING}),
        stored.version + 1,
        stored.request_fingerprint,
    )

    assert run(fakes, paper()) == answer
    assert len(fakes.queue.sent) == 1


def test_the_same_key_with_another_body_is_a_conflict_and_changes_nothing(fakes: Fakes) -> None:
    run(fakes, paper())
    before = dict(fakes.records.applications)

    with pytest.raises(ConflictError) as refused:
        run(fakes, paper(name="別人 花子"))

    assert refused.value.slug == "idempotency-key-reused"
    assert fakes.records.applications == before
    assert len(fakes.queue.sent) == 1


def test_a_paper_entry_is_audited_with_the_application_in_its_write(fakes: Fakes) -> None:
    answer = run(fakes, paper())

    (event,) = fakes.records.audit
    assert event.action is AuditAction.APPLICATION_ENTERED
    assert event.record_id == answer["application_id"]
    assert event.actor == STAFF.id
    assert event.prefecture_code == "13"
    assert event.request_id == "request-1"
    assert event.at == fakes.clock.now
    assert fakes.audit.events == []  # not a separate write: it went with the application
