"""Reconciliation's data against moto: a prefecture's synced items and sent marks read whole
(and nothing else), whether a prefecture has any, the run reports (a later attempt replaces an
earlier one, never the reverse), and a run over the real stores keeping a conflict once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.moto_tables import RECORDS, records_and_audit
from tests.unit.national import items
from tests.unit.sync_function.national_fakes import FakeDue
from tests.unit.sync_function.reconcile_fakes import (
    NOW,
    PREFECTURE,
    SCHEDULED,
    CountingNational,
    FakeQueue,
    run_message,
)

from kentei import aws
from kentei.data.audit import AuditAction, AuditTrail
from kentei.data.national_conflicts import PrefectureNationalConflicts
from kentei.data.national_reconcile import PrefectureNationalReconcile
from kentei.data.national_sync import PrefectureNationalSync, SentMark
from kentei.national.conflicts import ConflictCause
from kentei.national.model import RecordKind
from kentei.national.reconciliation import KindCounts, ReconcileReport
from kentei.national.records import national_record
from sync import reconcile_ports
from sync.national_reconcile import reconcile_prefecture

V = 1100000000017454423009


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def put(item: dict[str, Any]) -> None:
    aws.dynamodb().put_item(TableName=RECORDS, Item=item)


def mark(kind: str, record_id: str, version: int) -> SentMark:
    return SentMark(
        kind=kind,
        record_id=record_id,
        qualification_pseudonym_id=items.PERSON,
        version=version,
        held_version=version,
        outcome="applied",
        sent_at=NOW,
    )


def test_the_synced_items_and_marks_are_read_whole_and_nothing_else(moto: None) -> None:
    synced = [items.examinee(), items.sitting(), items.passed(), items.certificate()]
    for item in synced:
        put(item)
    put({**items.key("EXAMNUMBER#2026-前期#1"), "item_type": {"S": "exam_number"}})
    put({**items.examinee(), "prefecture_code": {"S": "27"}})
    store = PrefectureNationalSync(PREFECTURE)
    assert store.mark_sent(mark("examinee", items.EXAMINEE_ID, V))
    assert store.mark_sent(mark("sitting", "gone-0001", V + 1))

    found = sorted(item["record_key"]["S"] for item in store.synced_items())
    assert found == sorted(item["record_key"]["S"] for item in synced)
    marks = sorted((m.kind, m.record_id, m.version) for m in store.sent_marks())
    assert marks == [("examinee", items.EXAMINEE_ID, V), ("sitting", "gone-0001", V + 1)]


@pytest.mark.parametrize("holding", ["nothing", "a mark", "an item"])
def test_a_prefecture_has_synced_records_when_it_holds_an_item_or_a_mark(
    moto: None, holding: str
) -> None:
    store = PrefectureNationalSync(PREFECTURE)
    put({**items.key("EXAMNUMBER#2026-前期#1"), "item_type": {"S": "exam_number"}})
    if holding == "a mark":
        store.mark_sent(mark("certificate", "C13G262-00001-1", V))
    elif holding == "an item":
        put(items.certificate())
    assert store.has_synced() is (holding != "nothing")
    assert not PrefectureNationalSync("27").has_synced()


def report(attempt: int, repaired: int = 0) -> ReconcileReport:
    return ReconcileReport(
        run_id="20260902T191000Z",
        prefecture_code=PREFECTURE,
        scheduled_at=SCHEDULED,
        started_at=NOW,
        finished_at=NOW + dt.timedelta(seconds=attempt),
        attempt=attempt,
        kinds={RecordKind.SITTING: KindCounts(compared=3, differing=repaired, repaired=repaired)},
    )


def test_a_later_attempt_replaces_the_report_and_an_earlier_one_never_does(moto: None) -> None:
    reports = PrefectureNationalReconcile(PREFECTURE)
    assert reports.report("20260902T191000Z") is None
    assert reports.keep(report(1, repaired=2))
    assert reports.keep(report(2, repaired=1))
    assert not reports.keep(report(2, repaired=0))
    assert not reports.keep(report(1, repaired=0))
    assert reports.report("20260902T191000Z") == report(2, repaired=1)
    assert reports.reports() == [report(2, repaired=1)]
    assert PrefectureNationalReconcile("27").report("20260902T191000Z") is None
    with pytest.raises(ValueError, match="another prefecture"):
        PrefectureNationalReconcile("27").keep(report(3))


def test_the_latest_reports_come_newest_first(moto: None) -> None:
    reports = PrefectureNationalReconcile(PREFECTURE)
    runs = ["20260901T191000Z", "20260903T191000Z", "20260902T191000Z"]
    for run_id in runs:
        reports.keep(report(1).model_copy(update={"run_id": run_id}))

    assert [r.run_id for r in reports.latest(2)] == ["20260903T191000Z", "20260902T191000Z"]
    assert PrefectureNationalReconcile("27").latest(5) == []


def test_a_run_over_the_stores_keeps_one_conflict_and_finds_it_pending_next(moto: None) -> None:
    national = CountingNational()
    store = PrefectureNationalSync(PREFECTURE)
    examinee = items.examinee()
    put(examinee)
    sent = national_record(examinee, V)
    assert sent is not None
    national.put(sent)
    store.mark_sent(mark("examinee", items.EXAMINEE_ID, V))
    # A newer version there with another address, that no change in the feed explains.
    assert sent.data is not None
    national.put(
        sent.model_copy(update={"version": V + 3, "data": {**sent.data, "address": "大阪府X"}})
    )
    due = FakeDue()
    # The deployed stores over moto; the queues and the national side in memory.
    ports = dataclasses.replace(
        reconcile_ports.deployed(), due=due, sync_queue=FakeQueue(), system=lambda: national
    )

    first = reconcile_prefecture(run_message(), ports, lambda: NOW)
    assert first.kinds[RecordKind.EXAMINEE].conflicts == 1
    (conflict_id,) = [c.conflict_id for c in first.conflicts]
    assert conflict_id is not None
    conflicts = PrefectureNationalConflicts(PREFECTURE)
    kept = conflicts.open_for("examinee", items.EXAMINEE_ID)
    assert kept is not None
    assert kept.conflict_id == conflict_id
    assert kept.cause is ConflictCause.NEWER_ON_NATIONAL_SIDE
    assert [f.field for f in kept.fields] == ["address"]
    assert conflicts.open_persons() == {items.PERSON}
    (entry,) = AuditTrail().day(PREFECTURE, NOW.date())
    assert (entry.action, entry.record_id) == (AuditAction.NATIONAL_CONFLICT_KEPT, conflict_id)

    later = run_message(SCHEDULED + dt.timedelta(days=1))
    second = reconcile_prefecture(later, ports, lambda: NOW)
    assert second.kinds[RecordKind.EXAMINEE].pending == 1
    assert second.conflicts == ()
    assert due.sent == []
    reports = PrefectureNationalReconcile(PREFECTURE).reports()
    assert [r.run_id for r in reports] == ["20260902T191000Z", "20260903T191000Z"]
