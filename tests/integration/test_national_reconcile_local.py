"""Reconciliation over the local runtime (issue 12, done-when 4): records synced through the
outbox, then diverged by hand on the national side (a hand edit, a record lost, a record only
it holds) and on ours (an item changed without its stream: its sent mark written ahead) are
found by the scheduled run (sync's queue, one run per prefecture), repaired through the FIFO
national queue, and a second run, the operator's command, reports zero differences."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Final

import pytest
from tests.integration.national_helpers import register

from kentei import aws, messages
from kentei.data.national_reconcile import PrefectureNationalReconcile
from kentei.data.national_sync import PrefectureNationalSync, SentMark
from kentei.national.memory import InMemoryNational
from kentei.national.model import NationalRecord, RecordKind
from kentei.national.reconciliation import ReconcileReport, RepairReason
from kentei.national.records import national_record
from kentei_local import cli
from kentei_local.probes import wait_until
from kentei_local.resources import physical_name
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings

WAIT_S: Final = 30.0
ONE: Final = "p-reconcile-0001"
TWO: Final = "p-reconcile-0002"
AHEAD: Final = 10**30
"""A sent mark written ahead of any local stream sequence number."""
SCHEDULED: Final = dt.datetime(2026, 12, 7, 19, 10, tzinfo=dt.UTC)

_STORE: list[InMemoryNational] = []


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    from sync.national_ports import national_system

    national_system.cache_clear()  # an adapter kept from an earlier runtime's endpoint
    settings = LocalSettings(port=0, state_dir=tmp_path_factory.mktemp("state"))
    with LocalRuntime(settings) as started:
        _STORE[:] = [started.national.national]
        yield started
    national_system.cache_clear()


def _national() -> InMemoryNational:
    return _STORE[0]


def _held(kind: RecordKind, record_id: str) -> NationalRecord | None:
    return _national().get(kind, record_id)


def _marked(kind: RecordKind, record_id: str) -> SentMark | None:
    return PrefectureNationalSync("13").sent(kind.value, record_id)


def _synced(person: str, work_code: str) -> str:
    """``person`` registered, and their examinee and sitting acknowledged by the national side."""
    application_id = register(person, work_code)
    for kind, record_id in (
        (RecordKind.EXAMINEE, f"13-{person}"),
        (RecordKind.SITTING, application_id),
    ):
        wait_until(lambda: _marked(kind, record_id), WAIT_S, f"the {kind} sent mark")  # noqa: B023
    return application_id


def _sitting_item(person: str, application_id: str) -> dict[str, object]:
    item = aws.dynamodb().get_item(
        TableName=physical_name("records"),
        Key={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": f"SITTING#{person}#{application_id}"},
        },
        ConsistentRead=True,
    )["Item"]
    return dict(item)


def _repairs_arrived(report: ReconcileReport) -> bool | None:
    """Each record sent again is acknowledged at its version (or a newer one)."""
    for repair in report.repairs:
        mark = _marked(repair.kind, repair.record_id)
        if mark is None or mark.version < repair.version:
            return None
    return True


def test_records_diverged_by_hand_on_either_side_are_found_repaired_and_then_agree(
    runtime: LocalRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _synced(ONE, "1011")
    second = _synced(TWO, "1012")
    edited = _held(RecordKind.SITTING, first)
    assert edited is not None
    assert edited.data is not None

    # By hand on the national side: a hand edit (same version), a record lost, a stray record.
    _national().diverge(RecordKind.SITTING, first, {**edited.data, "grade": "1級"})
    _national().forget(RecordKind.EXAMINEE, f"13-{TWO}")
    stray = edited.model_copy(update={"record_id": "13-STRAY-0001", "version": 7})
    _national().put(NationalRecord.model_validate(stray.model_dump()))
    # By hand on ours: the sitting's mark written ahead, then the item changed (its stream's
    # change meets the mark and is not sent).
    marks = PrefectureNationalSync("13")
    old = _marked(RecordKind.SITTING, second)
    assert old is not None
    assert marks.mark_sent(
        SentMark(**{**old.__dict__, "version": AHEAD, "held_version": AHEAD, "outcome": "applied"})
    )
    aws.dynamodb().update_item(
        TableName=physical_name("records"),
        Key={"prefecture_code": {"S": "13"}, "record_key": {"S": f"SITTING#{TWO}#{second}"}},
        UpdateExpression="SET #s = :deleted",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":deleted": {"S": "deleted"}},
    )

    # The schedule fires: sync starts Tokyo's run on its own queue, and runs it.
    due = messages.NationalReconcileDue(scheduled_at=SCHEDULED)
    runtime.sqs().send_message(
        QueueUrl=runtime.resources.queues["sync"].url, MessageBody=messages.encode(due)
    )
    reports = PrefectureNationalReconcile("13")
    report = wait_until(lambda: reports.report("20261207T191000Z"), WAIT_S, "the run's report")
    found = {(r.kind, r.record_id): r.reason for r in report.repairs}
    assert found == {
        (RecordKind.SITTING, first): RepairReason.OTHER_CONTENT,
        (RecordKind.EXAMINEE, f"13-{TWO}"): RepairReason.MISSING,
        (RecordKind.SITTING, second): RepairReason.OLDER,
        (RecordKind.SITTING, "13-STRAY-0001"): RepairReason.ONLY_THEIRS,
    }
    assert (report.total("differing"), report.total("repaired")) == (4, 4)
    assert report.total("conflicts") == 0
    assert report.kinds[RecordKind.SITTING].compared == 3
    assert report.kinds[RecordKind.EXAMINEE].compared == 2

    wait_until(lambda: _repairs_arrived(report), WAIT_S, "the repairs at the national side")
    now = _held(RecordKind.SITTING, first)
    assert now is not None
    assert now.data == edited.data
    assert _held(RecordKind.EXAMINEE, f"13-{TWO}") is not None
    changed = _held(RecordKind.SITTING, second)
    assert changed is not None
    assert changed.version == AHEAD + 1
    ours = national_record(_sitting_item(TWO, second), AHEAD + 1)
    assert ours is not None
    assert changed == ours
    gone = _held(RecordKind.SITTING, "13-STRAY-0001")
    assert gone is not None
    assert gone.deleted

    # The operator's command: a second run reports zero differences, and sends nothing.
    capsys.readouterr()
    code = cli.main(
        [
            "reconcile",
            "--endpoint",
            runtime.moto_endpoint,
            "--runtime",
            str(runtime.runtime_file),
            "--prefecture",
            "13",
            "--at",
            "2026-12-08T19:10:00+00:00",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "prefecture 13, run 20261208T191000Z (attempt 1): 5 compared, 0 differing" in printed
    assert not re.search(r"sent again|conflict:|pending with staff", printed)
    again = reports.report("20261208T191000Z")
    assert again is not None
    assert again.total("differing") == 0
    assert again.repairs == ()
