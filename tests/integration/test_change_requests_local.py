"""A paper change request through the local runtime with real tokens (R9): a clerk keys in
the person's new address (the identity confirmation seen), a reviewer accepts the proposal,
the examinee's address changes with a history entry (before, after, who, from a paper
request), and each step is in the audit trail. No My Number in any answer, and one in an
item is refused before anything is stored."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from tests.integration.intake_helpers import TOKYO, IntakeSystem, intake_system
from tests.unit.review.factory import application, form

from kentei.applications.model import Status
from kentei.data.applications import PrefectureApplications
from kentei.data.audit import AuditAction, AuditTrail
from kentei.data.changes import PrefectureChanges
from kentei.data.roster import PrefectureRoster
from kentei.roster.changes import ChangeSource, ProposalStatus
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei_local.probes import my_numbers_in

CLERK = f"staff:{TOKYO}:clerk-{TOKYO}:clerk"
REVIEWER = f"staff:{TOKYO}:reviewer-{TOKYO}:reviewer"
PERSON = "q7cvj3twxoaxwlxb7x4ahwb4rr"
OLD = "東京都千代田区見本町一丁目2番3号"
NEW = "東京都港区転居町九丁目8番7号"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


def _on_the_roster() -> None:
    accepted = application(form(address=OLD), status=Status.ACCEPTED).model_copy(
        update={"qualification_pseudonym_id": PERSON}
    )
    PrefectureApplications(TOKYO).create(accepted, f"fp-{accepted.application_id}")
    roster = PrefectureRoster(TOKYO)
    registration = registration_of(accepted)
    scheme = schemes().of(TOKYO)
    at = accepted.history[-1].at
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=at, by="staff:13:reviewer-13"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, at))


def _key_in(system: IntakeSystem, items: dict[str, object]) -> tuple[int, str]:
    body = {"items": items, "identity_confirmation": "my_number_card"}
    response = system.client.request(
        "POST",
        f"/v1/roster/examinees/{PERSON}/change-requests",
        CLERK,
        data=json.dumps(body).encode(),
        headers=JSON,
    )
    return response.status_code, response.text


def test_a_clerk_keys_in_an_address_change_and_a_reviewer_accepts_it(
    system: IntakeSystem,
) -> None:
    _on_the_roster()
    status, text = _key_in(system, {"address": "東京都港区 900000000010"})
    assert status == 422, text
    assert my_numbers_in(text) == []
    assert PrefectureChanges(TOKYO).proposals(ProposalStatus.PROPOSED)[0] == []

    status, text = _key_in(system, {"address": NEW})
    assert status == 201, text
    proposal = json.loads(text)
    assert (proposal["source"], proposal["status"]) == ("paper_request", "proposed")
    assert proposal["changes"] == [{"field": "address", "before": OLD, "after": NEW}]
    assert proposal["entered_by"] == f"staff:{TOKYO}:clerk-{TOKYO}"
    stored = PrefectureRoster(TOKYO).examinee(PERSON)
    assert stored is not None
    assert stored.examinee.address == OLD, "unchanged until review decides"

    listed = system.client.get("/v1/roster/changes", REVIEWER)
    assert listed.status_code == 200, listed.text
    assert my_numbers_in(listed.text) == []
    assert [p["proposal_id"] for p in listed.json()["proposals"]] == [proposal["proposal_id"]]

    accepted = system.client.request(
        "POST",
        f"/v1/roster/changes/{proposal['proposal_id']}/accept",
        REVIEWER,
        data=b"{}",
        headers=JSON,
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert my_numbers_in(accepted.text) == []

    stored = PrefectureRoster(TOKYO).examinee(PERSON)
    assert stored is not None
    assert stored.examinee.address == NEW
    assert stored.examinee.my_number is None
    [entry] = PrefectureChanges(TOKYO).history(PERSON)
    assert (entry.before, entry.after) == ({"address": OLD}, {"address": NEW})
    assert (entry.by, entry.source) == (
        f"staff:{TOKYO}:reviewer-{TOKYO}",
        ChangeSource.PAPER_REQUEST,
    )

    day = dt.datetime.now(dt.UTC).date()
    trail = [e for e in AuditTrail().day(TOKYO, day) if e.record_id == proposal["proposal_id"]]
    assert [(e.action, e.actor, e.person_id) for e in trail] == [
        (AuditAction.EXAMINEE_CHANGE_PROPOSED, f"staff:{TOKYO}:clerk-{TOKYO}", PERSON),
        (AuditAction.EXAMINEE_CHANGE_ACCEPTED, f"staff:{TOKYO}:reviewer-{TOKYO}", PERSON),
    ]
