"""e-Gov completion notices (R2): owed when an e-Gov application ends (staff accept or return
it, verify refuses it), sent once by certify with the outcome and reason codes, recorded,
failures recorded and raised for SQS to retry; nothing for other channels."""

from __future__ import annotations

import pytest
from tests.unit.intake_api.fakes import Fakes
from tests.unit.intake_api.test_receive import STAFF
from tests.unit.notice_dispatch.fakes import World
from tests.unit.review.factory import application, form

from certify.completion_notices import CompletionRefusedError, send_completion_notice
from intake.reviewing import decide_application
from intake.views import DecisionRequest
from kentei.applications.model import Application, Channel, Reason, Status
from kentei.data.applications import StoredApplication
from kentei.egov_notices.model import CompletionOutcome
from kentei.egov_notices.port import EgovUnavailableError, EgovUnknownApplicationError
from kentei.messages import CompletionNoticeDue
from kentei.notice_records import NoticeChannel, NoticeOutcome
from verify.verification import Outcome, completion_due

PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
ACCEPT = DecisionRequest(decision="accept", reasons=[])
FIX = Reason(code="fix.name_kana", field="name_kana", message="ふりがな is missing.")


def due(app: Application) -> CompletionNoticeDue:
    return CompletionNoticeDue(application_id=app.application_id, prefecture_code="13")


def ended(status: Status, channel: Channel = Channel.EGOV) -> Application:
    app = application(form(), status=status, channel=channel)
    if status is Status.ACCEPTED:
        return app
    return app.model_copy(update={"reasons": (FIX, FIX)})


@pytest.mark.parametrize(
    ("status", "outcome", "codes"),
    [
        (Status.ACCEPTED, CompletionOutcome.ACCEPTED, ()),
        (Status.REJECTED, CompletionOutcome.REJECTED, ("fix.name_kana",)),
        (Status.RETURNED, CompletionOutcome.RETURNED, ("fix.name_kana",)),
    ],
)
def test_given_an_ended_egov_application_then_egov_gets_its_completion_notice_once(
    status: Status, outcome: CompletionOutcome, codes: tuple[str, ...]
) -> None:
    app = ended(status)
    world = World(applications={app.application_id: app})

    first = send_completion_notice(due(app), world.deps())
    again = send_completion_notice(due(app), world.deps())

    assert (first.new, again.new, world.egov.calls) == (True, False, 1)
    (notice,) = world.egov.inner.notices_for(app.application_id)
    assert (notice.outcome, notice.reason_codes) == (outcome, codes)
    assert notice.completed_at == app.history[-1].at
    stored = world.records[first.notice_id]
    assert (stored.channel, stored.outcome) == (NoticeChannel.EGOV, NoticeOutcome.SENT)
    assert stored.notice_id == f"{app.application_id}-egov-done"


@pytest.mark.parametrize(
    ("status", "channel"),
    [
        (Status.UNDER_REVIEW, Channel.EGOV),
        (Status.ACCEPTED, Channel.MYNAPORTAL),
        (Status.RETURNED, Channel.PAPER),
    ],
)
def test_given_no_notice_owed_then_the_message_is_refused(status: Status, channel: Channel) -> None:
    app = ended(status, channel)
    world = World(applications={app.application_id: app})

    with pytest.raises(CompletionRefusedError):
        send_completion_notice(due(app), world.deps())
    assert world.egov.calls == 0
    assert not world.records


def test_given_egov_unavailable_then_the_attempt_is_recorded_and_raised_and_a_retry_sends() -> None:
    app = ended(Status.ACCEPTED)
    world = World(applications={app.application_id: app})
    world.egov.error = EgovUnavailableError("down")

    with pytest.raises(EgovUnavailableError):
        send_completion_notice(due(app), world.deps())
    (stored,) = world.records.values()
    assert stored.outcome is NoticeOutcome.RETRYING
    assert [a.error for a in stored.attempts] == ["EgovUnavailableError"]

    world.egov.error = None
    assert send_completion_notice(due(app), world.deps()).new
    (stored,) = world.records.values()
    assert stored.outcome is NoticeOutcome.SENT
    assert len(stored.attempts) == 1


def test_given_egov_does_not_know_the_application_then_it_keeps_failing() -> None:
    app = ended(Status.REJECTED)
    world = World(applications={app.application_id: app})
    world.egov.error = EgovUnknownApplicationError("unknown")

    for _ in range(2):
        with pytest.raises(EgovUnknownApplicationError):
            send_completion_notice(due(app), world.deps())
    assert len(world.records[f"{app.application_id}-egov-done"].attempts) == 2


# Who sends completion_notice_due


def _under_review(fakes: Fakes, channel: Channel) -> str:
    reviewed = application(form(), status=Status.UNDER_REVIEW, channel=channel)
    reviewed = reviewed.model_copy(update={"qualification_pseudonym_id": PERSON})
    fakes.records.applications[reviewed.application_id] = StoredApplication(reviewed, 3, "fp")
    return reviewed.application_id


@pytest.mark.parametrize("request_", [ACCEPT, DecisionRequest(decision="return", reasons=[FIX])])
def test_a_review_decision_on_an_egov_application_owes_a_completion_notice_again_on_a_retry(
    request_: DecisionRequest,
) -> None:
    fakes = Fakes()
    application_id = _under_review(fakes, Channel.EGOV)

    decide_application(STAFF, application_id, request_, "r-1", fakes.dependencies())
    decide_application(STAFF, application_id, request_, "r-2", fakes.dependencies())

    sent = fakes.certify_queue.sent
    assert sent == [CompletionNoticeDue(application_id=application_id, prefecture_code="13")] * 2


def test_a_review_decision_on_another_channel_owes_nothing() -> None:
    fakes = Fakes()
    application_id = _under_review(fakes, Channel.MYNAPORTAL)

    decide_application(STAFF, application_id, ACCEPT, "r-1", fakes.dependencies())

    assert fakes.certify_queue.sent == []


@pytest.mark.parametrize(
    ("channel", "status", "owed"),
    [
        (Channel.EGOV, Status.RETURNED, True),
        (Channel.EGOV, Status.REJECTED, True),
        (Channel.EGOV, Status.UNDER_REVIEW, False),
        (Channel.MYNAPORTAL, Status.REJECTED, False),
    ],
)
def test_verify_owes_a_completion_notice_for_an_egov_application_it_ended(
    channel: Channel, status: Status, owed: bool
) -> None:
    for already in (False, True):
        outcome = Outcome(
            "13-01JZ0000000000000000000000", channel.value, status, already_handled=already
        )
        message = completion_due(outcome, "13")
        assert (message is not None) is owed
        if message is not None:
            assert message.application_id == outcome.application_id
