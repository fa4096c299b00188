"""A decision and its audit entry are one write (issue 7, hole 7): a decision that loses a race
leaves no audit entry, against moto's DynamoDB transactions over two tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from tests.integration.moto_tables import records_and_audit
from tests.unit.review.factory import application, staff

from intake.errors import ConflictError
from intake.reviewing import decide_application
from intake.views import DecisionRequest
from kentei.applications import lifecycle
from kentei.applications.model import Reason, Status
from kentei.data.applications import ConcurrentChangeError, PrefectureApplications
from kentei.data.audit import AuditAction, AuditEvent, AuditTrail

TOKYO = "13"


@pytest.fixture(autouse=True)
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _events(action: AuditAction) -> list[AuditEvent]:
    today = datetime.now(UTC).date()
    return [e for e in AuditTrail().day(TOKYO, today) if e.action is action]


def _event(record_id: str, action: AuditAction, actor: str) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action=action,
        record_type="application",
        record_id=record_id,
        prefecture_code=TOKYO,
        request_id="req-1",
        at=datetime.now(UTC),
    )


def test_given_a_replace_with_audit_then_both_or_neither_are_written() -> None:
    store = PrefectureApplications(TOKYO)
    stored = store.create(application(), "sha")
    accepted = lifecycle.transition(
        stored.application, Status.ACCEPTED, by="staff:13:a", at=datetime.now(UTC)
    )
    event = _event(stored.application.application_id, AuditAction.APPLICATION_ACCEPTED, "a")

    store.replace(stored, accepted, audit=(event,))
    with pytest.raises(ConcurrentChangeError):
        store.replace(stored, accepted, audit=(event.model_copy(update={"actor": "b"}),))

    assert [e.actor for e in _events(AuditAction.APPLICATION_ACCEPTED)] == ["a"]


def test_given_an_audit_event_of_another_prefecture_then_nothing_is_written() -> None:
    store = PrefectureApplications(TOKYO)
    stored = store.create(application(), "sha")
    event = _event(stored.application.application_id, AuditAction.APPLICATION_ACCEPTED, "a")

    with pytest.raises(ValueError, match="another prefecture"):
        store.replace(
            stored, stored.application, audit=(event.model_copy(update={"prefecture_code": "27"}),)
        )


def test_given_two_staff_deciding_at_once_then_only_the_winners_decision_is_audited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = PrefectureApplications(TOKYO)
    stale = store.create(application(), "sha")
    application_id = stale.application.application_id
    # Both staff members read the application before either decision is written.
    monkeypatch.setattr(PrefectureApplications, "get", lambda _self, _id: stale)

    decide_application(
        staff(user_id="first"), application_id, DecisionRequest(decision="accept"), "r1"
    )
    reason = Reason(code="missing.photo", field="attachments", message="attach a photo")
    with pytest.raises(ConflictError):
        decide_application(
            staff(user_id="second"),
            application_id,
            DecisionRequest(decision="return", reasons=(reason,)),
            "r2",
        )

    assert [e.actor for e in _events(AuditAction.APPLICATION_ACCEPTED)] == ["staff:13:first"]
    assert _events(AuditAction.APPLICATION_RETURNED) == []
