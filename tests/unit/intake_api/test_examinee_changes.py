"""Staff decide the registry re-check's change proposals: the open ones listed (audited),
accepted (the examinee's items change with a history entry, all or nothing), rejected with a
reason; another prefecture's are not there; a stale proposal is a conflict; the runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.unit.review.factory import application, form

from kentei.data.audit import AuditAction
from kentei.registry.model import RegistryStatus
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    Proposal,
    ProposalStatus,
    RunRecord,
    new_proposal_id,
)
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of

from .events import event, invoke
from .fakes import Fakes

REVIEWER = "staff:13:reviewer1:reviewer"
OSAKA_REVIEWER = "staff:27:reviewer9:reviewer"
CLERK = "staff:13:clerk1:clerk"
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
OLD = "東京都千代田区千代田1-1"
NEW = "東京都港区転居町九丁目8番7号"
RUN_AT = datetime(2026, 4, 6, 2, 30, tzinfo=UTC)


def _registered(fakes: Fakes) -> datetime:
    """An accepted application's person on the roster; when their items were written."""
    from kentei.applications.model import Status

    accepted = application(form(), status=Status.ACCEPTED)
    registration = registration_of(accepted)
    at = accepted.history[-1].at
    sitting = registration.sitting(schemes().of("13"), 1, at=at, by="staff:13:reviewer1")
    fakes.records.sittings[accepted.application_id] = sitting
    fakes.records.examinees[("13", PERSON)] = registration.examinee
    return at


def _proposal(fakes: Fakes, basis: datetime, **changes: Any) -> Proposal:
    data: dict[str, Any] = {
        "proposal_id": new_proposal_id(RUN_AT),
        "prefecture_code": "13",
        "qualification_pseudonym_id": PERSON,
        "kind": ChangeKind.UPDATE,
        "registry_status": RegistryStatus.CURRENT,
        "changes": (FieldChange(field="address", before=OLD, after=NEW),),
        "source": ChangeSource.REGISTRY_RECHECK,
        "run_id": "20260406T023000Z",
        "proposed_at": RUN_AT,
        "basis": basis,
        **changes,
    }
    proposal = Proposal.model_validate(data)
    fakes.records.proposals[proposal.proposal_id] = proposal
    return proposal


def _post(path: str, caller: str | None, body: dict[str, Any]) -> dict[str, Any]:
    return event(
        "POST", path, caller=caller, headers={"Content-Type": "application/json"}, body=body
    )


def _accept(proposal_id: str, caller: str | None = REVIEWER) -> dict[str, Any]:
    return _post(f"/v1/roster/changes/{proposal_id}/accept", caller, {})


def _reject(proposal_id: str, reason: str, caller: str | None = REVIEWER) -> dict[str, Any]:
    return _post(f"/v1/roster/changes/{proposal_id}/reject", caller, {"reason": reason})


def test_open_proposals_are_listed_with_before_and_after_and_the_listing_audited(
    fakes: Fakes,
) -> None:
    proposal = _proposal(fakes, _registered(fakes))
    status, _, body = invoke(event("GET", "/v1/roster/changes", caller=REVIEWER))
    assert status == 200, body
    [listed] = body["proposals"]
    assert listed["proposal_id"] == proposal.proposal_id
    assert listed["changes"] == [{"field": "address", "before": OLD, "after": NEW}]
    assert "basis" not in listed
    assert [e.action for e in fakes.audit.events] == [AuditAction.EXAMINEE_CHANGES_LISTED]


def test_another_prefectures_proposals_are_not_there(fakes: Fakes) -> None:
    proposal = _proposal(fakes, _registered(fakes))
    status, _, body = invoke(event("GET", "/v1/roster/changes", caller=OSAKA_REVIEWER))
    assert (status, body["proposals"]) == (200, [])
    status, _, _ = invoke(_accept(proposal.proposal_id, OSAKA_REVIEWER))
    assert status == 404
    assert fakes.records.proposals[proposal.proposal_id].status is ProposalStatus.PROPOSED


def test_accepting_changes_the_address_with_history_in_one_write(fakes: Fakes) -> None:
    proposal = _proposal(fakes, _registered(fakes))
    status, _, body = invoke(_accept(proposal.proposal_id))
    assert status == 200, body
    assert (body["status"], body["decided_by"]) == ("accepted", "staff:13:reviewer1")
    assert fakes.records.examinees[("13", PERSON)].address == NEW
    [entry] = fakes.records.history
    assert (entry.before, entry.after) == ({"address": OLD}, {"address": NEW})
    assert (entry.by, entry.source) == ("staff:13:reviewer1", ChangeSource.REGISTRY_RECHECK)
    [audited] = fakes.records.audit
    assert (audited.action, audited.person_id) == (AuditAction.EXAMINEE_CHANGE_ACCEPTED, PERSON)

    again, _, problem = invoke(_accept(proposal.proposal_id))
    assert again == 409
    assert problem["type"].endswith("proposal-decided")


def test_a_proposal_on_an_examinee_changed_since_is_a_conflict_and_nothing_changes(
    fakes: Fakes,
) -> None:
    at = _registered(fakes)
    proposal = _proposal(fakes, at)
    fakes.records.examinees_updated[("13", PERSON)] = at + timedelta(days=1)
    status, _, problem = invoke(_accept(proposal.proposal_id))
    assert status == 409
    assert problem["type"].endswith("examinee-changed")
    assert fakes.records.examinees[("13", PERSON)].address == OLD
    assert fakes.records.history == []
    assert fakes.records.proposals[proposal.proposal_id].status is ProposalStatus.PROPOSED


def test_accepting_a_deceased_persons_proposal_deletes_their_sittings(fakes: Fakes) -> None:
    proposal = _proposal(
        fakes,
        _registered(fakes),
        kind=ChangeKind.DECEASED,
        registry_status=RegistryStatus.DECEASED,
        changes=(),
    )
    registered = [
        s for s in fakes.records.sittings.values() if s.qualification_pseudonym_id == PERSON
    ]
    assert registered, "the person has a sitting on the roster"
    status, _, body = invoke(_accept(proposal.proposal_id))
    assert (status, body["kind"], body["status"]) == (200, "deceased", "accepted")
    assert fakes.records.history == []
    # Each sitting leaves the roster (R10) with its deletion record; certify voids its ticket.
    for sitting in registered:
        record = fakes.records.deletions[sitting.application_id]
        assert (record.reason.code.value, record.source.value) == ("deceased", "registry_recheck")
        assert fakes.records.sittings[sitting.application_id].status.value == "deleted"
    voided = [m.application_id for m in fakes.certify_queue.sent if m.kind == "ticket_void"]
    assert voided == [s.application_id for s in registered]
    assert ("13", PERSON) not in fakes.records.examinees, "no sitting left: the examinee goes"


def test_rejecting_keeps_the_examinee_and_the_reason(fakes: Fakes) -> None:
    proposal = _proposal(fakes, _registered(fakes))
    status, _, body = invoke(_reject(proposal.proposal_id, "本人確認の結果、旧住所が正しい"))
    assert status == 200, body
    assert (body["status"], body["reason"]) == ("rejected", "本人確認の結果、旧住所が正しい")
    assert fakes.records.examinees[("13", PERSON)].address == OLD
    [audited] = fakes.records.audit
    assert audited.action is AuditAction.EXAMINEE_CHANGE_REJECTED


def test_a_my_number_in_the_reason_is_refused_naming_the_field(fakes: Fakes) -> None:
    proposal = _proposal(fakes, _registered(fakes))
    status, _, problem = invoke(_reject(proposal.proposal_id, "番号 900000000010 の人"))
    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["reason"]
    assert fakes.records.proposals[proposal.proposal_id].status is ProposalStatus.PROPOSED


@pytest.mark.parametrize(
    ("caller", "expected"), [(None, 401), (CLERK, 403), ("bridge:mynaportal", 403)]
)
def test_only_reviewers_decide(fakes: Fakes, caller: str | None, expected: int) -> None:
    proposal = _proposal(fakes, _registered(fakes))
    assert invoke(_accept(proposal.proposal_id, caller))[0] == expected
    assert invoke(event("GET", "/v1/roster/changes", caller=caller))[0] == expected
    assert invoke(event("GET", "/v1/roster/rechecks", caller=caller))[0] == expected


@pytest.mark.parametrize(
    "request_event",
    [
        _accept("not-a-proposal"),
        _post(f"/v1/roster/changes/{new_proposal_id(RUN_AT)}/accept", REVIEWER, {"x": 1}),
        _reject(new_proposal_id(RUN_AT), ""),
        event("GET", "/v1/roster/changes?limit=0", caller=REVIEWER),
    ],
)
def test_malformed_requests_are_refused(fakes: Fakes, request_event: dict[str, Any]) -> None:
    assert invoke(request_event)[0] == 422


def test_an_unknown_proposal_is_not_found(fakes: Fakes) -> None:
    assert invoke(_accept(new_proposal_id(RUN_AT)))[0] == 404


def test_the_runs_are_counts_newest_first(fakes: Fakes) -> None:
    for days, queried in ((0, 10), (7, 12)):
        at = RUN_AT + timedelta(days=days)
        fakes.records.runs.append(
            RunRecord(
                run_id=at.strftime("%Y%m%dT%H%M%SZ"),
                prefecture_code="13",
                scheduled_at=at,
                started_at=at,
                finished_at=at + timedelta(minutes=3),
                queried=queried,
                differences=1,
                proposed=1,
            )
        )
    status, _, body = invoke(event("GET", "/v1/roster/rechecks", caller=REVIEWER))
    assert status == 200, body
    assert [r["queried"] for r in body["runs"]] == [12, 10]
    assert invoke(event("GET", "/v1/roster/rechecks", caller=OSAKA_REVIEWER))[2]["runs"] == []
