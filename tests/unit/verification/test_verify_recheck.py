"""The registry re-check in verify over in-memory ports: the run fans out per prefecture in
bounded batches, a moved person becomes one proposal (not two on the next run), another
finding supersedes the open one, the dead are proposed for deletion, the run counts, and a
message that is not one ends in the DLQ."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.unit.review.factory import form

from kentei import catalog, messages
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.changes import BatchCounts, RosterEntry, RosterPage
from kentei.my_number import MyNumber
from kentei.records.examinee import Examinee
from kentei.registry import RegistryUnavailableError
from kentei.registry.fake import SeededRegistry, parse_seed
from kentei.registry.model import RegistryRecord
from kentei.roster.changes import ChangeKind, Proposal, ProposalStatus, RunRecord
from kentei.roster.registration import examinee_of
from kentei.vault.memory import InMemoryVault
from kentei_local.context import LocalContext
from kentei_local.probes import my_numbers_in
from verify import dependencies, handler
from verify.dependencies import RecheckDependencies
from verify.recheck import recheck_batch, start_runs

AT = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
OLD = "東京都千代田区千代田1-1"
NEW = "東京都港区転居町九丁目8番7号"


def _seed(*people: tuple[str, str, str]) -> SeededRegistry:
    """(My Number, address, status) of 技能 花子 lookalikes."""
    return SeededRegistry(
        parse_seed(
            json.dumps(
                [
                    {
                        "my_number": number,
                        "name": "技能 花子",
                        "name_kana": "ぎのう はなこ",
                        "birth_date": "1995-06-15",
                        "sex": "2",
                        "address": address,
                        "status": status,
                    }
                    for number, address, status in people
                ],
                ensure_ascii=False,
            )
        )
    )


@dataclass
class FakeStore:
    examinees_: dict[str, tuple[Examinee, datetime]] = field(default_factory=dict)
    inactive: set[str] = field(default_factory=set)
    suspended: set[str] = field(default_factory=set)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    open_: dict[str, str] = field(default_factory=dict)
    runs: dict[str, RunRecord] = field(default_factory=dict)
    batches: dict[tuple[str, int], BatchCounts] = field(default_factory=dict)
    finished: dict[str, datetime] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)

    def examinees(self, limit: int, after: str | None = None) -> RosterPage:
        keys = sorted(k for k in self.examinees_ if after is None or k > after)
        chosen = keys[:limit]
        entries = tuple(
            RosterEntry(k, self.examinees_[k][0], self.examinees_[k][1]) for k in chosen
        )
        return RosterPage(entries, chosen[-1] if len(keys) > limit else None)

    def has_examinees(self) -> bool:
        return bool(self.examinees_)

    def active(self, qualification_pseudonym_id: str) -> bool:
        return qualification_pseudonym_id not in self.inactive

    def suspended_persons(self) -> frozenset[str]:
        return frozenset(self.suspended)

    def open_proposal(self, qualification_pseudonym_id: str) -> Proposal | None:
        found = self.open_.get(qualification_pseudonym_id)
        return None if found is None else self.proposals[found]

    def propose(
        self, proposal: Proposal, superseding: Proposal | None, audit: Sequence[AuditEvent] = ()
    ) -> None:
        person = proposal.qualification_pseudonym_id
        assert self.open_.get(person) == (None if superseding is None else superseding.proposal_id)
        if superseding is not None:
            self.proposals[superseding.proposal_id] = superseding.model_copy(
                update={"status": ProposalStatus.SUPERSEDED}
            )
        self.proposals[proposal.proposal_id] = proposal
        self.open_[person] = proposal.proposal_id
        self.audit.extend(audit)

    def start_run(self, run: RunRecord) -> bool:
        if run.run_id in self.runs:
            return False
        self.runs[run.run_id] = run
        return True

    def batch_done(self, run_id: str, page: int) -> bool:
        return (run_id, page) in self.batches

    def finish_batch(
        self,
        run_id: str,
        page: int,
        counts: BatchCounts,
        *,
        finished_at: datetime | None,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        if (run_id, page) in self.batches:
            return False
        self.batches[(run_id, page)] = counts
        if finished_at is not None:
            self.finished[run_id] = finished_at
        self.audit.extend(audit)
        return True

    def totals(self, run_id: str) -> BatchCounts:
        done = [c for (r, _), c in self.batches.items() if r == run_id]
        return BatchCounts(
            sum(c.queried for c in done),
            sum(c.differences for c in done),
            sum(c.proposed for c in done),
            sum(c.errors for c in done),
        )


@dataclass
class Queue:
    sent: list[messages.RegistryRecheckBatch] = field(default_factory=list)

    def send(self, message: messages.RegistryRecheckBatch) -> str:
        self.sent.append(message)
        return f"m-{len(self.sent)}"


@dataclass
class World:
    registry: Any
    vault: InMemoryVault = field(default_factory=InMemoryVault)
    stores: dict[str, FakeStore] = field(default_factory=dict)
    queue: Queue = field(default_factory=Queue)

    def deps(self) -> RecheckDependencies:
        return RecheckDependencies(
            registry=self.registry,
            vault=self.vault,
            store=lambda code: self.stores.setdefault(code, FakeStore()),
            queue=self.queue,
            clock=lambda: AT,
        )

    def enrol(self, number: str, prefecture: str = "13", address: str = OLD) -> str:
        person = self.vault.enrol(MyNumber(number)).qualification_pseudonym_id
        store = self.stores.setdefault(prefecture, FakeStore())
        store.examinees_[person] = (examinee_of(form(address=address)), AT - timedelta(days=30))
        return person

    def run(self, at: datetime = AT) -> str:
        """A whole run: the due message, then every batch message until none is left."""
        outcome = start_runs(messages.RegistryRecheckDue(scheduled_at=at), self.deps())
        while self.queue.sent:
            recheck_batch(self.queue.sent.pop(0), self.deps(), "req-1")
        return outcome.run_id


NUMBERS = [f"{n:011d}" for n in range(90000000100, 90000000100 + 45)]


def _valid(first_eleven: str) -> str:
    from kentei.my_number import check_digit

    return first_eleven + str(check_digit(first_eleven))


def test_a_moved_person_is_one_proposal_and_a_second_run_adds_none() -> None:
    taro, hanako = _valid(NUMBERS[0]), _valid(NUMBERS[1])
    world = World(_seed((taro, NEW, "current"), (hanako, OLD, "current")))
    moved, stayed = world.enrol(taro), world.enrol(hanako)

    run_id = world.run()
    store = world.stores["13"]
    [proposal] = store.proposals.values()
    assert proposal.qualification_pseudonym_id == moved
    assert proposal.kind is ChangeKind.UPDATE
    assert [(c.field, c.before, c.after) for c in proposal.changes] == [("address", OLD, NEW)]
    assert store.open_ == {moved: proposal.proposal_id}
    assert stayed not in store.open_
    assert store.totals(run_id) == BatchCounts(queried=2, differences=1, proposed=1, errors=0)
    assert run_id in store.finished

    later = world.run(AT + timedelta(days=7))
    assert len(store.proposals) == 1, "the same difference while one is open: no new proposal"
    assert store.totals(later) == BatchCounts(queried=2, differences=1, proposed=0, errors=0)


def test_another_finding_supersedes_the_open_proposal() -> None:
    taro = _valid(NUMBERS[0])
    world = World(_seed((taro, NEW, "current")))
    world.enrol(taro)
    world.run()
    world.registry = _seed((taro, "東京都港区別町1-1", "moved"))
    world.run(AT + timedelta(days=7))
    store = world.stores["13"]
    statuses = sorted((p.kind.value, p.status.value) for p in store.proposals.values())
    assert statuses == [("moved_out", "proposed"), ("update", "superseded")]


def test_the_dead_are_proposed_for_deletion_and_the_unknown_counted_as_errors() -> None:
    dead, missing = _valid(NUMBERS[0]), _valid(NUMBERS[1])
    world = World(_seed((dead, OLD, "deceased")))
    world.enrol(dead)
    world.enrol(missing)
    run_id = world.run()
    store = world.stores["13"]
    [proposal] = store.proposals.values()
    assert proposal.kind is ChangeKind.DECEASED
    assert proposal.changes == ()
    assert store.totals(run_id) == BatchCounts(queried=2, differences=1, proposed=1, errors=1)


def test_only_active_examinees_are_looked_up() -> None:
    taro = _valid(NUMBERS[0])
    world = World(_seed((taro, NEW, "current")))
    person = world.enrol(taro)
    world.stores["13"].inactive.add(person)
    run_id = world.run()
    assert world.stores["13"].totals(run_id) == BatchCounts()
    assert world.vault.kms_requests.snapshot().get("Decrypt") is None


def test_a_person_whose_use_is_suspended_is_not_looked_up() -> None:
    """P10: 利用停止 stops the re-check of the person's data (the vault is not opened)."""
    taro = _valid(NUMBERS[0])
    world = World(_seed((taro, NEW, "current")))
    person = world.enrol(taro)
    world.stores["13"].suspended.add(person)
    run_id = world.run()
    assert world.stores["13"].totals(run_id) == BatchCounts()
    assert world.stores["13"].proposals == {}
    assert world.vault.kms_requests.snapshot().get("Decrypt") is None


def test_a_large_roster_is_read_in_bounded_batches_one_prefecture_at_a_time() -> None:
    numbers = [_valid(n) for n in NUMBERS]
    world = World(_seed(*((n, NEW, "current") for n in numbers)))
    for n in numbers[:41]:
        world.enrol(n, "13")
    for n in numbers[41:]:
        world.enrol(n, "27")

    outcome = start_runs(messages.RegistryRecheckDue(scheduled_at=AT), world.deps())
    assert outcome.prefectures == ("13", "27")
    assert [(m.prefecture_code, m.page) for m in world.queue.sent] == [("13", 0), ("27", 0)]
    pages: list[tuple[str, int]] = []
    while world.queue.sent:
        message = world.queue.sent.pop(0)
        assert len(world.queue.sent) <= 2, "one message in flight per prefecture"
        done = recheck_batch(message, world.deps(), "req-1")
        assert done.counts.queried <= messages.RECHECK_BATCH_MAX
        pages.append((message.prefecture_code, message.page))
    assert sorted(pages) == [("13", 0), ("13", 1), ("13", 2), ("27", 0)]
    assert world.stores["13"].totals(outcome.run_id).queried == 41
    assert world.stores["27"].totals(outcome.run_id).proposed == 4


def test_a_retried_due_message_or_batch_does_nothing_twice() -> None:
    taro = _valid(NUMBERS[0])
    world = World(_seed((taro, NEW, "current")))
    world.enrol(taro)
    due = messages.RegistryRecheckDue(scheduled_at=AT)
    start_runs(due, world.deps())
    batch = world.queue.sent.pop(0)
    recheck_batch(batch, world.deps(), "req-1")
    again = recheck_batch(batch, world.deps(), "req-1")
    assert again.already_done
    assert start_runs(due, world.deps()).prefectures == ()
    assert world.queue.sent == []
    assert len(world.stores["13"].proposals) == 1


def test_an_unreachable_registry_fails_the_batch_for_a_retry() -> None:
    class Down:
        def by_my_number(self, my_number: MyNumber) -> RegistryRecord:
            raise RegistryUnavailableError("circuit open")

    world = World(Down())
    world.enrol(_valid(NUMBERS[0]))
    start_runs(messages.RegistryRecheckDue(scheduled_at=AT), world.deps())
    with pytest.raises(RegistryUnavailableError):
        recheck_batch(world.queue.sent[0], world.deps(), "req-1")
    assert world.stores["13"].batches == {}


def test_every_lookup_and_proposal_is_audited_by_pseudonym_and_nothing_holds_a_number() -> None:
    taro = _valid(NUMBERS[0])
    world = World(_seed((taro, NEW, "current")))
    person = world.enrol(taro)
    world.run()
    store = world.stores["13"]
    actions = sorted(e.action.value for e in store.audit)
    assert actions == [AuditAction.EXAMINEE_CHANGE_PROPOSED, AuditAction.EXAMINEE_RECHECKED]
    assert {e.person_id for e in store.audit} == {person}
    kept = json.dumps(
        [p.model_dump(mode="json") for p in store.proposals.values()]
        + [e.model_dump(mode="json") for e in store.audit],
        ensure_ascii=False,
    )
    assert my_numbers_in(kept) == []


def _record(body: str) -> dict[str, Any]:
    return {
        "messageId": "m-1",
        "receiptHandle": "rh-1",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:ap-northeast-1:123456789012:kentei-verify",
        "awsRegion": "ap-northeast-1",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "registry_recheck_batch", "run_id": "x", "prefecture_code": "13", "page": 0},
        {"kind": "registry_recheck_due"},
        {"kind": "registry_recheck_due", "scheduled_at": AT.isoformat(), "name": "技能 花子"},
    ],
)
def test_an_invalid_recheck_message_fails_to_the_dlq(
    body: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    answer = handler.handler(
        {"Records": [_record(json.dumps(body))]}, LocalContext(catalog.function("verify"))
    )
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_the_handler_routes_the_due_message_to_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    taro = _valid(NUMBERS[0])
    world = World(_seed((taro, NEW, "current")))
    world.enrol(taro)
    monkeypatch.setattr(dependencies, "recheck_dependencies", world.deps)
    body = messages.encode(messages.RegistryRecheckDue(scheduled_at=AT))
    answer = handler.handler({"Records": [_record(body)]}, LocalContext(catalog.function("verify")))
    assert answer == {"batchItemFailures": []}
    [batch] = world.queue.sent
    answer = handler.handler(
        {"Records": [_record(messages.encode(batch))]}, LocalContext(catalog.function("verify"))
    )
    assert answer == {"batchItemFailures": []}
    assert len(world.stores["13"].proposals) == 1


def test_the_schedule_sends_the_due_kind_into_verifys_queue() -> None:
    spec = catalog.schedule("registry-recheck")
    assert spec.kind == messages.RegistryRecheckDue.model_fields["kind"].default
    assert catalog.queue(spec.queue).consumer == "verify"
    assert spec.timezone == "Asia/Tokyo"
    # The batches go back into verify's own queue: verify may send there, nothing more.
    verify = catalog.function("verify")
    assert catalog.Grant("verify", catalog.Access.QUEUE_SEND) in verify.grants
