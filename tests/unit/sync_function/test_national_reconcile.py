"""Reconciliation with the national system on fakes (our side in memory, the national side an
InMemoryNational): digests compared per bucket, drilled only where they differ, every kind of
difference repaired through the outbox or kept for staff, a report of counts and ids, and safe
to run twice."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from tests.unit.national import items
from tests.unit.review.factory import TRAINEE, form
from tests.unit.sync_function.events import sqs
from tests.unit.sync_function.reconcile_fakes import (
    NOW,
    PREFECTURE,
    SCHEDULED,
    ReconcileWorld,
    run_message,
)

from kentei import catalog, messages
from kentei.data.audit import AuditAction
from kentei.exams.catalogue import load_catalogue
from kentei.exams.rounds import load_rounds
from kentei.messages import NationalReconcileDue, NationalReconcilePrefecture, NationalRecordDue
from kentei.national.conflicts import ConflictCause, ConflictStatus, NationalConflict
from kentei.national.model import NationalRecord, RecordKind
from kentei.national.reconciliation import ReconcileReport, RepairReason
from kentei.national.records import national_record
from kentei.results.rules import load_pass_rules
from kentei.roster.changes import ChangeSource
from kentei.roster.registration import examinee_of
from kentei_local.context import LocalContext
from sync import dependencies, handler, national_reconcile
from sync.national_reconcile import reconcile_prefecture, start_runs

V = 1100000000017454423009
PERSON = items.PERSON
EXAMINEE_ID = items.EXAMINEE_ID
OTHER = "pseudonym-0002-ghijkl"
NEW_ADDRESS = "東京都港区芝公園4-2-8"
THEIR_ADDRESS = "大阪府大阪市北区梅田1-1"
NEXT_DAY = SCHEDULED.replace(day=3)
CERTIFICATE = "C13G262-00001-1"


def sitting_of(application_id: str) -> dict[str, Any]:
    item = items.sitting()
    item["record_key"] = {"S": f"SITTING#{PERSON}#{application_id}"}
    return item


def examinee_at(address: str | None = None, pseudonym: str = PERSON) -> dict[str, Any]:
    changes = {} if address is None else {"address": address}
    return items.examinee(examinee_of(form(**TRAINEE, **changes)), pseudonym)


def agreed_world() -> ReconcileWorld:
    """Both sides hold the same examinee, sitting, pass and certificate."""
    world = ReconcileWorld()
    world.synced(items.examinee(), V)
    world.synced(items.sitting(), V + 1)
    world.synced(items.passed(), V + 2)
    world.synced(items.certificate(), V + 3)
    return world


def run(world: ReconcileWorld, at: Any = SCHEDULED) -> ReconcileReport:
    return reconcile_prefecture(run_message(at), world.ports(), lambda: NOW)


def the_repair(report: ReconcileReport) -> tuple[RecordKind, str, RepairReason, int]:
    """The run's one repair: which record, why, as which version."""
    (repair,) = report.repairs
    return repair.kind, repair.record_id, repair.reason, repair.version


def delivered_then_agreed(world: ReconcileWorld) -> bool:
    """The repairs went through the outbox, and the next day's run finds no difference."""
    world.deliver()
    return run(world, NEXT_DAY).total("differing") == 0


def held(world: ReconcileWorld, kind: RecordKind, record_id: str) -> NationalRecord:
    record = world.national.get(kind, record_id)
    assert record is not None
    return record


def test_given_both_sides_agree_when_reconciled_then_no_bucket_is_drilled_and_nothing_sent() -> (
    None
):
    world = agreed_world()
    report = run(world)
    assert report.total("compared") == 4
    assert report.total("differing") == 0
    assert report.total("buckets") == 4
    assert report.total("buckets_drilled") == 0
    assert world.national.bucket_reads == []
    assert world.due.sent == []
    assert world.reports.kept[report.run_id] == report
    assert report.run_id == "20260902T191000Z"
    assert report.attempt == 1


def test_given_a_record_lost_there_when_reconciled_then_sent_again_and_the_next_run_agrees() -> (
    None
):
    world = agreed_world()
    world.national.forget(RecordKind.SITTING, items.APPLICATION)
    report = run(world)
    sitting = report.kinds[RecordKind.SITTING]
    assert (sitting.differing, sitting.repaired, sitting.buckets_drilled) == (1, 1, 1)
    assert report.total("differing") == 1
    assert the_repair(report) == (
        RecordKind.SITTING,
        items.APPLICATION,
        RepairReason.MISSING,
        V + 2,
    )
    (due,) = world.due.sent
    assert (due.record_kind, due.record_id, due.version, due.removed) == (
        "sitting",
        items.APPLICATION,
        V + 2,
        False,
    )
    assert due.group_id == PERSON  # in order with the person's other changes

    assert delivered_then_agreed(world)
    assert held(world, RecordKind.SITTING, items.APPLICATION).version == V + 2


def test_given_a_hand_edit_there_when_reconciled_then_ours_replaces_it_as_a_newer_version() -> None:
    world = agreed_world()
    ours = held(world, RecordKind.CERTIFICATE, CERTIFICATE)
    assert ours.data is not None
    revoked = {**ours.data, "status": "revoked"}
    world.national.diverge(RecordKind.CERTIFICATE, ours.record_id, revoked)
    report = run(world)
    assert the_repair(report) == (
        RecordKind.CERTIFICATE,
        CERTIFICATE,
        RepairReason.OTHER_CONTENT,
        V + 4,
    )
    assert delivered_then_agreed(world)
    assert held(world, RecordKind.CERTIFICATE, CERTIFICATE) == ours.model_copy(
        update={"version": V + 4}
    )


def test_given_a_hand_edit_on_our_side_when_reconciled_then_the_item_as_it_is_travels() -> None:
    world = agreed_world()
    held_before = held(world, RecordKind.EXAMINEE, EXAMINEE_ID)
    world.items.put(examinee_at(NEW_ADDRESS))  # changed without its stream: the mark stays
    report = run(world)
    assert the_repair(report) == (
        RecordKind.EXAMINEE,
        EXAMINEE_ID,
        RepairReason.OTHER_CONTENT,
        V + 1,
    )
    assert delivered_then_agreed(world)
    assert held(world, RecordKind.EXAMINEE, EXAMINEE_ID).data == {
        **(held_before.data or {}),
        "address": NEW_ADDRESS,
    }


def test_given_an_older_version_there_when_reconciled_then_ours_is_sent_above_our_mark() -> None:
    world = agreed_world()
    key = ("certificate", CERTIFICATE)
    world.items.marks[key] = dataclasses.replace(world.items.marks[key], version=V + 50)
    report = run(world)
    assert the_repair(report) == (RecordKind.CERTIFICATE, CERTIFICATE, RepairReason.OLDER, V + 51)
    assert delivered_then_agreed(world)
    assert held(world, RecordKind.CERTIFICATE, CERTIFICATE).version == V + 51


def test_given_a_record_only_they_hold_when_reconciled_then_it_is_sent_deleted() -> None:
    world = agreed_world()
    stray = national_record(sitting_of("13-01J0000000000000000000000Z"), V + 7)
    assert stray is not None
    world.national.put(stray)
    report = run(world)
    sitting = report.kinds[RecordKind.SITTING]
    assert (sitting.compared, sitting.differing, sitting.repaired) == (2, 1, 1)
    (due,) = world.due.sent
    assert (due.record_id, due.version, due.removed, due.qualification_pseudonym_id) == (
        stray.record_id,
        V + 8,
        True,
        PERSON,
    )
    assert report.repairs[0].reason is RepairReason.ONLY_THEIRS
    assert delivered_then_agreed(world)
    assert held(world, RecordKind.SITTING, stray.record_id).deleted


def test_given_an_item_removed_on_our_side_when_reconciled_then_the_deletion_travels() -> None:
    world = agreed_world()
    del world.items.items[f"SITTING#{PERSON}#{items.APPLICATION}"]
    report = run(world)
    (due,) = world.due.sent
    assert (due.record_kind, due.version, due.removed) == ("sitting", V + 2, True)
    assert report.repairs[0].reason is RepairReason.OTHER_CONTENT
    assert delivered_then_agreed(world)
    assert held(world, RecordKind.SITTING, items.APPLICATION).deleted


def test_given_an_item_never_sent_when_reconciled_then_it_is_sent_and_then_agrees() -> None:
    world = agreed_world()
    world.items.put(sitting_of("13-01J0000000000000000000000B"))
    report = run(world)
    assert the_repair(report)[2:] == (RepairReason.MISSING, 1)
    assert delivered_then_agreed(world)


def test_given_an_item_sent_whose_mark_was_not_kept_when_reconciled_then_they_agree() -> None:
    world = agreed_world()
    del world.items.marks[("sitting", items.APPLICATION)]
    report = run(world)
    sitting = report.kinds[RecordKind.SITTING]
    assert (sitting.compared, sitting.buckets_drilled, sitting.differing) == (1, 1, 0)
    assert world.due.sent == []


def test_given_a_newer_sitting_there_when_reconciled_then_ours_is_sent_above_theirs() -> None:
    world = agreed_world()
    ours = held(world, RecordKind.SITTING, items.APPLICATION)
    assert ours.data is not None
    newer = ours.model_copy(update={"version": V + 9, "data": {**ours.data, "grade": "1級"}})
    world.national.put(NationalRecord.model_validate(newer.model_dump()))
    report = run(world)
    assert the_repair(report)[2:] == (RepairReason.NEWER_THERE, V + 10)
    assert world.conflicts.kept == []


def test_given_a_newer_examinee_with_the_same_data_there_then_ours_is_sent_above_it() -> None:
    world = agreed_world()
    ours = held(world, RecordKind.EXAMINEE, EXAMINEE_ID)
    world.national.put(ours.model_copy(update={"version": V + 5}))
    report = run(world)
    assert the_repair(report) == (RecordKind.EXAMINEE, EXAMINEE_ID, RepairReason.NEWER_THERE, V + 6)
    assert world.conflicts.kept == []


def newer_examinee_there(world: ReconcileWorld) -> NationalRecord:
    """The person changed their address on the national side (the change in its feed)."""
    world.national.change_on_national_side(PERSON, PREFECTURE, {"address": THEIR_ADDRESS})
    return held(world, RecordKind.EXAMINEE, EXAMINEE_ID)


def test_given_a_change_there_the_pull_has_not_read_when_reconciled_then_it_is_pending() -> None:
    world = agreed_world()
    newer_examinee_there(world)
    report = run(world)
    examinee = report.kinds[RecordKind.EXAMINEE]
    assert (examinee.differing, examinee.pending, examinee.conflicts) == (1, 1, 0)
    assert [(p.kind, p.record_id) for p in report.pending] == [(RecordKind.EXAMINEE, EXAMINEE_ID)]
    assert world.due.sent == []
    assert world.conflicts.kept == []


def test_given_a_change_there_with_an_open_national_proposal_then_it_is_pending() -> None:
    world = agreed_world()
    newer_examinee_there(world)
    world.feed.after = 10**6  # the pull read it
    world.proposals.open_national[PERSON] = object()  # type: ignore[assignment]
    report = run(world)
    assert report.kinds[RecordKind.EXAMINEE].pending == 1
    assert (PERSON, ChangeSource.NATIONAL_SYSTEM) in world.proposals.asked
    assert world.conflicts.kept == []
    assert world.due.sent == []


def test_given_a_change_there_with_an_open_conflict_then_it_is_pending() -> None:
    world = agreed_world()
    newer_examinee_there(world)
    world.feed.after = 10**6
    world.conflicts.kept.append(
        NationalConflict.model_validate(
            {
                "conflict_id": "ncf-" + "0" * 25 + "a",
                "prefecture_code": PREFECTURE,
                "qualification_pseudonym_id": PERSON,
                "record_kind": "examinee",
                "record_id": EXAMINEE_ID,
                "cause": "both_changed",
                "fields": [{"field": "address", "ours": "a", "theirs": "b"}],
                "national_sequence": 1,
                "found_at": NOW,
            }
        )
    )
    report = run(world)
    assert report.kinds[RecordKind.EXAMINEE].pending == 1
    assert len(world.conflicts.kept) == 1
    assert world.due.sent == []


def test_given_an_unexplained_change_there_then_a_conflict_keeps_both_values_once() -> None:
    world = agreed_world()
    theirs = newer_examinee_there(world)
    world.feed.after = 10**6  # read by the pull, and nothing became of it
    report = run(world)
    examinee = report.kinds[RecordKind.EXAMINEE]
    assert (examinee.differing, examinee.conflicts, examinee.pending) == (1, 1, 0)
    (conflict,) = world.conflicts.kept
    assert conflict.cause is ConflictCause.NEWER_ON_NATIONAL_SIDE
    assert conflict.status is ConflictStatus.OPEN
    assert (conflict.our_version, conflict.national_version) == (V, theirs.version)
    assert [(f.field, f.ours, f.theirs) for f in conflict.fields] == [
        ("address", "東京都千代田区千代田1-1", THEIR_ADDRESS)
    ]
    assert [c.conflict_id for c in report.conflicts] == [conflict.conflict_id]
    assert world.due.sent == []
    (kept,) = world.conflicts.audit
    assert (kept.action, kept.record_type, kept.record_id, kept.person_id, kept.actor) == (
        AuditAction.NATIONAL_CONFLICT_KEPT,
        "national_conflict",
        conflict.conflict_id,
        PERSON,
        "sync",
    )
    assert kept.request_id == "national-reconcile:13:2026-09-02T19:10:00+00:00"

    again = run(world, NEXT_DAY)
    assert again.kinds[RecordKind.EXAMINEE].pending == 1
    assert len(world.conflicts.kept) == 1


def test_given_a_second_attempt_of_the_run_then_it_counts_again_and_resends_nothing() -> None:
    world = agreed_world()
    world.national.forget(RecordKind.SITTING, items.APPLICATION)
    world.national.forget(RecordKind.EXAMINEE, EXAMINEE_ID)
    first = run(world)
    assert len(world.due.sent) == 2
    second = run(world)  # the same instant: a retried message
    assert len(world.due.sent) == 2
    assert second.attempt == 2
    assert second.kinds == first.kinds
    assert second.repairs == first.repairs
    assert world.reports.kept[first.run_id] == second

    world.deliver()
    third = run(world)  # once the repairs arrived
    assert third.attempt == 3
    assert third.total("differing") == 0
    assert third.repairs == first.repairs  # what the run did stays reported
    assert len(world.due.sent) == 2


def test_given_many_records_and_one_lost_then_only_its_bucket_is_read() -> None:
    world = ReconcileWorld()
    ids = [f"13-01J{n:022d}" for n in range(300)]
    for n, application_id in enumerate(ids):
        world.synced(sitting_of(application_id), V + n)
    world.national.forget(RecordKind.SITTING, ids[123])
    report = run(world)
    sitting = report.kinds[RecordKind.SITTING]
    assert sitting.compared == 300
    assert sitting.buckets == 64
    assert (sitting.buckets_drilled, sitting.repaired) == (1, 1)
    assert len(world.national.bucket_reads) == 1
    assert world.national.gets == 0


def test_given_an_item_that_cannot_travel_then_it_is_counted_and_left_alone() -> None:
    world = agreed_world()
    examinee = items.examinee()
    stored = json.loads(examinee["examinee"]["S"])
    stored["my_number"] = "123456789018"
    world.items.items[examinee["record_key"]["S"]] = {
        **examinee,
        "examinee": {"S": json.dumps(stored)},
    }
    report = run(world)
    assert report.kinds[RecordKind.EXAMINEE].unsyncable == 1
    assert report.kinds[RecordKind.EXAMINEE].differing == 0
    assert world.due.sent == []


def test_the_report_and_the_messages_hold_no_personal_values() -> None:
    world = agreed_world()
    world.items.put(examinee_at(NEW_ADDRESS))
    newer_examinee_there(world)
    world.feed.after = 10**6
    world.national.forget(RecordKind.SITTING, items.APPLICATION)
    report = run(world)
    text = report.model_dump_json() + "".join(messages.encode(m) for m in world.due.sent)
    for value in ("技能 花子", "ぎのう", "1995-06-15", NEW_ADDRESS, THEIR_ADDRESS, "千代田"):
        assert value not in text


def test_the_schedule_starts_a_run_per_prefecture_with_synced_records() -> None:
    world = agreed_world()
    due = NationalReconcileDue(scheduled_at=SCHEDULED)
    assert start_runs(due, world.ports()) == (PREFECTURE,)
    assert world.sync_queue.sent == [
        NationalReconcilePrefecture(prefecture_code=PREFECTURE, scheduled_at=SCHEDULED)
    ]


def sqs_event(message: messages.Envelope) -> dict[str, Any]:
    return sqs(json.loads(messages.encode(message)))


def test_the_sync_handler_routes_both_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    world = agreed_world()
    world.national.forget(RecordKind.SITTING, items.APPLICATION)
    deps = dependencies.Dependencies(
        catalogue=load_catalogue,
        rounds=load_rounds,
        rules=load_pass_rules,
        clock=lambda: NOW,
        reconcile=world.ports(),
    )
    monkeypatch.setattr(dependencies, "dependencies", lambda: deps)
    context = LocalContext(catalog.function("sync"))
    response = handler.handler(sqs_event(NationalReconcileDue(scheduled_at=SCHEDULED)), context)
    assert response == {"batchItemFailures": []}
    (started,) = world.sync_queue.sent
    response = handler.handler(sqs_event(started), context)
    assert response == {"batchItemFailures": []}
    (due,) = world.due.sent
    assert isinstance(due, NationalRecordDue)
    assert due.record_id == items.APPLICATION
    assert world.reports.kept["20260902T191000Z"].total("repaired") == 1


def test_given_more_repairs_than_a_report_lists_then_it_counts_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(national_reconcile, "MAX_LISTED", 2)
    world = ReconcileWorld()
    ids = [f"13-01J{n:022d}" for n in range(3)]
    for n, application_id in enumerate(ids):
        world.synced(sitting_of(application_id), V + n)
        world.national.forget(RecordKind.SITTING, application_id)
    report = run(world)
    assert report.kinds[RecordKind.SITTING].repaired == 3
    assert len(world.due.sent) == 3
    assert len(report.repairs) == 2
    assert report.unlisted == 1


def test_given_a_suspended_person_then_their_differences_wait_pending_until_lifted() -> None:
    """P10: reconciliation does not provide a suspended person's records either (利用停止):
    what differs is pending; once lifted, the next run repairs it."""
    world = agreed_world()
    world.national.forget(RecordKind.SITTING, items.APPLICATION)
    world.items.suspended.add(PERSON)

    report = run(world)

    assert report.total("differing") == 1
    assert report.total("pending") == 1
    assert report.repairs == ()
    assert world.due.sent == []
    world.items.suspended.clear()
    assert run(world, NEXT_DAY).total("repaired") == 1
    world.deliver()
    assert held(world, RecordKind.SITTING, items.APPLICATION).version == V + 2
