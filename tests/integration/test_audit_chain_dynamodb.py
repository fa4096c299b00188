"""The audit chain against moto's DynamoDB: appends chain per prefecture and day, concurrent
writers and a decision's transaction retry a moved head, altering one stored entry makes the
verification (function, command) name it, old entries stay readable, and the search finds
a person's entries newest first, page by page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.dynamodb.models import DynamoDBBackend
from tests.integration.moto_tables import AUDIT, records_and_audit
from tests.unit.review.factory import application

from kentei.applications import lifecycle
from kentei.applications.model import Status
from kentei.audit_chain.__main__ import main
from kentei.data.applications import PrefectureApplications
from kentei.data.audit import (
    AuditAction,
    AuditEvent,
    AuditOutcome,
    AuditQuery,
    AuditTrail,
    partition,
)

TOKYO = "13"
PERSON = "person-0001-abcdef"
DAY = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _event(n: int, at: datetime = DAY, person: str | None = None, **changes: object) -> AuditEvent:
    event = AuditEvent(
        actor=f"staff:13:rev{n}",
        action=AuditAction.APPLICATION_OPENED,
        record_type="application",
        record_id=f"13-record-{n}",
        prefecture_code=TOKYO,
        request_id=f"req-{n}",
        at=at,
        outcome=AuditOutcome.ALLOWED,
        user_id=f"rev{n}",
        roles=("reviewer",),
        actor_prefecture=TOKYO,
        person_id=person,
        source_ip="10.0.0.1",
    )
    return event.model_copy(update=changes)


def _items(day: datetime = DAY) -> list[dict[str, dict[str, str]]]:
    result = boto3.client("dynamodb").query(
        TableName=AUDIT,
        KeyConditionExpression="audit_partition = :p",
        ExpressionAttributeValues={":p": {"S": partition(TOKYO, day.date())}},
    )
    return list(result["Items"])  # type: ignore[arg-type]


def test_entries_of_a_day_form_a_chain_that_verifies() -> None:
    trail = AuditTrail()
    for n in range(1, 6):
        trail.record(_event(n, DAY + timedelta(seconds=n)))
    trail.record(_event(9, DAY + timedelta(days=1)))

    report = trail.verify(TOKYO, DAY.date(), DAY.date() + timedelta(days=1))

    assert (report.intact, report.partitions, report.entries) == (True, 2, 6)
    assert sorted(int(i["seq"]["N"]) for i in _items()) == [1, 2, 3, 4, 5]
    assert [e.user_id for e in trail.day(TOKYO, DAY.date())] == [f"rev{n}" for n in range(1, 6)]


def test_concurrent_writers_each_get_their_own_place_in_the_chain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # DynamoDB runs a transaction in isolation; moto restores a snapshot of the whole table
    # when one is cancelled, which under threads would drop another thread's committed
    # write. One lock around moto's transactions gives it DynamoDB's isolation; the head is
    # still read outside it, so the writers race for the head as they would deployed.
    backend = DynamoDBBackend.transact_write_items
    lock = threading.Lock()

    def isolated(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        with lock:
            backend(self, transact_items)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", isolated)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            trail = AuditTrail()
            for n in range(8):
                trail.record(_event(worker * 100 + n, DAY + timedelta(milliseconds=n)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(int(i["seq"]["N"]) for i in _items()) == list(range(1, 33))
    assert AuditTrail().verify(TOKYO, DAY.date(), DAY.date()).intact


def test_altering_one_stored_entry_makes_the_verification_name_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    trail = AuditTrail()
    for n in range(1, 6):
        trail.record(_event(n, DAY + timedelta(seconds=n)))
    third = next(i for i in _items() if i["seq"]["N"] == "3")
    boto3.client("dynamodb").update_item(
        TableName=AUDIT,
        Key={"audit_partition": third["audit_partition"], "event_key": third["event_key"]},
        UpdateExpression="SET actor = :a",
        ExpressionAttributeValues={":a": {"S": "staff:13:someone-else"}},
    )

    report = trail.verify(TOKYO, DAY.date(), DAY.date())
    assert report.broken is not None
    assert (report.broken.seq, report.broken.event_key, report.broken.reason) == (
        3,
        third["event_key"]["S"],
        "entry altered",
    )
    code = main(["verify", "--prefecture", TOKYO, "--from", "2026-12-01", "--to", "2026-12-06"])
    out = capsys.readouterr().out
    assert code == 1
    assert "BROKEN" in out
    assert third["event_key"]["S"] in out


def test_deleting_the_newest_entry_is_found() -> None:
    trail = AuditTrail()
    for n in range(1, 4):
        trail.record(_event(n, DAY + timedelta(seconds=n)))
    last = next(i for i in _items() if i["seq"]["N"] == "3")
    boto3.client("dynamodb").delete_item(
        TableName=AUDIT,
        Key={"audit_partition": last["audit_partition"], "event_key": last["event_key"]},
    )
    report = trail.verify(TOKYO, DAY.date(), DAY.date())
    assert report.broken is not None
    assert (report.broken.seq, report.broken.reason) == (3, "entries missing at the end")


def test_the_command_says_intact_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    AuditTrail().record(_event(1))
    assert (
        main(["verify", "--prefecture", TOKYO, "--from", "2026-12-03", "--to", "2026-12-03"]) == 0
    )
    assert capsys.readouterr().out.startswith("intact: 1 day(s), 1 chained entries")


def test_a_decision_retries_when_another_writer_moved_the_head(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = PrefectureApplications(TOKYO)
    stored = store.create(application(), "fp")
    now = datetime.now(UTC)
    accepted = lifecycle.transition(stored.application, Status.ACCEPTED, by="staff:13:a", at=now)
    decision = _event(1, now, action=AuditAction.APPLICATION_ACCEPTED)
    original = AuditTrail.head
    moved: list[bool] = []

    def head_then_another_writer(self: AuditTrail, entries: str) -> tuple[int, str] | None:
        read = original(self, entries)
        if not moved:
            moved.append(True)
            AuditTrail().record(_event(2, now))  # lands between this read and the write
        return read

    monkeypatch.setattr(AuditTrail, "head", head_then_another_writer)

    saved = store.replace(stored, accepted, audit=(decision,))

    assert saved.application.status is Status.ACCEPTED
    actions = [e.action for e in AuditTrail().day(TOKYO, now.date())]
    assert actions.count(AuditAction.APPLICATION_ACCEPTED) == 1
    assert AuditTrail().verify(TOKYO, now.date(), now.date()).intact


def test_an_entry_written_before_the_chain_stays_readable_and_is_counted_unchained() -> None:
    boto3.client("dynamodb").put_item(
        TableName=AUDIT,
        Item={
            "audit_partition": {"S": partition(TOKYO, DAY.date())},
            "event_key": {"S": f"{DAY.isoformat()}#req-old#application.opened#13-old"},
            "actor": {"S": "staff:13:old"},
            "action": {"S": "application.opened"},
            "record_type": {"S": "application"},
            "record_id": {"S": "13-old"},
            "prefecture_code": {"S": TOKYO},
            "request_id": {"S": "req-old"},
            "at": {"S": DAY.isoformat()},
            "expires_at": {"N": "1900000000"},
        },
    )
    AuditTrail().record(_event(1, DAY + timedelta(seconds=1)))

    (old, new) = AuditTrail().day(TOKYO, DAY.date())
    assert (old.actor, old.outcome, old.user_id) == ("staff:13:old", AuditOutcome.SUCCEEDED, None)
    report = AuditTrail().verify(TOKYO, DAY.date(), DAY.date())
    assert (report.intact, report.entries, report.unchained) == (True, 1, 1)
    assert new.user_id == "rev1"


def test_a_search_by_person_is_newest_first_across_days_and_pages() -> None:
    trail = AuditTrail()
    for n in range(6):
        trail.record(_event(n, DAY + timedelta(hours=10 * n), person=PERSON if n % 2 else None))
    query = AuditQuery(
        prefecture_code=TOKYO,
        since=DAY - timedelta(days=1),
        until=DAY + timedelta(days=5),
        person_id=PERSON,
        action=AuditAction.APPLICATION_OPENED,
        limit=2,
    )
    first = trail.search(query)
    assert first.next_cursor is not None
    second = trail.search(query, first.next_cursor)
    found = [e.record_id for e in (*first.items, *second.items)]
    assert found == ["13-record-5", "13-record-3", "13-record-1"]
    other = AuditQuery(prefecture_code="27", since=query.since, until=query.until)
    assert trail.search(other).items == ()
