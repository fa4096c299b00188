"""The retention job (:mod:`sync.retention`) on in-memory ports: the dry run lists exactly
what the run deletes, a run leaves a deletion record before deleting, S3 versions go with their
record, a second run of the instant deletes nothing more, and verify is asked to release the
vault entry of a person with nothing left here."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Final, Literal

import pytest
from tests.unit.sync_function.events import sqs
from tests.unit.sync_function.retention_fakes import RetentionWorld

from kentei import catalog, messages, prefectures
from kentei.data.partition import instant
from kentei.data.retention import DELETION_PREFIX, DRY_RUN_PREFIX
from kentei.heartbeat import HeartbeatReceipt
from kentei.messages import RetentionDue, RetentionPrefecture, VaultEntryRelease
from kentei.retention.kinds import RecordKind
from kentei.retention.schedule import load_retention_schedule
from kentei.retention.sweep import Hold, HoldScope, StoredItem
from kentei_local.context import LocalContext
from sync import dependencies, handler, retention
from sync.retention import RunSummary, run_id, run_prefecture, start_runs

PREFECTURE: Final = "13"
DECIDED: Final = datetime(2019, 6, 3, 1, 0, tzinfo=UTC)
"""Fiscal 2019: five fiscal years end on 2025-03-31, so deletable from 2025-04-01 00:00 JST."""
SCHEDULED: Final = datetime(2026, 12, 6, 16, 20, tzinfo=UTC)


def _person(world: RetentionWorld, person: str, decided: datetime = DECIDED) -> None:
    at = instant(decided)
    application_id = f"{PREFECTURE}-{person.upper()}"
    document = {
        "status": "accepted",
        "qualification_pseudonym_id": person,
        "history": [{"status": "accepted", "at": at}],
    }
    ticket_key = f"tickets/{PREFECTURE}/{application_id}/t1.pdf"
    world.partition.add(
        StoredItem(
            f"APPLICATION#{application_id}",
            RecordKind.APPLICATION,
            {"application": json.dumps(document)},
        ),
        StoredItem(
            f"STATUS#accepted#{at}#{application_id}",
            RecordKind.APPLICATION,
            {"application_id": application_id},
        ),
        StoredItem(
            f"EXAMINEE#{person}",
            RecordKind.EXAMINEE,
            {"qualification_pseudonym_id": person, "updated_at": at},
        ),
        StoredItem(
            f"SITTING#{person}#{application_id}",
            RecordKind.SITTING,
            {"qualification_pseudonym_id": person, "sitting": json.dumps({"accepted_at": at})},
        ),
        StoredItem(
            f"TICKET#{application_id}",
            RecordKind.EXAM_TICKET,
            {"object_key": ticket_key, "issued_at": at},
        ),
    )
    world.objects.versions[("attachments", f"applications/{application_id}/a.pdf")] = 2
    world.objects.versions[("certificates", ticket_key)] = 3


def _message(*, dry_run: bool = False) -> RetentionPrefecture:
    return RetentionPrefecture(prefecture_code=PREFECTURE, scheduled_at=SCHEDULED, dry_run=dry_run)


def _run(world: RetentionWorld, *, dry_run: bool = False) -> RunSummary:
    """The run through all its pages, its delete pages' counts summed."""
    summaries = world.run(_message(dry_run=dry_run))
    assert [s.phase for s in summaries].count("index") >= 1
    deleting = [s for s in summaries if s.phase == "delete"]
    assert deleting[-1].last

    def total(name: str) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for summary in deleting:
            counts.update(getattr(summary, name))
        return dict(counts)

    return RunSummary(
        prefecture_code=PREFECTURE,
        run_id=deleting[0].run_id,
        dry_run=dry_run,
        last=True,
        deleted=total("deleted"),
        held=total("held"),
        kept_while=total("kept_while"),
        undated=total("undated"),
        objects=sum(s.objects for s in deleting),
        releases=sum(s.releases for s in summaries if s.phase == "release"),
    )


def test_given_the_schedule_fires_then_every_prefecture_gets_a_run_at_its_instant() -> None:
    world = RetentionWorld()
    started = start_runs(RetentionDue(scheduled_at=SCHEDULED, dry_run=True), world.ports())
    assert set(started) == set(prefectures.NAMES)
    sent = world.sync_queue.sent
    assert all(isinstance(m, RetentionPrefecture) and m.dry_run for m in sent)
    assert {m.scheduled_at for m in sent if isinstance(m, RetentionPrefecture)} == {SCHEDULED}


def test_given_a_dry_run_and_then_the_run_then_they_list_the_same_records() -> None:
    world = RetentionWorld()
    _person(world, "p1")
    _person(world, "p2", decided=datetime(2025, 6, 1, tzinfo=UTC))  # not due until 2031
    before = dict(world.partition.items_by_key)

    dry = _run(world, dry_run=True)

    assert world.partition.items_by_key == before
    assert len(world.objects.versions) == 4
    assert world.verify_queue.sent == []
    dry_ids = {r.kind: r.record_keys for r in world.partition.reports(DRY_RUN_PREFIX, dry.run_id)}

    run = _run(world)

    assert run.run_id == dry.run_id == run_id(SCHEDULED)
    assert world.partition.deleted(run.run_id) == dry_ids
    assert (
        dry.deleted
        == run.deleted
        == {
            "application": 1,
            "examinee": 1,
            "exam_ticket": 1,
            "sitting": 1,
        }
    )
    assert not any("p1" in key or "P1" in key for key in world.partition.items_by_key)
    assert any("p2" in key for key in world.partition.items_by_key)


def test_given_a_run_then_s3_versions_and_the_index_go_and_verify_is_asked_to_release() -> None:
    world = RetentionWorld()
    _person(world, "p1")

    summary = _run(world)

    assert summary.objects == 5
    assert world.objects.versions == {}
    assert world.partition.items_by_key == {}
    (release,) = world.verify_queue.sent
    assert isinstance(release, VaultEntryRelease)
    assert release.qualification_pseudonym_id == "p1"
    assert release.last_activity == DECIDED
    (record,) = [
        r
        for r in world.partition.reports(DELETION_PREFIX, summary.run_id)
        if r.kind is RecordKind.APPLICATION
    ]
    assert record.record_keys == {f"APPLICATION#{PREFECTURE}-P1"}
    assert record.rules == {"default:5 years (fiscal_year) from decided"}


def test_given_a_second_run_of_the_instant_then_nothing_more_goes_and_the_record_stays() -> None:
    world = RetentionWorld()
    _person(world, "p1")
    first = _run(world)
    recorded = world.partition.deleted(first.run_id)

    again = _run(world)

    assert again.deleted == {}
    assert world.partition.deleted(first.run_id) == recorded


def test_given_a_hold_on_the_person_then_nothing_of_theirs_goes() -> None:
    world = RetentionWorld()
    _person(world, "p1")
    _person(world, "p2")
    world.holds.holds.append(Hold(HoldScope.PERSON, "p1"))

    summary = _run(world)

    # The ticket is the person's through its application.
    assert summary.held == {"application": 1, "examinee": 1, "exam_ticket": 1, "sitting": 1}
    assert all("p2" not in key and "P2" not in key for key in world.partition.items_by_key)
    assert "EXAMINEE#p1" in world.partition.items_by_key
    assert f"TICKET#{PREFECTURE}-P1" in world.partition.items_by_key
    assert [
        m.qualification_pseudonym_id
        for m in world.verify_queue.sent
        if isinstance(m, VaultEntryRelease)
    ] == ["p2"]


def test_a_run_message_is_routed_and_an_invalid_one_fails_for_the_dlq(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = RetentionWorld()
    _person(world, "p1")
    monkeypatch.setattr(
        dependencies, "dependencies", lambda: SimpleNamespace(retention=world.ports())
    )
    valid = json.loads(messages.encode(_message()))
    invalid = {**valid, "prefecture_code": "48"}

    response = handler.handler(sqs(valid, invalid), LocalContext(catalog.function("sync")))

    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == ["m1"]
    # Each step sends the next through sync's queue: index (one page: the partition is
    # small), settle, delete, release.
    for phase in ("settle", "delete", "release"):
        (following,) = world.sync_queue.sent
        assert isinstance(following, RetentionPrefecture)
        assert (following.phase, following.page) == (phase, 0)
        world.sync_queue.sent.clear()
        response = handler.handler(
            sqs(json.loads(messages.encode(following))), LocalContext(catalog.function("sync"))
        )
        assert response["batchItemFailures"] == []
    assert world.sync_queue.sent == []
    assert world.partition.items_by_key == {}
    assert [type(m) for m in world.verify_queue.sent] == [VaultEntryRelease]


@pytest.mark.parametrize("page_items", [1, 2, 3, 7])
def test_given_tiny_pages_then_the_run_and_dry_run_agree_with_one_page(page_items: int) -> None:
    whole, paged = RetentionWorld(), RetentionWorld(page_items=page_items)
    for world in (whole, paged):
        _person(world, "p1")
        _person(world, "p2", decided=datetime(2025, 6, 1, tzinfo=UTC))
        _person(world, "p3")
        world.holds.holds.append(Hold(HoldScope.PERSON, "p3"))

    dry = _run(paged, dry_run=True)
    dry_ids = {r.kind: r.record_keys for r in paged.partition.reports(DRY_RUN_PREFIX, dry.run_id)}
    one, many = _run(whole), _run(paged)

    assert whole.partition.deleted(one.run_id) == paged.partition.deleted(many.run_id) == dry_ids
    assert (one.deleted, one.held, one.objects) == (many.deleted, many.held, many.objects)
    assert whole.partition.items_by_key == paged.partition.items_by_key
    assert whole.verify_queue.sent == paged.verify_queue.sent
    assert len(paged.verify_queue.sent) == 1


def test_given_a_delete_page_retried_after_it_deleted_then_it_reads_the_same_range() -> None:
    world = RetentionWorld(page_items=2)
    _person(world, "p1")
    _person(world, "p2")
    summaries = world.run(_message())
    deleted = world.partition.deleted(summaries[-1].run_id)
    pages = {key: page for key, page in world.partition.pages.items() if key[2] == "delete"}

    # Every page again, as a redelivery would (the run is over, the pages are recorded).
    for run_key, mode, phase, number in sorted(pages):
        del run_key, mode
        again = RetentionPrefecture(
            prefecture_code=PREFECTURE, scheduled_at=SCHEDULED, phase=phase, page=number
        )
        world.sync_queue.sent.clear()
        summary = run_prefecture(again, world.ports())
        assert summary.deleted == {}
        following = [m for m in world.sync_queue.sent if isinstance(m, RetentionPrefecture)]
        expected = [("release", 0)] if summary.last else [("delete", number + 1)]
        assert [(m.phase, m.page) for m in following] == expected
    assert world.partition.pages == {**world.partition.pages, **pages}
    assert world.partition.deleted(summaries[-1].run_id) == deleted


def test_given_a_step_before_the_one_it_needs_then_it_fails_for_a_retry() -> None:
    world = RetentionWorld(page_items=2)
    _person(world, "p1")
    run_prefecture(_message(), world.ports())  # index page 0 of several

    def early(phase: Literal["settle", "delete", "release"]) -> RetentionPrefecture:
        return RetentionPrefecture(prefecture_code=PREFECTURE, scheduled_at=SCHEDULED, phase=phase)

    with pytest.raises(RuntimeError, match="index is not complete"):
        run_prefecture(early("settle"), world.ports())
    for phase in ("delete", "release"):
        with pytest.raises(RuntimeError, match="is not written"):
            run_prefecture(early(phase), world.ports())
    assert len(world.partition.items_by_key) == 5
    assert world.verify_queue.sent == []


def test_given_many_releases_then_they_go_in_pages_after_every_deletion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retention, "RELEASES_PAGE", 2)
    world = RetentionWorld(page_items=3)
    for n in range(7):
        _person(world, f"p{n}")

    summaries = world.run(_message())

    phases = [s.phase for s in summaries]
    assert phases.index("release") > max(i for i, p in enumerate(phases) if p == "delete")
    released = [s.releases for s in summaries if s.phase == "release"]
    assert released == [2, 2, 2, 1]
    assert world.partition.items_by_key == {}
    assert len(world.verify_queue.sent) == 7


def test_given_an_empty_partition_then_each_step_runs_once_and_nothing_is_sent_to_verify() -> None:
    world = RetentionWorld(page_items=2)

    summaries = world.run(_message())

    assert [(s.phase, s.page) for s in summaries] == [
        ("index", 0),
        ("settle", 0),
        ("delete", 0),
        ("release", 0),
    ]
    assert world.verify_queue.sent == []
    assert world.partition.reports(DELETION_PREFIX, summaries[0].run_id) == []


def test_given_a_run_then_page_records_of_runs_two_days_before_are_forgotten() -> None:
    """A run's page records hold persons' facts (資格仮名IDs, last activity): they outlive the
    run by two days, not the year a job run is kept; a dry run's as well, and a run of the
    day before (whose pages a retried message may still read) is left alone."""
    world = RetentionWorld()
    _person(world, "p1")
    _run(world, dry_run=True)
    first = {key for key in world.partition.pages if key[0] == run_id(SCHEDULED)}
    assert first, "the run wrote its pages"
    next_day = _message().model_copy(update={"scheduled_at": SCHEDULED + timedelta(days=1)})
    world.run(next_day)
    assert first <= set(world.partition.pages), "the day before's pages stay"

    later = _message().model_copy(update={"scheduled_at": SCHEDULED + timedelta(days=2)})
    world.run(later)

    assert not first & set(world.partition.pages)
    assert {key[0] for key in world.partition.pages} == {
        run_id(SCHEDULED + timedelta(days=1)),
        run_id(SCHEDULED + timedelta(days=2)),
    }


def test_given_the_daily_start_then_heartbeats_past_their_period_go_and_a_dry_run_keeps_them() -> (
    None
):
    """Heartbeats live in the system partition, which no prefecture's run reads: the daily
    start forgets each function's latest one once its period (the schedule's ``heartbeat``)
    has ended; a newer one, and anything in a dry run, stays."""
    world = RetentionWorld()
    days = load_retention_schedule().elapsed_days(RecordKind.HEARTBEAT)
    old = HeartbeatReceipt(
        function="verify",
        heartbeat_id="h-old",
        sent_at=SCHEDULED - timedelta(days=days, seconds=1),
        received_at=SCHEDULED - timedelta(days=days, seconds=1),
    )
    fresh = HeartbeatReceipt(
        function="sync",
        heartbeat_id="h-fresh",
        sent_at=SCHEDULED - timedelta(days=days - 1),
        received_at=SCHEDULED - timedelta(days=days - 1),
    )
    world.heartbeats.latest = {"verify": old, "sync": fresh}

    start_runs(RetentionDue(scheduled_at=SCHEDULED, dry_run=True), world.ports())
    assert set(world.heartbeats.latest) == {"verify", "sync"}
    start_runs(RetentionDue(scheduled_at=SCHEDULED, dry_run=False), world.ports())

    assert world.heartbeats.latest == {"sync": fresh}
