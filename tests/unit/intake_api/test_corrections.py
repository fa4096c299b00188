"""A correction request (訂正請求, P10) goes through the change flow (R9): the privacy office
records what the person asks to correct as a change proposal (source ``person_request``) in the
request's write, the request keeps the proposal's id, review decides the proposal like any
other (the examinee corrected with a history entry from the person request), and the request's
decision must follow the proposal's. Other roles and prefectures get nothing; no My Number
passes; one open proposal per request."""

from __future__ import annotations

from typing import Any

import pytest

from kentei.data.audit import AuditAction, AuditOutcome
from kentei.roster.changes import ChangeSource, ProposalStatus

from .events import event, invoke
from .fakes import Fakes
from .person_request_helpers import registered

PRIVACY = "staff:13:privacy1:privacy"
OSAKA_PRIVACY = "staff:27:privacy9:privacy"
REVIEWER = "staff:13:reviewer1:reviewer"
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
NEW = "東京都港区転居町九丁目8番7号"
OTHER = "東京都品川区訂正町三丁目4番5号"
MY_NUMBER = "900000000010"


def _slug(problem: dict[str, Any]) -> str:
    return str(problem["type"]).rsplit(":", 1)[-1]


def _post(path: str, body: dict[str, Any], caller: str | None = PRIVACY) -> dict[str, Any]:
    return event(
        "POST", path, caller=caller, headers={"Content-Type": "application/json"}, body=body
    )


def _received(kind: str = "correction") -> str:
    status, _, request = invoke(
        _post(
            "/v1/person-requests",
            {
                "qualification_pseudonym_id": PERSON,
                "kind": kind,
                "channel": "window",
                "identity_confirmation": "my_number_card",
            },
        )
    )
    assert status == 200, request
    return str(request["request_id"])


def _correct(
    request_id: str, items: dict[str, Any], caller: str | None = PRIVACY
) -> tuple[int, Any]:
    status, _, body = invoke(
        _post(f"/v1/person-requests/{request_id}/correction", {"items": items}, caller)
    )
    return status, body


def _decide(request_id: str, decision: str) -> tuple[int, Any]:
    status, _, body = invoke(
        _post(
            f"/v1/person-requests/{request_id}/decision",
            {"decision": decision, "reason": "訂正請求への決定"},
        )
    )
    return status, body


def _review(proposal_id: str, verdict: str) -> tuple[int, Any]:
    body = {} if verdict == "accept" else {"reason": "住民票と一致しない"}
    status, _, decided = invoke(
        _post(f"/v1/roster/changes/{proposal_id}/{verdict}", body, REVIEWER)
    )
    return status, decided


def test_the_items_become_a_proposal_the_request_names_audited_in_its_write(
    fakes: Fakes,
) -> None:
    registered(fakes)
    request_id = _received()
    old = fakes.records.examinees[("13", PERSON)]
    fakes.records.audit.clear()

    status, proposal = _correct(request_id, {"address": NEW, "name": old.name})

    assert status == 201, proposal
    assert (proposal["source"], proposal["status"], proposal["person_request_id"]) == (
        "person_request",
        "proposed",
        request_id,
    )
    assert proposal["changes"] == [{"field": "address", "before": old.address, "after": NEW}]
    assert (proposal["entered_by"], proposal["request_id"]) == (None, None)
    assert fakes.records.person_requests[request_id].proposal_id == proposal["proposal_id"]
    assert fakes.records.examinees[("13", PERSON)] == old, "nothing changes until review"
    assert [(e.action, e.record_id, e.person_id) for e in fakes.records.audit] == [
        (AuditAction.EXAMINEE_CHANGE_PROPOSED, proposal["proposal_id"], PERSON),
        (AuditAction.PERSON_REQUEST_CHANGED, request_id, PERSON),
    ]
    _, _, read = invoke(event("GET", f"/v1/person-requests/{request_id}", caller=PRIVACY))
    assert read["proposal_id"] == proposal["proposal_id"]
    _, _, page = invoke(event("GET", "/v1/roster/changes", caller=REVIEWER))
    assert [p["proposal_id"] for p in page["proposals"]] == [proposal["proposal_id"]]


def test_accepted_at_review_the_examinee_is_corrected_from_the_request_and_it_is_granted(
    fakes: Fakes,
) -> None:
    registered(fakes)
    request_id = _received()
    old = fakes.records.examinees[("13", PERSON)].address
    _, proposal = _correct(request_id, {"address": NEW})

    status, problem = _decide(request_id, "granted")
    assert (status, _slug(problem)) == (409, "correction-open")
    status, problem = invoke(_post(f"/v1/person-requests/{request_id}/withdrawal", {}))[::2]
    assert (status, _slug(problem)) == (409, "correction-open")

    status, decided = _review(proposal["proposal_id"], "accept")
    assert (status, decided["status"]) == (200, "accepted"), decided
    assert fakes.records.examinees[("13", PERSON)].address == NEW
    [entry] = fakes.records.history
    assert (entry.source, entry.proposal_id, entry.by) == (
        ChangeSource.PERSON_REQUEST,
        proposal["proposal_id"],
        "staff:13:reviewer1",
    )
    assert (entry.before, entry.after) == ({"address": old}, {"address": NEW})

    status, problem = _decide(request_id, "refused")
    assert (status, _slug(problem)) == (409, "correction-disagrees")
    assert "granted or partly_granted" in problem["detail"]
    status, problem = _correct(request_id, {"address": OTHER})
    assert (status, _slug(problem)) == (409, "correction-decided")
    status, request = _decide(request_id, "partly_granted")
    assert (status, request["decision"], request["proposal_id"]) == (
        200,
        "partly_granted",
        proposal["proposal_id"],
    )


def test_rejected_at_review_the_request_can_only_be_refused(fakes: Fakes) -> None:
    registered(fakes)
    request_id = _received()
    old = fakes.records.examinees[("13", PERSON)]
    _, proposal = _correct(request_id, {"address": NEW})
    _review(proposal["proposal_id"], "reject")

    for decision in ("granted", "partly_granted"):
        status, problem = _decide(request_id, decision)
        assert (status, _slug(problem)) == (409, "correction-disagrees")
    status, request = _decide(request_id, "refused")
    assert (status, request["status"], request["decision"]) == (200, "decided", "refused")
    assert fakes.records.examinees[("13", PERSON)] == old
    assert fakes.records.history == []


def test_a_correction_request_with_nothing_recorded_can_only_be_refused(fakes: Fakes) -> None:
    registered(fakes)
    request_id = _received()
    status, problem = _decide(request_id, "granted")
    assert (status, _slug(problem)) == (409, "correction-disagrees")
    assert "nothing to correct" in problem["detail"]
    assert fakes.records.person_requests[request_id].open
    status, request = _decide(request_id, "refused")
    assert (status, request["decision"]) == (200, "refused")


def test_recording_again_while_open_supersedes_the_open_proposal(fakes: Fakes) -> None:
    registered(fakes)
    request_id = _received()
    _, first = _correct(request_id, {"address": NEW})
    status, second = _correct(request_id, {"address": OTHER, "phone": "03-1111-2222"})
    assert status == 201, second
    assert fakes.records.proposals[first["proposal_id"]].status is ProposalStatus.SUPERSEDED
    assert fakes.records.person_requests[request_id].proposal_id == second["proposal_id"]
    _, _, page = invoke(event("GET", "/v1/roster/changes", caller=REVIEWER))
    assert [p["proposal_id"] for p in page["proposals"]] == [second["proposal_id"]]
    status, _ = _review(first["proposal_id"], "accept")
    assert status == 409, "a superseded proposal is not decided"


def test_a_request_of_another_kind_or_closed_is_not_corrected(fakes: Fakes) -> None:
    registered(fakes)
    disclosure = _received("disclosure")
    status, problem = _correct(disclosure, {"address": NEW})
    assert (status, _slug(problem)) == (409, "request-state")
    closed = _received()
    _decide(closed, "refused")
    status, problem = _correct(closed, {"address": NEW})
    assert (status, _slug(problem)) == (409, "request-state")
    assert fakes.records.proposals == {}


@pytest.mark.parametrize(
    ("caller", "expected"),
    [(None, 401), (REVIEWER, 403), ("staff:13:clerk1:clerk", 403), ("bridge:mynaportal", 403)],
)
def test_only_the_privacy_office_records_a_correction(
    fakes: Fakes, caller: str | None, expected: int
) -> None:
    registered(fakes)
    request_id = _received()
    assert _correct(request_id, {"address": NEW}, caller)[0] == expected
    assert fakes.records.proposals == {}


def test_another_prefectures_request_is_not_there(fakes: Fakes) -> None:
    registered(fakes)
    request_id = _received()
    status, _ = _correct(request_id, {"address": NEW}, OSAKA_PRIVACY)
    assert status == 404
    refused = [e for e in fakes.audit.all() if e.actor == "staff:27:privacy9"]
    assert [(e.action, e.outcome, e.prefecture_code) for e in refused] == [
        (AuditAction.PERSON_REQUEST_CHANGED, AuditOutcome.NOT_FOUND, "27")
    ]
    assert _correct("prq-" + "0" * 26, {"address": NEW})[0] == 404
    assert fakes.records.proposals == {}
    assert fakes.records.person_requests[request_id].proposal_id is None


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ({"address": f"東京都港区 {MY_NUMBER}"}, "items.address"),
        ({"employer_name": "株式会社" + MY_NUMBER}, "items.employer_name"),
    ],
)
def test_a_my_number_in_a_value_is_refused_naming_it(
    fakes: Fakes, items: dict[str, Any], field: str
) -> None:
    registered(fakes)
    request_id = _received()
    fakes.records.audit.clear()
    status, problem = _correct(request_id, items)
    assert status == 422
    assert [e["field"] for e in problem["errors"]] == [field]
    assert MY_NUMBER not in str(problem)
    assert fakes.records.proposals == {}
    assert fakes.records.audit == []


@pytest.mark.parametrize(
    "items", [{}, {"my_number": MY_NUMBER}, {"birth_date": "1990-01-01"}, {"name": None}]
)
def test_items_outside_the_change_flows_rules_are_refused(
    fakes: Fakes, items: dict[str, Any]
) -> None:
    registered(fakes)
    request_id = _received()
    status, problem = _correct(request_id, items)
    assert status == 422, problem
    assert MY_NUMBER not in str(problem)
    assert fakes.records.proposals == {}


def test_items_that_change_nothing_are_refused(fakes: Fakes) -> None:
    registered(fakes)
    request_id = _received()
    address = fakes.records.examinees[("13", PERSON)].address
    status, problem = _correct(request_id, {"address": address})
    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["items"]
    assert fakes.records.proposals == {}
