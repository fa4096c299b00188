"""P10: a person whose use of their data is suspended (利用停止) has their application verified
only as far as knowing whose it is; it waits ``held`` and goes under review once the
suspension is lifted (``use_resumed``), conditional on the suspension in the same write."""

from __future__ import annotations

import pytest
from tests.unit.verification.conftest import HANAKO, TARO, TOKYO, World
from tests.unit.verification.test_verify_resubmission import (
    paper_resubmission,
    returned_application,
)

from kentei.applications.model import Status
from kentei.data.applications import ConcurrentChangeError
from kentei.data.audit import AuditAction
from kentei.messages import UseResumed
from verify.verification import resume


def verified_pseudonym(world: World) -> str:
    """TARO's 資格仮名ID: a first application verified and put under review."""
    first = world.mynaportal(TARO, pseudonym="mp-taro-0001")
    assert world.verify(first).status is Status.UNDER_REVIEW
    person = world.application(first).qualification_pseudonym_id
    assert person is not None
    return person


def resumed(world: World, person: str) -> tuple[Status, ...] | None:
    message = UseResumed(prefecture_code=TOKYO, qualification_pseudonym_id=person)
    outcomes = resume(message, world.dependencies(), "resume-request")
    return None if outcomes is None else tuple(o.status for o in outcomes)


def test_given_the_person_is_suspended_then_the_application_is_held_not_reviewed(
    world: World,
) -> None:
    person = verified_pseudonym(world)
    world.applications.suspend(person)
    application_id = world.mynaportal(TARO, pseudonym="mp-taro-0001")

    outcome = world.verify(application_id)

    assert (outcome.status, outcome.reason) == (Status.HELD, "use_suspended")
    held = world.application(application_id)
    assert held.qualification_pseudonym_id == person
    assert [c.status for c in held.history] == [Status.RECEIVED, Status.VERIFYING, Status.HELD]
    assert held.verification is not None
    assert held.verification["outcome"] == "held"
    actions = [e.action for e in world.audit.events if e.record_id == application_id]
    assert actions[-1] is AuditAction.APPLICATION_HELD
    assert not [k for k in world.inbox.versions if k[0] == application_id], "the raw parts go"


def test_given_another_person_is_suspended_then_the_application_goes_on(world: World) -> None:
    world.applications.suspend("someone-else-0001")
    application_id = world.mynaportal(TARO, pseudonym="mp-taro-0001")

    assert world.verify(application_id).status is Status.UNDER_REVIEW


def test_given_still_suspended_then_use_resumed_changes_nothing(world: World) -> None:
    person = verified_pseudonym(world)
    world.applications.suspend(person)
    application_id = world.mynaportal(TARO, pseudonym="mp-taro-0001")
    world.verify(application_id)
    writes = world.applications.writes

    assert resumed(world, person) is None
    assert world.applications.writes == writes
    assert world.application(application_id).status is Status.HELD


def test_given_the_suspension_is_lifted_then_held_applications_go_under_review(
    world: World,
) -> None:
    person = verified_pseudonym(world)
    world.applications.suspend(person)
    held = [world.mynaportal(TARO, pseudonym="mp-taro-0001") for _ in range(2)]
    for application_id in held:
        world.verify(application_id)
    other = world.mynaportal(HANAKO, pseudonym="mp-hanako-001")
    world.verify(other)
    del world.applications.suspended[person]

    assert resumed(world, person) == (Status.UNDER_REVIEW, Status.UNDER_REVIEW)

    for application_id in held:
        application = world.application(application_id)
        assert application.status is Status.UNDER_REVIEW
        assert application.history[-2].status is Status.HELD
        assert application.verification is not None
        assert application.verification["outcome"] == "verified"
        assert "resumed_at" in application.verification
    assert resumed(world, person) == (), "a second message finds nothing held"


def test_given_a_held_resubmission_of_another_person_then_resuming_returns_it(
    world: World,
) -> None:
    returned_id = returned_application(world)
    taro = world.application(returned_id).qualification_pseudonym_id
    hanako = world.mynaportal(HANAKO, pseudonym="mp-hanako-001")
    world.verify(hanako)
    person = world.application(hanako).qualification_pseudonym_id
    assert person is not None
    assert person != taro
    world.applications.suspend(person)
    new_id = paper_resubmission(world, HANAKO.form(), returned_id)
    assert world.verify(new_id).status is Status.HELD
    del world.applications.suspended[person]

    assert resumed(world, person) == (Status.RETURNED,)

    new = world.application(new_id)
    assert [r.code for r in new.reasons] == ["resubmission.other_person"]
    assert world.application(returned_id).replaced_by is None


def test_given_a_suspension_granted_while_verifying_then_the_write_fails_for_a_retry(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read said not suspended; the suspension started before the write: the write's
    condition fails it, the message is retried and the retry holds the application."""
    person = verified_pseudonym(world)
    application_id = world.mynaportal(TARO, pseudonym="mp-taro-0001")
    suspension_of = world.applications.suspension
    monkeypatch.setattr(world.applications, "suspension", lambda _person: None)
    world.applications.suspend(person)

    with pytest.raises(ConcurrentChangeError):
        world.verify(application_id)

    monkeypatch.setattr(world.applications, "suspension", suspension_of)
    assert world.verify(application_id).status is Status.HELD


def test_given_a_suspension_lifted_while_holding_then_the_retry_admits_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = verified_pseudonym(world)
    world.applications.suspend(person)
    standing = world.applications.suspended[person]
    application_id = world.mynaportal(TARO, pseudonym="mp-taro-0001")
    monkeypatch.setattr(world.applications, "suspension", lambda _person: standing)
    del world.applications.suspended[person]

    with pytest.raises(ConcurrentChangeError):
        world.verify(application_id)

    monkeypatch.undo()
    assert world.verify(application_id).status is Status.UNDER_REVIEW
