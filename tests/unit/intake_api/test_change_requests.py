"""Staff key in a person's paper change request (R9): a proposal (source ``paper_request``)
with the items before and after, who keyed it in and how they saw the person's identity,
audited in its write; review accepts it like a re-check's proposal, with the same history.
Another prefecture's examinee is not there; no My Number passes; a request that changes
nothing is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from tests.unit.review.factory import application, form

from kentei.data.audit import AuditAction
from kentei.roster.changes import ChangeSource, ProposalStatus
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of

from .events import event, invoke
from .fakes import Fakes

CLERK = "staff:13:clerk1:clerk"
REVIEWER = "staff:13:reviewer1:reviewer"
OSAKA_CLERK = "staff:27:clerk9:clerk"
EXAM_ADMIN = "staff:13:exam1:exam_admin"
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
NEW = "東京都港区転居町九丁目8番7号"
MY_NUMBER = "900000000010"


def _registered(fakes: Fakes) -> datetime:
    from kentei.applications.model import Status

    accepted = application(form(), status=Status.ACCEPTED)
    registration = registration_of(accepted)
    at = accepted.history[-1].at
    sitting = registration.sitting(schemes().of("13"), 1, at=at, by="staff:13:reviewer1")
    fakes.records.sittings[accepted.application_id] = sitting
    fakes.records.examinees[("13", PERSON)] = registration.examinee
    return at


def _request(
    items: dict[str, Any], caller: str | None = CLERK, person: str = PERSON, **extra: Any
) -> dict[str, Any]:
    body = {"items": items, "identity_confirmation": "drivers_license", **extra}
    return event(
        "POST",
        f"/v1/roster/examinees/{person}/change-requests",
        caller=caller,
        headers={"Content-Type": "application/json"},
        body=body,
    )


def _accept(proposal_id: str) -> dict[str, Any]:
    return event(
        "POST",
        f"/v1/roster/changes/{proposal_id}/accept",
        caller=REVIEWER,
        headers={"Content-Type": "application/json"},
        body={},
    )


def test_a_clerk_keys_in_an_address_change_as_a_proposal_audited(fakes: Fakes) -> None:
    _registered(fakes)
    old = fakes.records.examinees[("13", PERSON)]
    status, _, body = invoke(_request({"address": NEW, "phone": "03-1234-5678"}))
    assert status == 201, body
    assert (body["source"], body["status"], body["kind"]) == ("paper_request", "proposed", "update")
    assert (body["entered_by"], body["identity_confirmation"]) == (
        "staff:13:clerk1",
        "drivers_license",
    )
    assert (body["registry_status"], body["run_id"]) == (None, None)
    changed = {c["field"]: (c["before"], c["after"]) for c in body["changes"]}
    assert changed["address"] == (old.address, NEW)
    assert set(changed) <= {"address", "phone"}
    assert fakes.records.examinees[("13", PERSON)] == old, "nothing changes until review"
    [audited] = fakes.records.audit
    assert (audited.action, audited.person_id, audited.record_id) == (
        AuditAction.EXAMINEE_CHANGE_PROPOSED,
        PERSON,
        body["proposal_id"],
    )
    assert MY_NUMBER not in str(body)


def test_a_reviewer_accepts_it_with_history_from_the_paper_request(fakes: Fakes) -> None:
    _registered(fakes)
    old = fakes.records.examinees[("13", PERSON)].address
    _, _, proposal = invoke(_request({"address": NEW}))
    status, _, body = invoke(_accept(proposal["proposal_id"]))
    assert (status, body["status"]) == (200, "accepted"), body
    assert fakes.records.examinees[("13", PERSON)].address == NEW
    [entry] = fakes.records.history
    assert (entry.source, entry.by) == (ChangeSource.PAPER_REQUEST, "staff:13:reviewer1")
    assert (entry.before, entry.after) == ({"address": old}, {"address": NEW})


def test_the_open_request_is_listed_for_review(fakes: Fakes) -> None:
    _registered(fakes)
    _, _, proposal = invoke(_request({"address": NEW}, caller=REVIEWER))
    _, _, page = invoke(event("GET", "/v1/roster/changes", caller=REVIEWER))
    assert [p["proposal_id"] for p in page["proposals"]] == [proposal["proposal_id"]]


def test_another_prefectures_examinee_is_not_there(fakes: Fakes) -> None:
    _registered(fakes)
    status, _, _ = invoke(_request({"address": NEW}, caller=OSAKA_CLERK))
    assert status == 404
    assert fakes.records.proposals == {}
    assert invoke(_request({"address": NEW}, person="nobody"))[0] == 404


@pytest.mark.parametrize(
    ("caller", "expected"), [(None, 401), (EXAM_ADMIN, 403), ("bridge:mynaportal", 403)]
)
def test_only_clerks_and_reviewers_key_in(fakes: Fakes, caller: str | None, expected: int) -> None:
    _registered(fakes)
    assert invoke(_request({"address": NEW}, caller=caller))[0] == expected
    assert fakes.records.proposals == {}


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ({"address": f"東京都港区 {MY_NUMBER}"}, "items.address"),
        ({"employer_name": "株式会社" + MY_NUMBER}, "items.employer_name"),
    ],
)
def test_a_my_number_in_an_item_is_refused_naming_it(
    fakes: Fakes, items: dict[str, Any], field: str
) -> None:
    _registered(fakes)
    status, _, problem = invoke(_request(items))
    assert status == 422
    assert [e["field"] for e in problem["errors"]] == [field]
    assert MY_NUMBER not in str(problem)
    assert fakes.records.proposals == {}


@pytest.mark.parametrize(
    "items",
    [
        {},
        {"my_number": MY_NUMBER},
        {"birth_date": "1990-01-01"},
        {"name": None},
        {"postal_code": "12-34"},
    ],
)
def test_malformed_requests_are_refused(fakes: Fakes, items: dict[str, Any]) -> None:
    _registered(fakes)
    status, _, problem = invoke(_request(items))
    assert status == 422, problem
    assert MY_NUMBER not in str(problem)
    assert fakes.records.proposals == {}


def test_a_request_without_the_identity_confirmation_is_refused(fakes: Fakes) -> None:
    _registered(fakes)
    bad = _request({"address": NEW}, identity_confirmation="a glance")
    assert invoke(bad)[0] == 422


def test_a_request_that_changes_nothing_is_refused(fakes: Fakes) -> None:
    _registered(fakes)
    same = fakes.records.examinees[("13", PERSON)].address
    status, _, problem = invoke(_request({"address": same}))
    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["items"]
    assert fakes.records.proposals == {}


def test_a_my_number_in_the_path_is_refused(fakes: Fakes) -> None:
    _registered(fakes)
    status, _, problem = invoke(_request({"address": NEW}, person=MY_NUMBER))
    assert status == 422
    assert MY_NUMBER not in str(problem)


def test_two_requests_are_two_proposals_and_accepting_one_makes_the_other_stale(
    fakes: Fakes,
) -> None:
    _registered(fakes)
    _, _, first = invoke(_request({"address": NEW}))
    fakes.clock.advance(60)
    _, _, second = invoke(_request({"phone": "03-9999-0000"}))
    assert {p.status for p in fakes.records.proposals.values()} == {ProposalStatus.PROPOSED}
    assert invoke(_accept(first["proposal_id"]))[0] == 200
    status, _, problem = invoke(_accept(second["proposal_id"]))
    assert status == 409
    assert problem["type"].endswith("examinee-changed")


def test_it_is_at_the_clock(fakes: Fakes) -> None:
    _registered(fakes)
    _, _, body = invoke(_request({"address": NEW}))
    assert datetime.fromisoformat(body["proposed_at"]) == fakes.clock.now.astimezone(UTC)
