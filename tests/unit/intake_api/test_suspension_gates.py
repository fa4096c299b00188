"""P10: while a person's use of their data is suspended (利用停止), staff cannot take it
further: accepting a change of their items or asking for their exam ticket is a ``409``
``use-suspended`` that says why, and nothing is written or sent. Once lifted, both go on."""

from __future__ import annotations

from datetime import UTC, datetime

from kentei.person_requests.suspension import Suspension

from . import test_examinee_changes as changes
from . import test_tickets as tickets
from .events import invoke
from .fakes import Fakes

PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"


def _suspend(fakes: Fakes) -> None:
    fakes.records.suspensions[("13", PERSON)] = Suspension(
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        request_id="prq-" + "0" * 26,
        since=datetime(2026, 4, 1, tzinfo=UTC),
        by="staff:13:privacy1",
    )


def test_a_change_of_a_suspended_persons_items_is_not_accepted(fakes: Fakes) -> None:
    proposal = changes._proposal(fakes, changes._registered(fakes))
    _suspend(fakes)
    before = dict(fakes.records.examinees)

    status, _, problem = invoke(changes._accept(proposal.proposal_id))

    assert status == 409
    assert problem["type"].endswith("use-suspended")
    assert "利用停止" in problem["detail"]
    assert fakes.records.examinees == before
    assert fakes.records.history == []
    del fakes.records.suspensions[("13", PERSON)]
    status, _, _ = invoke(changes._accept(proposal.proposal_id))
    assert status == 200


def test_a_suspended_persons_exam_ticket_is_not_asked_for(fakes: Fakes) -> None:
    application_id = tickets._accepted(fakes)
    _suspend(fakes)

    status, _, problem = invoke(tickets._ask(application_id))

    assert status == 409
    assert problem["type"].endswith("use-suspended")
    assert fakes.certify_queue.sent == []
    del fakes.records.suspensions[("13", PERSON)]
    status, _, _ = invoke(tickets._ask(application_id))
    assert status == 202
