"""The status machine of an application, review decisions, and resubmission."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kentei.applications.lifecycle import (
    ALLOWED,
    REPLACED,
    Decision,
    InvalidTransitionError,
    NotStaffError,
    OutsidePrefectureError,
    ReasonsRequiredError,
    ResubmissionError,
    check_resubmission,
    decide,
    link_resubmission,
    same_person,
    transition,
)
from kentei.applications.model import FINAL_STATUSES, Application, Channel, Reason, Status

from .factory import BRIDGE, LATER, application, staff

REASON = Reason(code="missing.name_kana", field="name_kana", message="ふりがな is missing.")
EDGES = [
    (Status.RECEIVED, Status.VERIFYING),
    (Status.RECEIVED, Status.RETURNED),
    (Status.RECEIVED, Status.REJECTED),
    (Status.VERIFYING, Status.UNDER_REVIEW),
    (Status.VERIFYING, Status.RETURNED),
    (Status.VERIFYING, Status.REJECTED),
    (Status.VERIFYING, Status.HELD),
    (Status.HELD, Status.UNDER_REVIEW),
    (Status.HELD, Status.RETURNED),
    (Status.UNDER_REVIEW, Status.ACCEPTED),
    (Status.UNDER_REVIEW, Status.RETURNED),
]
ALL_PAIRS = [(a, b) for a in Status for b in Status]


@pytest.mark.parametrize(("from_status", "to"), EDGES)
def test_given_an_allowed_change_when_transitioning_then_status_reasons_and_history_follow(
    from_status: Status, to: Status
) -> None:
    before = application(status=from_status)

    after = transition(before, to, by="verify", at=LATER, reasons=[REASON])

    assert after.status is to
    assert after.reasons == (REASON,)
    assert after.history[:-1] == before.history
    assert after.history[-1].status is to
    assert after.history[-1].by == "verify"
    assert after.history[-1].at == LATER
    assert before.status is from_status, "the original is unchanged"


@pytest.mark.parametrize(("from_status", "to"), [p for p in ALL_PAIRS if p not in EDGES])
def test_given_a_change_not_allowed_when_transitioning_then_refused_naming_the_statuses(
    from_status: Status, to: Status
) -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        transition(application(status=from_status), to, by="verify", at=LATER, reasons=[REASON])

    assert (caught.value.from_status, caught.value.to_status) == (from_status, to)
    assert str(caught.value) == f"an application cannot go from {from_status} to {to}"


def test_the_allowed_table_is_exactly_the_documented_edges() -> None:
    assert {(a, b) for a, targets in ALLOWED.items() for b in targets} == set(EDGES)
    assert all(not ALLOWED[status] for status in FINAL_STATUSES)


@pytest.mark.parametrize(
    ("from_status", "to"),
    [(Status.RECEIVED, Status.REJECTED), (Status.VERIFYING, Status.RETURNED)],
)
def test_given_no_reasons_when_returning_or_rejecting_then_refused(
    from_status: Status, to: Status
) -> None:
    with pytest.raises(ReasonsRequiredError):
        transition(application(status=from_status), to, by="verify", at=LATER)


def test_given_the_next_step_without_reasons_then_the_previous_reasons_are_cleared() -> None:
    received = transition(
        application(status=Status.RECEIVED), Status.VERIFYING, by="verify", at=LATER
    )

    assert received.reasons == ()


def test_given_a_naive_time_or_no_actor_then_refused() -> None:
    pending = application(status=Status.RECEIVED)

    with pytest.raises(ValueError, match="UTC offset"):
        transition(pending, Status.VERIFYING, by="verify", at=datetime(2025, 5, 20, 14, 0))
    with pytest.raises(ValueError, match="who made it"):
        transition(pending, Status.VERIFYING, by=" ", at=LATER)


@given(st.lists(st.sampled_from(Status), max_size=8))
@settings(max_examples=100, database=None)
def test_given_any_sequence_of_requests_then_history_records_exactly_the_allowed_ones(
    requests: list[Status],
) -> None:
    current = application(status=Status.RECEIVED)
    start = len(current.history)
    applied = 0
    for to in requests:
        if to in ALLOWED[current.status]:
            current = transition(current, to, by="test", at=LATER, reasons=[REASON])
            applied += 1
        else:
            with pytest.raises(InvalidTransitionError):
                transition(current, to, by="test", at=LATER, reasons=[REASON])

    assert len(current.history) == start + applied
    assert current.history[-1].status is current.status


# decide ------------------------------------------------------------------------------------


def test_given_staff_of_the_prefecture_when_accepting_then_accepted_by_them() -> None:
    accepted = decide(application(), Decision.ACCEPT, [], staff("13", "reviewer1"), LATER)

    assert accepted.status is Status.ACCEPTED
    assert accepted.history[-1].by == "staff:13:reviewer1"
    assert accepted.reasons == ()


def test_given_notes_when_accepting_then_they_are_kept_as_reasons() -> None:
    note = Reason(code="note.certificate_by_post", message="Certificate received by post.")

    accepted = decide(application(), Decision.ACCEPT, [note], staff(), LATER)

    assert accepted.reasons == (note,)
    assert accepted.history[-1].reasons == (note,)


def test_given_reasons_when_returning_then_returned_with_them() -> None:
    returned = decide(application(), Decision.RETURN, [REASON], staff(), LATER)

    assert returned.status is Status.RETURNED
    assert returned.reasons == (REASON,)


def test_given_no_reasons_when_returning_then_refused() -> None:
    with pytest.raises(ReasonsRequiredError):
        decide(application(), Decision.RETURN, [], staff(), LATER)


def test_given_staff_of_another_prefecture_when_deciding_then_it_is_not_found_for_them() -> None:
    with pytest.raises(OutsidePrefectureError) as caught:
        decide(application(prefecture_code="13"), Decision.ACCEPT, [], staff("14"), LATER)

    assert isinstance(caught.value, LookupError)


def test_given_another_prefecture_and_a_wrong_status_then_still_not_found_not_a_conflict() -> None:
    """The status must not leak to staff who may not see the application."""
    done = application(status=Status.ACCEPTED, prefecture_code="13")

    with pytest.raises(OutsidePrefectureError):
        decide(done, Decision.RETURN, [REASON], staff("27"), LATER)


def test_given_a_bridge_when_deciding_then_refused() -> None:
    with pytest.raises(NotStaffError):
        decide(application(), Decision.ACCEPT, [], BRIDGE, LATER)


@pytest.mark.parametrize("status", [s for s in Status if s is not Status.UNDER_REVIEW])
@pytest.mark.parametrize("decision", list(Decision))
def test_given_an_application_not_under_review_when_deciding_then_a_conflict(
    status: Status, decision: Decision
) -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        decide(application(status=status), decision, [REASON], staff(), LATER)

    assert caught.value.from_status is status


# resubmissions -----------------------------------------------------------------------------

PERSON = "Q" * 26
OTHER = "R" * 26


def verified(resubmission: Application, person: str = PERSON) -> Application:
    """``resubmission`` as verify admits it: with the 資格仮名ID of the person it confirmed."""
    return resubmission.model_copy(update={"qualification_pseudonym_id": person})


def returned_by(person: str | None = PERSON, **options: Any) -> Application:
    return application(status=Status.RETURNED, **options).model_copy(
        update={"qualification_pseudonym_id": person}
    )


def old_marker(replaced: Application) -> tuple[Reason, ...]:
    """The reasons of the history entry that marks ``replaced`` as replaced."""
    marker = replaced.history[-1]
    assert marker.reasons[0].code == REPLACED
    return marker.reasons


def test_given_the_same_person_then_a_verified_correction_replaces_it_with_a_fresh_history() -> (
    None
):
    returned = returned_by(PERSON)
    correction = verified(application(status=Status.UNDER_REVIEW))

    old, new = link_resubmission(returned, correction, LATER)

    assert old.status is Status.RETURNED
    assert old.replaced_by == correction.application_id
    assert old.reasons == returned.reasons
    assert old.history[:-1] == returned.history
    assert old.history[-1].reasons[0].code == REPLACED
    assert old.history[-1].by == correction.submitted_by
    assert new.resubmission_of == returned.application_id
    assert new.status is Status.UNDER_REVIEW
    assert new.history == correction.history  # never the returned one's
    assert new.reasons == correction.reasons


def test_given_another_person_then_the_correction_does_not_replace_it() -> None:
    returned = returned_by(PERSON)
    correction = verified(application(status=Status.UNDER_REVIEW), OTHER)

    assert not same_person(returned, correction)
    with pytest.raises(ResubmissionError, match="another person"):
        link_resubmission(returned, correction, LATER)


def test_given_a_returned_application_of_no_confirmed_person_then_a_verified_one_replaces_it() -> (
    None
):
    returned = returned_by(None)
    correction = verified(application(status=Status.UNDER_REVIEW), OTHER)

    assert same_person(returned, correction)
    assert link_resubmission(returned, correction, LATER)[0].replaced_by


def test_given_an_unverified_correction_then_it_replaces_nothing_yet() -> None:
    with pytest.raises(ResubmissionError, match="verified"):
        link_resubmission(returned_by(), application(status=Status.RECEIVED), LATER)


def test_given_an_actor_when_linking_then_the_marker_names_them() -> None:
    old, _ = link_resubmission(
        returned_by(),
        verified(application(status=Status.UNDER_REVIEW)),
        LATER,
        by="verify",
    )

    assert old.history[-1].by == "verify"


def test_given_an_already_replaced_application_then_a_second_replacement_is_refused() -> None:
    old, _ = link_resubmission(returned_by(), verified(application()), LATER)

    with pytest.raises(ResubmissionError, match="already been replaced"):
        check_resubmission(old, application(status=Status.RECEIVED))


def test_given_a_resubmission_already_linked_then_it_cannot_replace_another() -> None:
    _, new = link_resubmission(returned_by(), verified(application()), LATER)

    with pytest.raises(ResubmissionError, match="already replaces"):
        check_resubmission(application(status=Status.RETURNED), new)


def test_given_a_resubmission_naming_this_application_then_it_may_replace_it() -> None:
    returned = application(status=Status.RETURNED)
    named = application(status=Status.RECEIVED).model_copy(
        update={"resubmission_of": returned.application_id}
    )

    check_resubmission(returned, named)


@pytest.mark.parametrize("status", [s for s in Status if s is not Status.RETURNED])
def test_given_an_application_not_returned_then_it_cannot_be_replaced(status: Status) -> None:
    with pytest.raises(ResubmissionError, match="only a returned application"):
        check_resubmission(application(status=status), application(status=Status.RECEIVED))


@pytest.mark.parametrize("status", [Status.RETURNED, Status.ACCEPTED, Status.REJECTED])
def test_given_a_decided_resubmission_then_it_cannot_replace(status: Status) -> None:
    with pytest.raises(ResubmissionError, match="cannot be a resubmission"):
        check_resubmission(application(status=Status.RETURNED), application(status=status))


def test_given_itself_then_an_application_cannot_replace_itself() -> None:
    returned = application(status=Status.RETURNED)
    same = returned.model_copy(update={"status": Status.RECEIVED})

    with pytest.raises(ResubmissionError, match="itself"):
        check_resubmission(returned, same)


def test_given_another_prefecture_then_the_resubmission_is_refused() -> None:
    with pytest.raises(ResubmissionError, match="same prefecture"):
        check_resubmission(
            application(status=Status.RETURNED, prefecture_code="13"),
            application(status=Status.RECEIVED, prefecture_code="14"),
        )


@pytest.mark.parametrize(
    ("original", "correction", "allowed"),
    [
        (Channel.MYNAPORTAL, Channel.MYNAPORTAL, True),
        (Channel.EGOV, Channel.EGOV, True),
        (Channel.PAPER, Channel.PAPER, True),
        (Channel.MYNAPORTAL, Channel.PAPER, True),
        (Channel.EGOV, Channel.PAPER, True),
        (Channel.PAPER, Channel.MYNAPORTAL, False),
        (Channel.PAPER, Channel.EGOV, False),
        (Channel.MYNAPORTAL, Channel.EGOV, False),
        (Channel.EGOV, Channel.MYNAPORTAL, False),
    ],
)
def test_channels_a_returned_application_may_be_corrected_through(
    original: Channel, correction: Channel, allowed: bool
) -> None:
    returned = application(status=Status.RETURNED, channel=original)
    resubmission = application(status=Status.RECEIVED, channel=correction)

    if allowed:
        check_resubmission(returned, resubmission)
    else:
        with pytest.raises(ResubmissionError, match="cannot be corrected through"):
            check_resubmission(returned, resubmission)


def test_given_mynaportal_from_another_applicant_then_the_resubmission_is_refused() -> None:
    with pytest.raises(ResubmissionError):
        check_resubmission(
            application(status=Status.RETURNED, pseudonym="pseudonym-of-applicant-a"),
            application(status=Status.RECEIVED, pseudonym="pseudonym-of-applicant-b"),
        )
