"""The receive flow over in-memory fakes: first submission, convergence, key reuse, paper."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from pydantic import TypeAdapter

from intake.application_ids import application_id_for
from intake.errors import ConflictError, InvalidRequestError
from intake.receive import Submission, receive
from kentei.applications import lifecycle
from kentei.applications.model import Reason, Status
from kentei.callers import Caller, CallerKind
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction
from kentei.submissions import EXAMPLE_DOCUMENTS, ApplicationRequest

from .fakes import Fakes

STAFF = Caller(CallerKind.STAFF, prefecture_code="13", user_id="reviewer1")
FORM: dict[str, Any] = {k: v for k, v in EXAMPLE_DOCUMENTS[0].items() if k != "attachments"}
FIX = Reason(code="fix.name_kana", field="name_kana", message="ふりがな is missing.")
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
    assert [getattr(m, "application_id", None) for m in fakes.queue.sent] == [application_id]
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


def _returned(fakes: Fakes, key: str = "key-returned") -> str:
    """A paper application, verified and returned by staff with a reason."""
    application_id: str = run(fakes, paper(key))["application_id"]
    stored = fakes.records.applications[application_id]
    at = fakes.clock.now
    application = lifecycle.transition(stored.application, Status.VERIFYING, by="verify", at=at)
    application = lifecycle.transition(application, Status.UNDER_REVIEW, by="verify", at=at)
    application = lifecycle.transition(
        application, Status.RETURNED, by=STAFF.id, at=at, reasons=(FIX,)
    ).model_copy(update={"qualification_pseudonym_id": "Q" * 26})
    fakes.records.applications[application_id] = StoredApplication(
        application, stored.version + 3, stored.request_fingerprint
    )
    return application_id


def test_a_resubmission_names_the_returned_one_with_a_history_of_its_own_and_leaves_it(
    fakes: Fakes,
) -> None:
    returned_id = _returned(fakes)
    before = fakes.records.applications[returned_id]

    answer = run(fakes, replace(paper("key-correction"), resubmission_of=returned_id))

    new = fakes.records.applications[answer["application_id"]].application
    assert new.resubmission_of == returned_id
    assert [c.status for c in new.history] == [Status.RECEIVED]
    assert new.reasons == ()
    assert fakes.records.applications[returned_id] == before


def test_a_resubmission_of_an_application_not_returned_is_a_conflict(fakes: Fakes) -> None:
    pending = run(fakes, paper("key-pending"))["application_id"]

    with pytest.raises(ConflictError) as refused:
        run(fakes, replace(paper("key-correction"), resubmission_of=pending))

    assert refused.value.slug == "resubmission-refused"


def test_a_resubmission_of_an_application_the_caller_cannot_see_is_refused(fakes: Fakes) -> None:
    returned_id = _returned(fakes)
    osaka = Caller(CallerKind.STAFF, prefecture_code="27", user_id="reviewer9")
    submission = replace(
        paper("key-correction", prefecture_code="27"), caller=osaka, resubmission_of=returned_id
    )

    with pytest.raises(InvalidRequestError) as refused:
        run(fakes, submission)

    assert [e.field for e in refused.value.errors] == ["query.resubmission_of"]


def test_a_paper_application_of_a_group_keeps_its_group_and_an_individual_none(
    fakes: Fakes,
) -> None:
    group = {"受検申請団体コード": "G0001", "name": "株式会社 試験製作所"}
    body = {
        "channel": "paper",
        "form": FORM,
        "identity_confirmation": "my_number_card",
        "group": group,
    }
    raw = json.dumps(body, ensure_ascii=False).encode()
    submission = Submission(
        caller=STAFF,
        idempotency_key="key-group-0001",
        request=_REQUEST.validate_json(raw),
        resubmission_of=None,
        body=raw,
        request_id="request-1",
    )
    grouped = run(fakes, submission)["application_id"]
    alone = run(fakes, paper())["application_id"]

    kept = fakes.records.applications[grouped].application.group
    assert kept is not None
    assert (kept.code, kept.name, kept.type) == ("G0001", "株式会社 試験製作所", None)
    assert fakes.records.applications[alone].application.group is None
