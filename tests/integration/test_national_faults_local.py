"""1,000 national changes under faults and throttling (issue 12: "With the fake failing 10 % of
requests and throttling, 1,000 changes all arrive once, in order per person").

The local runtime as deployed in miniature: the roster's own writes commit 1,000 changes of
synced records (125 persons registered four times each: the examinee created or changed, and a
new sitting, per registration), the records stream's pump hands them to sync, sync puts them on
the FIFO national queue (a group per person) and its consumer sends them through the HTTPS
adapter, over mutual TLS, to the fake national server. The fake fails 10 % of the contract's
requests (500/503, a connection reset before the request is handled, an answer lost after a
record was applied) and throttles 3 % (429 with ``Retry-After: 1``). The adapter tries a call
twice (not three times), so that some changes also fail their whole call and go back to the
queue, their group waiting behind them.

Proved from the fake's own log of what it applied (:attr:`InMemoryNational.applied`), the
records stream read again from its start, the consumer's outcome for each message it sent (a
spy around :func:`sync.national.send_due` that records what the real function answered) and the
queues:

- no version of a record is applied twice;
- per person, the versions applied grow strictly in the order they were applied, across all of
  the person's records (a version is the change's stream sequence number: commit order);
- every committed change arrived (applied), or was superseded: the consumer answered
  ``superseded`` for it (a newer change of the record was in the same batch, and that one sent
  the record as it then was) and a newer version of the record was applied. Superseded changes
  are skipped on purpose: sending them would send the newer content under the older version
  first, one more call per change against a rate-limited side, for nothing the newer version
  does not carry;
- the national side holds, for every record, our item as it is now at its newest version (as
  sync maps it, and as the comparing script, :mod:`kentei_local.national_compare`, sees both
  stores);
- the national queue, its DLQ and sync's DLQ (stream batches that kept failing) are empty;
- the faults and the throttling happened (the fake counts what it injected), and each throttled
  call's next attempt came no sooner than ``Retry-After`` said.

A one-line summary (changes, applied, superseded, faults, throttled, seconds) is printed
(``-s`` shows it). The test ends with reconciliation (the daily job that compares both sides
by bucket digests, run through sync's queue with the faults still on) reporting zero
differences over every record.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, Final

import pytest
from tests.integration.national_helpers import register

from kentei import catalog
from kentei.data.national_reconcile import PrefectureNationalReconcile
from kentei.data.national_sync import PrefectureNationalSync
from kentei.messages import NationalReconcileDue, NationalRecordDue, encode
from kentei.national.https import ENVIRONMENT as NATIONAL_ENVIRONMENT
from kentei.national.memory import Applied
from kentei.national.model import RecordKind
from kentei.national.records import national_record
from kentei.roster.changes import run_id_of
from kentei_local.fake_national_server import NationalFaults
from kentei_local.national_compare import compare_stores
from kentei_local.probes import messages_in, wait_until
from kentei_local.resources import physical_name
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings

pytestmark = pytest.mark.slow

PREFECTURE: Final = "13"
PERSONS: Final = 125
REGISTRATIONS: Final = 4
"""Per person; each commits two synced changes (the examinee, a new sitting)."""
CHANGES: Final = PERSONS * REGISTRATIONS * 2
WAVE: Final = 5
"""Persons registered in turn, so a person's changes are sometimes in one batch, sometimes not."""
DRAIN_S: Final = 240.0
"""The hard cap for the changes to arrive and the queues to drain."""
RETRY_AFTER_S: Final = 1
FAULTS: Final = NationalFaults(
    failing=0.06,
    reset=0.02,
    lost=0.02,
    throttled=0.03,
    retry_after=str(RETRY_AFTER_S),
    seed=1222,
)
ADAPTER: Final = {"rate_per_s": "50", "burst": "10", "max_attempts": "2"}
"""Two attempts a call; a pace the run does not reach (its own bucket's tests are elsewhere)."""

Key = tuple[str, str]
"""A record: (kind, record id)."""


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    from sync.national_ports import national_system

    saved = {name: os.environ.get(name) for name in _adapter_environment()}
    os.environ.update(_adapter_environment())
    national_system.cache_clear()  # an adapter kept from an earlier runtime's endpoint
    settings = LocalSettings(port=0, state_dir=tmp_path_factory.mktemp("state"))
    try:
        with LocalRuntime(settings, serve_http=False) as started:
            started.national.set_faults(FAULTS)
            yield started
    finally:
        national_system.cache_clear()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _adapter_environment() -> dict[str, str]:
    return {NATIONAL_ENVIRONMENT[field]: value for field, value in ADAPTER.items()}


class Outcomes:
    """What :func:`sync.national.send_due` answered for each message it was given."""

    def __init__(self, send_due: Callable[..., Any]) -> None:
        self._send_due = send_due
        self._lock = threading.Lock()
        self.seen: list[tuple[Key, int, str]] = []
        self.timed: list[tuple[float, float, Key, int, str]] = []
        """(started, ended, record, version, outcome or the error's class), for a failure's
        account of what happened."""

    def __call__(self, message: NationalRecordDue, *args: Any, **kwargs: Any) -> Any:
        key = (message.record_kind, message.record_id)
        started = time.monotonic()
        try:
            outcome = self._send_due(message, *args, **kwargs)
        except Exception as exc:
            with self._lock:
                self.timed.append(
                    (started, time.monotonic(), key, message.version, type(exc).__name__)
                )
            raise
        with self._lock:
            self.seen.append((key, message.version, str(outcome)))
            self.timed.append((started, time.monotonic(), key, message.version, str(outcome)))
        return outcome


def _person(number: int) -> str:
    return f"p-faults-{number:04d}"


def _register(person: str, turn: int) -> None:
    """One registration through the roster's own writes: the examinee created (turn 0) or
    brought to a new address, and a new sitting with its exam number."""
    register(person, f"101{turn + 1}", address=f"東京都港区芝公園{turn + 1}-{person[-3:]}")


def _committed(runtime: LocalRuntime) -> list[tuple[Key, str, int, str]]:
    """Every committed change of a synced record, read from the records stream's start:
    (record, person, version, sort key), in commit order."""
    streams = runtime.session.client("dynamodbstreams", endpoint_url=runtime.moto_endpoint)
    table = physical_name("records")
    arn = runtime.dynamodb().describe_table(TableName=table)["Table"]["LatestStreamArn"]
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    found: list[tuple[Key, str, int, str]] = []
    while iterator:
        answer = streams.get_records(ShardIterator=iterator, Limit=1000)
        records = answer.get("Records", [])
        for record in records:
            change = record["dynamodb"]
            sort_key = change["Keys"]["record_key"]["S"]
            version = int(change["SequenceNumber"])
            kind, _, rest = sort_key.partition("#")
            if kind == "EXAMINEE":
                found.append((("examinee", f"{PREFECTURE}-{rest}"), rest, version, sort_key))
            elif kind == "SITTING":
                person, _, application_id = rest.partition("#")
                found.append((("sitting", application_id), person, version, sort_key))
        iterator = answer.get("NextShardIterator") if records else None
    return found


def _account(
    runtime: LocalRuntime,
    outcomes: Outcomes,
    committed: list[tuple[Key, str, int, str]],
    persons: list[str],
) -> str:
    """What happened to the first person applied out of order, in time: each send the
    consumer started (its outcome or error), each request the fake received for the person's
    records and each fault it injected, each version it applied. Ids and versions only."""
    person = persons[0]  # the helper registers each person under their own 資格仮名ID
    keys = {key for key, p, _, _ in committed if p == person}
    paths = {f"/v1/records/{kind}/{record_id}": (kind, record_id) for kind, record_id in keys}
    faults = {f.request_id: f.kind for f in runtime.national.faults_injected}
    events: list[tuple[float, str]] = [
        (start, f"send {key} v{version}: {outcome} ({end - start:.2f} s)")
        for start, end, key, version, outcome in outcomes.timed
        if key in keys
    ]
    events += [
        (r.at, f"request {paths[r.path]} {r.request_id}: {faults.get(r.request_id, 'answered')}")
        for r in runtime.national.received
        if r.path in paths
    ]
    events.sort()
    applied = [
        (e.kind.value, e.version)
        for e in runtime.national.national.applied
        if (e.kind.value, e.record_id) in keys
    ]
    lines = [f"{at:.2f} {what}" for at, what in events]
    return f"{person}: applied {applied}\n" + "\n".join(lines)


def _queue_empty(runtime: LocalRuntime, url: str) -> bool:
    return messages_in(runtime.sqs(), url) == 0


def test_given_10_percent_failures_and_throttling_then_1000_changes_arrive_once_in_order(
    runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync import national as outbox
    from sync import national_handler

    outcomes = Outcomes(outbox.send_due)
    monkeypatch.setattr(national_handler, "send_due", outcomes)
    national = runtime.national.national
    queue = runtime.resources.queues[catalog.NATIONAL_QUEUE]
    sync_dlq = runtime.resources.queues["sync"].dlq_url
    started = time.monotonic()

    persons = [_person(n) for n in range(PERSONS)]
    for first in range(0, PERSONS, WAVE):
        wave = persons[first : first + WAVE]
        for turn in range(REGISTRATIONS):
            for person in wave:
                _register(person, turn)

    written = time.monotonic() - started
    stream = runtime.stream_pumps["records"]
    wait_until(
        lambda: stream.delivered >= CHANGES or None, DRAIN_S, "the stream's changes forwarded"
    )
    committed = _committed(runtime)
    assert len(committed) == CHANGES
    newest: dict[Key, tuple[int, str]] = {}
    for key, _, version, sort_key in committed:
        newest[key] = (version, sort_key)

    def all_arrived() -> bool | None:
        assert _queue_empty(runtime, queue.dlq_url), "a national message was set aside"
        held = {record.key: record.version for record in national.records()}
        return all(held.get(key) == version for key, (version, _) in newest.items()) or None

    wait_until(all_arrived, DRAIN_S - (time.monotonic() - started), "every newest version applied")
    wait_until(lambda: _queue_empty(runtime, queue.url) or None, 30.0, "the national queue drained")
    seconds = time.monotonic() - started

    applied = national.applied
    faults = runtime.national.fault_counts
    said = Counter(outcome for _, _, outcome in outcomes.seen)
    print(
        f"\nnational faults run: {CHANGES} changes, {len(applied)} applied, "
        f"{said['superseded']} superseded, "
        f"{sum(faults[kind] for kind in ('failing', 'reset', 'lost'))} faults injected "
        f"({faults['failing']} 5xx, {faults['reset']} resets, {faults['lost']} answers lost), "
        f"{faults['throttled']} throttled, {len(runtime.national.received)} requests, "
        f"outcomes {dict(said)}, {seconds:.1f} s (written in {written:.1f} s)"
    )

    # Once: no version of a record applied twice.
    versions = Counter((entry.kind.value, entry.record_id, entry.version) for entry in applied)
    assert [twice for twice, n in versions.items() if n > 1] == []

    # In order per person: across all of a person's records, in commit order.
    by_person: dict[str, list[Applied]] = {}
    for entry in applied:
        by_person.setdefault(entry.qualification_pseudonym_id, []).append(entry)
    out_of_order = {
        person: [(e.kind.value, e.version) for e in entries]
        for person, entries in by_person.items()
        if any(a.version >= b.version for a, b in itertools.pairwise(entries))
    }
    assert out_of_order == {}, _account(runtime, outcomes, committed, sorted(out_of_order))
    account = _account(runtime, outcomes, committed, [persons[0]])  # it cannot rot unseen
    assert "send " in account, account
    assert "request " in account, account

    # All arrive: applied, or superseded by a newer version of the record that was applied.
    arrived = {((e.kind.value, e.record_id), e.version) for e in applied}
    superseded = {(key, version) for key, version, o in outcomes.seen if o == "superseded"}
    newest_applied: dict[Key, int] = {}
    for key, version in arrived:
        newest_applied[key] = max(newest_applied.get(key, 0), version)
    missing = [
        (key, version)
        for key, _, version, _ in committed
        if (key, version) not in arrived
        and not ((key, version) in superseded and newest_applied.get(key, 0) > version)
    ]
    assert missing == []
    assert {(key, version) for key, _, version, _ in committed} >= arrived

    # The national side holds our items as they are now, at their newest versions.
    items = PrefectureNationalSync(PREFECTURE)
    for (kind, record_id), (version, sort_key) in newest.items():
        ours = national_record(items.item(sort_key) or {}, version)
        assert national.get(RecordKind(kind), record_id) == ours, (kind, record_id)
        mark = items.sent(kind, record_id)
        assert mark is not None
        assert mark.version == version

    # And as the comparing script sees both stores, independently of sync's mapping.
    comparison = compare_stores(
        runtime.dynamodb(), physical_name("records"), runtime.national_endpoint
    )
    assert comparison.agree, comparison.lines()

    # Nothing set aside: neither a message nor a stream batch.
    assert _queue_empty(runtime, queue.dlq_url)
    assert _queue_empty(runtime, sync_dlq)

    # The faults and the throttling really happened, about as often as asked.
    assert faults["failing"] > 0
    assert faults["reset"] > 0
    assert faults["lost"] > 0
    assert faults["throttled"] > 0
    requests = len(runtime.national.received)
    failed = faults["failing"] + faults["reset"] + faults["lost"]
    assert 0.05 * requests < failed < 0.15 * requests
    attempts: dict[str | None, list[float]] = {}
    for request in runtime.national.received:
        attempts.setdefault(request.request_id, []).append(request.at)
    waited = [
        min(later) - injected.at
        for injected in runtime.national.faults_injected
        if injected.kind == "throttled"
        and (later := [at for at in attempts[injected.request_id] if at > injected.at])
    ]
    assert waited
    assert min(waited) >= RETRY_AFTER_S - 0.01
    assert seconds < DRAIN_S

    # Reconciliation, run as the schedule runs it (through sync's queue, the faults still on),
    # compares both sides bucket by bucket and finds nothing to repair.
    scheduled = dt.datetime.now(dt.UTC).replace(microsecond=0)
    runtime.sqs().send_message(
        QueueUrl=runtime.resources.queues["sync"].url,
        MessageBody=encode(NationalReconcileDue(scheduled_at=scheduled)),
    )
    report = wait_until(
        lambda: PrefectureNationalReconcile(PREFECTURE).report(run_id_of(scheduled)),
        60.0,
        "the reconciliation's report",
    )
    assert report.total("compared") == len(newest)
    assert report.total("differing") == 0, report
    assert (report.repairs, report.conflicts, report.pending) == ((), (), ())
    print(
        f"reconciliation {report.run_id}: {report.total('compared')} compared, "
        f"{report.total('buckets_drilled')} buckets drilled, 0 differing"
    )
