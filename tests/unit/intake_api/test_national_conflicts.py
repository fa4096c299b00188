"""Staff resolve conflicts with the national side: the open ones listed with both values
(audited), ours kept (the examinee travels again), theirs taken (the examinee's items change with
history), refused where their values fail our rules; another prefecture's are not there."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.unit.review.factory import application, form

from kentei.applications.model import Status
from kentei.data.audit import AuditAction
from kentei.national.conflicts import (
    ConflictCause,
    ConflictStatus,
    FieldValues,
    NationalConflict,
    new_conflict_id,
)
from kentei.national.model import RecordKind
from kentei.national.reconciliation import KindCounts, ReconcileReport, Repair, RepairReason
from kentei.roster.changes import ChangeSource
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of

from .events import event, invoke
from .fakes import Fakes

REVIEWER = "staff:13:reviewer1:reviewer"
OSAKA_REVIEWER = "staff:27:reviewer9:reviewer"
CLERK = "staff:13:clerk1:clerk"
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
FOUND_AT = datetime(2026, 10, 1, 9, 15, tzinfo=UTC)
THEIRS = "国家 花子"


def _registered(fakes: Fakes) -> str:
    """A person on the roster; their name."""
    accepted = application(form(), status=Status.ACCEPTED)
    registration = registration_of(accepted)
    at = accepted.history[-1].at
    sitting = registration.sitting(schemes().of("13"), 1, at=at, by="staff:13:reviewer1")
    fakes.records.sittings[accepted.application_id] = sitting
    fakes.records.examinees[("13", PERSON)] = registration.examinee
    return registration.examinee.name


def _conflict(
    fakes: Fakes, ours: str, cause: ConflictCause = ConflictCause.BOTH_CHANGED, **fields: Any
) -> NationalConflict:
    conflict = NationalConflict(
        conflict_id=new_conflict_id(FOUND_AT),
        prefecture_code="13",
        qualification_pseudonym_id=PERSON,
        record_kind=RecordKind.EXAMINEE,
        record_id=PERSON,
        cause=cause,
        fields=(FieldValues(field="name", ours=ours, theirs=fields.get("theirs", THEIRS)),),
        national_sequence=None if cause is ConflictCause.NEWER_ON_NATIONAL_SIDE else 42,
        found_at=FOUND_AT,
    )
    fakes.records.national_conflicts[conflict.conflict_id] = conflict
    return conflict


def _resolve(conflict_id: str, keep: str, caller: str = REVIEWER) -> dict[str, Any]:
    return event(
        "POST",
        f"/v1/roster/national-conflicts/{conflict_id}/resolve",
        caller=caller,
        headers={"Content-Type": "application/json"},
        body={"keep": keep, "reason": "本人に電話で確認した"},
    )


def test_open_conflicts_are_listed_with_both_values_and_the_listing_audited(
    fakes: Fakes,
) -> None:
    ours = _registered(fakes)
    conflict = _conflict(fakes, ours)

    status, _, body = invoke(event("GET", "/v1/roster/national-conflicts", caller=REVIEWER))

    assert status == 200, body
    [listed] = body["conflicts"]
    assert listed["conflict_id"] == conflict.conflict_id
    assert listed["fields"] == [{"field": "name", "ours": ours, "theirs": THEIRS}]
    assert (listed["cause"], listed["theirs_takeable"]) == ("both_changed", True)
    assert "prefecture_code" not in listed
    assert [e.action for e in fakes.audit.events] == [AuditAction.NATIONAL_CONFLICTS_LISTED]


def test_another_prefectures_conflicts_are_not_there(fakes: Fakes) -> None:
    conflict = _conflict(fakes, _registered(fakes))

    status, _, body = invoke(event("GET", "/v1/roster/national-conflicts", caller=OSAKA_REVIEWER))
    assert (status, body["conflicts"]) == (200, [])
    status, _, _ = invoke(_resolve(conflict.conflict_id, "theirs", OSAKA_REVIEWER))
    assert status == 404
    assert fakes.records.national_conflicts[conflict.conflict_id].status is ConflictStatus.OPEN


def test_a_clerk_may_not_resolve(fakes: Fakes) -> None:
    conflict = _conflict(fakes, _registered(fakes))
    status, _, _ = invoke(_resolve(conflict.conflict_id, "ours", CLERK))
    assert status == 403


def test_keeping_ours_sends_the_examinee_again_and_changes_nothing_of_it(fakes: Fakes) -> None:
    ours = _registered(fakes)
    conflict = _conflict(fakes, ours)

    status, _, body = invoke(_resolve(conflict.conflict_id, "ours"))

    assert status == 200, body
    assert (body["status"], body["decided_by"]) == ("kept_ours", "staff:13:reviewer1")
    assert fakes.records.reasserted == [("13", PERSON)]
    assert fakes.records.examinees[("13", PERSON)].name == ours
    assert fakes.records.history == []
    [audited] = fakes.records.audit
    assert (audited.action, audited.person_id) == (AuditAction.NATIONAL_CONFLICT_RESOLVED, PERSON)
    again, _, problem = invoke(_resolve(conflict.conflict_id, "theirs"))
    assert again == 409
    assert problem["type"].endswith("conflict-decided")


def test_taking_theirs_changes_the_examinee_with_history_from_the_national_side(
    fakes: Fakes,
) -> None:
    ours = _registered(fakes)
    conflict = _conflict(fakes, ours)

    status, _, body = invoke(_resolve(conflict.conflict_id, "theirs"))

    assert status == 200, body
    assert body["status"] == "took_theirs"
    assert fakes.records.examinees[("13", PERSON)].name == THEIRS
    [entry] = fakes.records.history
    assert (entry.before, entry.after) == ({"name": ours}, {"name": THEIRS})
    assert (entry.source, entry.proposal_id) == (ChangeSource.NATIONAL_SYSTEM, conflict.conflict_id)
    assert fakes.records.reasserted == [], "the change itself travels"


def test_taking_theirs_when_ours_hold_them_already_sends_ours_again(fakes: Fakes) -> None:
    ours = _registered(fakes)
    conflict = _conflict(fakes, ours, theirs=ours)

    status, _, body = invoke(_resolve(conflict.conflict_id, "theirs"))

    assert (status, body["status"]) == (200, "took_theirs")
    assert fakes.records.history == []
    assert fakes.records.reasserted == [("13", PERSON)]


def test_theirs_cannot_be_taken_where_our_rules_refuse_them(fakes: Fakes) -> None:
    ours = _registered(fakes)
    refused = _conflict(fakes, ours, ConflictCause.VALUES_REFUSED, theirs="x" * 300)

    status, _, problem = invoke(_resolve(refused.conflict_id, "theirs"))

    assert status == 409
    assert problem["type"].endswith("theirs-refused")
    assert "x" * 20 not in str(problem), "never the values"
    assert fakes.records.national_conflicts[refused.conflict_id].status is ConflictStatus.OPEN
    status, _, body = invoke(_resolve(refused.conflict_id, "ours"))
    assert (status, body["status"]) == (200, "kept_ours")


def test_a_reason_holding_a_my_number_is_refused(fakes: Fakes) -> None:
    conflict = _conflict(fakes, _registered(fakes))
    request = event(
        "POST",
        f"/v1/roster/national-conflicts/{conflict.conflict_id}/resolve",
        caller=REVIEWER,
        headers={"Content-Type": "application/json"},
        body={"keep": "ours", "reason": "番号123456789018を確認"},
    )

    status, _, _ = invoke(request)

    assert status == 422
    assert fakes.records.national_conflicts[conflict.conflict_id].status is ConflictStatus.OPEN


def _report(prefecture: str, day: int) -> ReconcileReport:
    at = datetime(2026, 10, day, 19, 10, tzinfo=UTC)
    return ReconcileReport(
        run_id=at.strftime("%Y%m%dT%H%M%SZ"),
        prefecture_code=prefecture,
        scheduled_at=at,
        started_at=at,
        finished_at=at,
        kinds={RecordKind.EXAMINEE: KindCounts(compared=3, buckets=3, differing=1, repaired=1)},
        repairs=(
            Repair(
                kind=RecordKind.EXAMINEE, record_id=PERSON, version=9, reason=RepairReason.OLDER
            ),
        ),
    )


def test_reviewers_and_auditors_read_their_prefectures_reconciliations_newest_first(
    fakes: Fakes,
) -> None:
    fakes.records.national_reports += [_report("13", 1), _report("13", 2), _report("27", 3)]

    for caller in (REVIEWER, "staff:13:auditor1:auditor"):
        status, _, body = invoke(event("GET", "/v1/roster/national-reconciliations", caller=caller))
        assert status == 200, body
        assert [r["run_id"] for r in body["reports"]] == ["20261002T191000Z", "20261001T191000Z"]
        assert body["reports"][0]["repairs"][0]["reason"] == "older"
    assert [e.action for e in fakes.audit.events] == [AuditAction.NATIONAL_RECONCILIATIONS_READ] * 2
    status, _, _ = invoke(event("GET", "/v1/roster/national-reconciliations", caller=CLERK))
    assert status == 403
