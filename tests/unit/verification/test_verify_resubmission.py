"""Hole 4: a resubmission replaces the returned application only once verify has confirmed it
comes from the same person; another person's is returned, and the returned one untouched."""

from __future__ import annotations

import datetime as dt
import json

from tests.unit.verification.conftest import HANAKO, TARO, World

from kentei.applications import lifecycle
from kentei.applications.model import Channel, Reason, Status
from kentei.data.audit import AuditAction
from kentei.records.sensitive import REVEAL
from kentei.submissions.form import ApplicationForm

STAFF = "staff:13:reviewer1"
FIX = Reason(code="fix.name_kana", field="name_kana", message="ふりがな is missing.")


def returned_application(world: World) -> str:
    """TARO's application, verified, then returned by staff with a reason."""
    application_id = world.mynaportal(TARO, pseudonym="mp-taro-0001")
    assert world.verify(application_id).status is Status.UNDER_REVIEW
    stored = world.applications.get(application_id)
    assert stored is not None
    returned = lifecycle.transition(
        stored.application,
        Status.RETURNED,
        by=STAFF,
        at=dt.datetime.now(dt.UTC),
        reasons=(FIX,),
    )
    world.applications.replace(stored, returned)
    return application_id


def paper_resubmission(world: World, form: dict[str, object], returned_id: str) -> str:
    entered = (
        ApplicationForm.model_validate(form)
        .model_dump_json(exclude_unset=True, context={REVEAL: True})
        .encode()
    )
    return world.store(Channel.PAPER, form, {"form.json": entered}, resubmission_of=returned_id)


def test_given_the_same_person_then_the_verified_resubmission_replaces_the_returned_one(
    world: World,
) -> None:
    returned_id = returned_application(world)
    before = world.application(returned_id)
    new_id = world.mynaportal(TARO, pseudonym="mp-taro-0001", resubmission_of=returned_id)
    assert world.application(returned_id) == before, "nothing changes before verification"

    outcome = world.verify(new_id)

    assert outcome.status is Status.UNDER_REVIEW
    old, new = world.application(returned_id), world.application(new_id)
    assert old.status is Status.RETURNED
    assert old.replaced_by == new_id
    assert old.history[:-1] == before.history
    assert old.history[-1].reasons[0].code == lifecycle.REPLACED
    assert new.resubmission_of == returned_id
    assert new.qualification_pseudonym_id == before.qualification_pseudonym_id
    assert [c.status for c in new.history] == [
        Status.RECEIVED,
        Status.VERIFYING,
        Status.UNDER_REVIEW,
    ]
    assert new.reasons == ()
    replaced = [e for e in world.audit.events if e.action is AuditAction.APPLICATION_REPLACED]
    assert [(e.record_id, e.actor) for e in replaced] == [(returned_id, "verify")]


def test_given_another_person_then_the_resubmission_is_returned_and_the_old_one_untouched(
    world: World,
) -> None:
    returned_id = returned_application(world)
    before = world.application(returned_id)
    new_id = paper_resubmission(world, HANAKO.form(), returned_id)

    outcome = world.verify(new_id)

    assert (outcome.status, outcome.reason) == (Status.RETURNED, "resubmission.other_person")
    assert world.application(returned_id) == before
    new = world.application(new_id)
    assert [r.code for r in new.reasons] == ["resubmission.other_person"]
    assert FIX not in new.reasons
    assert all(FIX not in change.reasons for change in new.history)
    assert [c.status for c in new.history] == [Status.RECEIVED, Status.VERIFYING, Status.RETURNED]
    assert new.replaced_by is None
    assert new.verification is not None
    assert new.verification["resubmission_of"] == returned_id
    actions = [e.action for e in world.audit.events if e.request_id == "test-request"]
    assert AuditAction.APPLICATION_REPLACED not in actions
    assert actions[-1:] == [AuditAction.APPLICATION_RETURNED]
    shown = json.dumps(
        [new.verification, [r.model_dump() for r in new.reasons]], ensure_ascii=False
    )
    assert HANAKO.name not in shown
    assert TARO.name not in shown


def test_given_the_returned_one_was_replaced_meanwhile_then_a_second_stands_alone(
    world: World,
) -> None:
    returned_id = returned_application(world)
    first = world.mynaportal(TARO, pseudonym="mp-taro-0001", resubmission_of=returned_id)
    second = world.mynaportal(TARO, pseudonym="mp-taro-0001", resubmission_of=returned_id)
    world.verify(first)

    outcome = world.verify(second)

    assert outcome.status is Status.UNDER_REVIEW
    assert world.application(returned_id).replaced_by == first
    assert world.application(second).resubmission_of == returned_id


def paper_application(world: World, form: dict[str, object]) -> str:
    entered = (
        ApplicationForm.model_validate(form)
        .model_dump_json(exclude_unset=True, context={REVEAL: True})
        .encode()
    )
    return world.store(Channel.PAPER, form, {"form.json": entered})


def returned_unconfirmed(world: World) -> str:
    """TARO's paper application with an address the registry does not hold: verify returns
    it before it confirms anyone, so it names no 資格仮名ID."""
    application_id = paper_application(world, {**TARO.form(), "address": "東京都港区不在町9-9-9"})
    outcome = world.verify(application_id)
    assert (outcome.status, outcome.reason) == (Status.RETURNED, "registry.mismatch.address")
    assert world.application(application_id).qualification_pseudonym_id is None
    return application_id


def test_given_a_returned_one_of_no_confirmed_person_then_the_same_named_person_replaces_it(
    world: World,
) -> None:
    returned_id = returned_unconfirmed(world)

    outcome = world.verify(paper_resubmission(world, TARO.form(), returned_id))

    assert outcome.status is Status.UNDER_REVIEW
    assert world.application(returned_id).replaced_by is not None


def test_given_a_returned_one_of_no_confirmed_person_then_someone_else_cannot_take_it_over(
    world: World,
) -> None:
    returned_id = returned_unconfirmed(world)
    before = world.application(returned_id)

    outcome = world.verify(paper_resubmission(world, HANAKO.form(), returned_id))

    assert (outcome.status, outcome.reason) == (Status.RETURNED, "resubmission.other_person")
    assert world.application(returned_id) == before
