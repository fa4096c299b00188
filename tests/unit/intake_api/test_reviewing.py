"""Review over in-memory fakes: scoped to the staff member's prefecture, reads audited
through the audit port, decisions written with their audit event, times from the clock."""

from __future__ import annotations

import pytest

from intake.errors import NotFoundError
from intake.reviewing import decide_application, list_applications, open_application
from intake.views import DecisionRequest
from kentei.applications import lifecycle
from kentei.applications.model import Reason, Status
from kentei.callers import Caller, CallerKind
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditOutcome

from .fakes import Fakes
from .test_receive import STAFF, paper, run

OSAKA = Caller(CallerKind.STAFF, prefecture_code="27", user_id="reviewer9")
FIX = Reason(code="fix.name_kana", field="name_kana", message="ふりがな is missing.")


def under_review(fakes: Fakes) -> str:
    application_id: str = run(fakes, paper())["application_id"]
    stored = fakes.records.applications[application_id]
    at = fakes.clock.now
    application = lifecycle.transition(stored.application, Status.VERIFYING, by="verify", at=at)
    application = lifecycle.transition(application, Status.UNDER_REVIEW, by="verify", at=at)
    fakes.records.applications[application_id] = StoredApplication(
        application, stored.version + 2, stored.request_fingerprint
    )
    return application_id


def test_opening_an_application_is_audited_before_it_is_shown() -> None:
    fakes = Fakes()
    application_id = under_review(fakes)
    fakes.clock.advance(30)

    opened = open_application(STAFF, application_id, "request-2", fakes.dependencies())

    assert opened.application_id == application_id
    (event,) = fakes.audit.events
    assert (event.action, event.record_id, event.actor, event.at) == (
        AuditAction.APPLICATION_OPENED,
        application_id,
        STAFF.id,
        fakes.clock.now,
    )


def test_staff_of_another_prefecture_find_nothing_and_nothing_is_audited() -> None:
    fakes = Fakes()
    application_id = under_review(fakes)

    with pytest.raises(NotFoundError):
        open_application(OSAKA, application_id, "request-2", fakes.dependencies())

    assert fakes.audit.events == []
    listed = list_applications(
        OSAKA, Status.UNDER_REVIEW, 25, None, "r-3", deps=fakes.dependencies()
    )
    assert listed.items == ()
    (listing,) = fakes.audit.events
    assert (listing.action, listing.prefecture_code, listing.record_id, listing.outcome) == (
        AuditAction.APPLICATION_LISTED,
        "27",
        "under_review",
        AuditOutcome.ALLOWED,
    )


def test_a_decision_is_written_with_its_audit_event_at_the_clocks_time() -> None:
    fakes = Fakes()
    application_id = under_review(fakes)
    fakes.clock.advance(60)
    request = DecisionRequest(decision="return", reasons=[FIX])

    answer = decide_application(STAFF, application_id, request, "request-3", fakes.dependencies())

    assert answer.status == "returned"
    stored = fakes.records.applications[application_id].application
    assert stored.history[-1].at == fakes.clock.now
    returned = [e for e in fakes.records.audit if e.action is AuditAction.APPLICATION_RETURNED]
    assert [(e.record_id, e.at) for e in returned] == [(application_id, fakes.clock.now)]
    assert fakes.audit.events == []
