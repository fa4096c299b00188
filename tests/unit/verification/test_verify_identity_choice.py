"""Several residents match the four items, or an e-Gov applicant gave no My Number: the
candidates go to staff (never a number), staff choose, verify enrols the chosen person."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from tests.unit.verification.conftest import HANAKO, STRANGER, TARO, World

from intake.views import ApplicationStatus
from kentei import messages
from kentei.applications import identity, lifecycle
from kentei.applications.model import Application, Reason, Status
from kentei.callers import Caller, CallerKind
from kentei.data.audit import AuditAction
from kentei.registry.fake import SeededRegistry, parse_seed
from kentei.review import Severity, automatic_checks
from kentei_local.probes import my_numbers_in
from verify.identity_choice import enrol_chosen

TWIN_NUMBER = "900000000087"
STAFF = Caller(CallerKind.STAFF, prefecture_code="13", user_id="clerk")


@pytest.fixture
def twins(world: World) -> World:
    """Taro and a second current resident whom the four items cannot tell apart."""
    twin = {**TARO.seed(), "my_number": TWIN_NUMBER, "name_kana": "みもと たろう"}
    world.registry = SeededRegistry(parse_seed(json.dumps([TARO.seed(), twin, HANAKO.seed()])))
    return world


def choose(world: World, application_id: str, candidate: int) -> Application:
    """What intake's staff route writes, then the message it sends, handled by verify."""
    stored = world.applications.get(application_id)
    assert stored is not None
    choice = {"candidate": candidate, "by": STAFF.id, "at": dt.datetime.now(dt.UTC).isoformat()}
    evidence = {**(stored.application.verification or {}), identity.CHOICE: choice}
    world.applications.replace(
        stored, stored.application.model_copy(update={"verification": evidence})
    )
    message = messages.IdentityChosen(application_id=application_id, prefecture_code="13")
    enrol_chosen(message, world.dependencies(), "test-request")
    return world.application(application_id)


def test_a_paper_form_matching_several_residents_goes_to_staff_with_candidates_and_no_number(
    twins: World,
) -> None:
    application_id = twins.paper(TARO.form(my_number=None))

    outcome = twins.verify(application_id)

    assert outcome.kms_requests == 2  # GenerateMac: one blind index per candidate
    application = twins.application(application_id)
    assert outcome.status is Status.UNDER_REVIEW
    assert application.reasons == ()
    assert application.qualification_pseudonym_id is None
    assert identity.awaiting_choice(application)
    evidence = application.verification
    assert evidence is not None
    assert evidence["outcome"] == identity.OUTCOME
    assert evidence[identity.BASIS] == identity.SEVERAL_RESIDENTS
    candidates = evidence[identity.CANDIDATES]
    assert [c["index"] for c in candidates] == [0, 1]
    assert {c["status"] for c in candidates} == {"current"}
    assert all(c["reference"] for c in candidates)
    assert len({c["reference"] for c in candidates}) == 2
    assert {c["name_kana"] for c in candidates} == {None, "みもと たろう"}
    text = json.dumps(evidence, ensure_ascii=False)
    assert my_numbers_in(text) == []
    assert TARO.my_number not in text
    assert TWIN_NUMBER not in text
    assert len(twins.vault) == 0


def test_the_bridge_view_of_an_application_awaiting_a_choice_shows_no_candidate(
    twins: World,
) -> None:
    application_id = twins.egov(TARO, form=TARO.form(my_number=None))
    twins.verify(application_id)

    view = ApplicationStatus.of(twins.application(application_id)).model_dump_json()

    assert "candidate" not in view
    assert TARO.name not in view
    assert "under_review" in view


def test_staff_choice_enrols_the_chosen_resident_and_then_it_may_be_accepted(
    twins: World,
) -> None:
    application_id = twins.paper(TARO.form(my_number=None))
    twins.verify(application_id)
    waiting = twins.application(application_id)
    with pytest.raises(lifecycle.IdentityUnconfirmedError):
        lifecycle.decide(waiting, lifecycle.Decision.ACCEPT, (), STAFF, dt.datetime.now(dt.UTC))
    chosen_index = next(
        c["index"]
        for c in waiting.verification[identity.CANDIDATES]  # type: ignore[index]
        if c["name_kana"] == "みもと たろう"
    )

    enrolled = choose(twins, application_id, chosen_index)

    assert enrolled.status is Status.UNDER_REVIEW
    pseudonym = enrolled.qualification_pseudonym_id
    assert pseudonym is not None
    assert twins.vault.reveal(pseudonym).reveal() == TWIN_NUMBER
    assert not identity.unconfirmed(enrolled)
    assert not [f for f in automatic_checks(enrolled) if f.check.startswith("identity.")]
    assert enrolled.verification is not None
    assert enrolled.verification["outcome"] == "verified"
    assert [e.action for e in twins.audit.events][-1:] == [AuditAction.APPLICATION_VERIFIED]
    accepted = lifecycle.decide(
        enrolled, lifecycle.Decision.ACCEPT, (), STAFF, dt.datetime.now(dt.UTC)
    )
    assert accepted.status is Status.ACCEPTED


def test_a_redelivered_choice_changes_nothing(twins: World) -> None:
    application_id = twins.paper(TARO.form(my_number=None))
    twins.verify(application_id)
    choose(twins, application_id, 0)
    writes = twins.applications.writes

    outcome = enrol_chosen(
        messages.IdentityChosen(application_id=application_id, prefecture_code="13"),
        twins.dependencies(),
        "again",
    )

    assert outcome.already_handled
    assert twins.applications.writes == writes
    assert len(twins.vault) == 1


def test_a_chosen_resident_no_longer_current_is_returned_not_enrolled(twins: World) -> None:
    application_id = twins.paper(TARO.form(my_number=None))
    twins.verify(application_id)
    moved = {
        **TARO.seed(),
        "my_number": TWIN_NUMBER,
        "name_kana": "みもと たろう",
        "status": "moved",
    }
    twins.registry = SeededRegistry(parse_seed(json.dumps([TARO.seed(), moved])))
    waiting = twins.application(application_id)
    twin_index = next(
        c["index"]
        for c in waiting.verification[identity.CANDIDATES]  # type: ignore[index]
        if c["name_kana"] == "みもと たろう"
    )

    returned = choose(twins, application_id, twin_index)

    assert returned.status is Status.RETURNED
    assert [r.code for r in returned.reasons] == ["registry.not_confirmed"]
    assert returned.qualification_pseudonym_id is None
    assert len(twins.vault) == 0


# --- e-Gov without a My Number -----------------------------------------------------------------


def test_an_egov_application_without_my_number_is_held_for_staff_to_confirm(world: World) -> None:
    application_id = world.egov(HANAKO, form=HANAKO.form(my_number=None))

    outcome = world.verify(application_id)

    application = world.application(application_id)
    assert outcome.status is Status.UNDER_REVIEW
    assert application.qualification_pseudonym_id is None
    evidence: dict[str, Any] = application.verification or {}
    assert evidence[identity.BASIS] == identity.FOUR_ITEMS_ONLY
    assert "four items only" in evidence["note"]
    assert evidence["signature"]["channel"] == "egov"
    assert len(evidence[identity.CANDIDATES]) == 1
    assert len(world.vault) == 0
    (finding,) = [f for f in automatic_checks(application) if f.check.startswith("identity.")]
    assert finding.check == "identity.four_items_only"
    assert finding.severity is Severity.BLOCKING
    with pytest.raises(lifecycle.IdentityUnconfirmedError):
        lifecycle.decide(application, lifecycle.Decision.ACCEPT, (), STAFF, dt.datetime.now(dt.UTC))

    confirmed = choose(world, application_id, 0)

    assert confirmed.qualification_pseudonym_id is not None
    assert world.vault.reveal(confirmed.qualification_pseudonym_id).reveal() == HANAKO.my_number


def test_an_egov_application_without_my_number_matching_several_lists_them(twins: World) -> None:
    application_id = twins.egov(TARO, form=TARO.form(my_number=None))

    twins.verify(application_id)

    evidence: dict[str, Any] = twins.application(application_id).verification or {}
    assert evidence[identity.BASIS] == identity.SEVERAL_RESIDENTS
    assert len(evidence[identity.CANDIDATES]) == 2


def test_an_egov_application_without_my_number_found_nowhere_is_not_confirmed(
    world: World,
) -> None:
    application_id = world.egov(STRANGER, form=STRANGER.form(my_number=None))

    world.verify(application_id)

    application = world.application(application_id)
    assert application.status is Status.RETURNED
    assert [r.code for r in application.reasons] == ["registry.not_confirmed"]


def test_a_mynaportal_document_without_my_number_is_still_returned(world: World) -> None:
    world.verify(application_id := world.mynaportal(TARO, form=TARO.form(my_number=None)))

    reasons = world.application(application_id).reasons
    assert [r.code for r in reasons] == ["document.my_number_missing"]


def test_a_chosen_person_resubmitting_another_persons_application_does_not_replace_it(
    world: World,
) -> None:
    """Staff's choice admits like any verification: a resubmission naming another person's
    returned application is refused, and the returned one is left as it was (hole 4)."""
    returned_id = world.mynaportal(HANAKO)
    assert world.verify(returned_id).status is Status.UNDER_REVIEW
    stored = world.applications.get(returned_id)
    assert stored is not None
    reason = Reason(code="fix.photo", field="attachments", message="attach a photo")
    world.applications.replace(
        stored,
        lifecycle.transition(
            stored.application,
            Status.RETURNED,
            by=STAFF.id,
            at=dt.datetime.now(dt.UTC),
            reasons=(reason,),
        ),
    )
    before = world.application(returned_id)
    held_id = world.egov(TARO, form=TARO.form(my_number=None))
    held = world.applications.get(held_id)
    assert held is not None
    world.applications.items[held_id] = held.__class__(
        held.application.model_copy(update={"resubmission_of": returned_id}),
        held.version,
        held.request_fingerprint,
    )
    assert world.verify(held_id).status is Status.UNDER_REVIEW

    chosen = choose(world, held_id, 0)

    assert chosen.status is Status.RETURNED
    assert [r.code for r in chosen.reasons] == ["resubmission.other_person"]
    assert world.application(returned_id) == before
