"""The pull from the national side (:mod:`sync.national_pull`) on in-memory ports: each change
read from the feed becomes a proposal, a conflict, or nothing, exactly once; the cursor moves
forward; a later change supersedes the open proposal with both changes' items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

import pytest
from tests.unit.review.factory import application, form

from kentei.applications.model import Status
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.national_sync import SentMark
from kentei.data.roster import StoredExaminee
from kentei.messages import NationalChangesDue, NationalChangesPull
from kentei.national.conflicts import ConflictCause, NationalConflict
from kentei.national.memory import InMemoryNational
from kentei.national.model import FeedEntry, NationalRecord, RecordKind, RefusedChange
from kentei.roster.changes import ChangeSource, Proposal, ProposalStatus
from kentei.roster.registration import registration_of
from sync import national_pull
from sync.national_pull import pull_changes, start_pulls
from sync.pull_ports import PullPorts

AT: Final = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
PERSON: Final = "p-pull-000000001"
PREFECTURE: Final = "13"
VERSION: Final = 5_000_000_000_000_000_000_001
"""A stream sequence number: the version we sent last."""


@dataclass
class FakeFeed:
    examinees: dict[str, StoredExaminee] = field(default_factory=dict)
    marks: dict[str, SentMark] = field(default_factory=dict)
    after: int = 0
    claims: dict[int, str] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    open: dict[str, str] = field(default_factory=dict)
    conflicts: list[NationalConflict] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)

    def cursor(self) -> int:
        return self.after

    def advance(self, after: int, at: datetime) -> bool:
        if after <= self.after:
            return False
        self.after = after
        return True

    def taken(self, sequence: int) -> str | None:
        return self.claims.get(sequence)

    def take(
        self,
        sequence: int,
        *,
        outcome: str,
        person: str,
        at: datetime,
        reference: str | None = None,
    ) -> bool:
        if sequence in self.claims:
            return False
        self.claims[sequence] = outcome
        return True

    def examinee(self, person: str) -> StoredExaminee | None:
        return self.examinees.get(person)

    def sent(self, person: str) -> SentMark | None:
        return self.marks.get(person)

    def open_proposal(self, person: str) -> Proposal | None:
        found = self.open.get(person)
        return None if found is None else self.proposals[found]

    def propose(
        self,
        sequence: int,
        proposal: Proposal,
        superseding: Proposal | None,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        if not self.take(sequence, outcome="proposed", person="", at=AT):
            return False
        person = proposal.qualification_pseudonym_id
        assert self.open.get(person) == (None if superseding is None else superseding.proposal_id)
        if superseding is not None:
            self.proposals[superseding.proposal_id] = superseding.model_copy(
                update={"status": ProposalStatus.SUPERSEDED}
            )
        self.proposals[proposal.proposal_id] = proposal
        self.open[person] = proposal.proposal_id
        self.audit.extend(audit)
        return True

    def keep_conflict(
        self, sequence: int, conflict: NationalConflict, audit: Sequence[AuditEvent] = ()
    ) -> bool:
        if not self.take(sequence, outcome="conflict", person="", at=AT):
            return False
        self.conflicts.append(conflict)
        self.audit.extend(audit)
        return True


@dataclass
class FakeQueue:
    sent: list[NationalChangesPull] = field(default_factory=list)

    def send(self, message: NationalChangesPull) -> None:
        self.sent.append(message)


@dataclass
class World:
    national: InMemoryNational = field(default_factory=InMemoryNational)
    feed: FakeFeed = field(default_factory=FakeFeed)
    queue: FakeQueue = field(default_factory=FakeQueue)

    def ports(self) -> PullPorts:
        return PullPorts(
            feed=lambda code: self.feed,
            has_examinees=lambda code: code == PREFECTURE,
            queue=self.queue,
            system=lambda: self.national,
        )

    def pull(self, round_: int = 0) -> national_pull.PullRun:
        message = NationalChangesPull(prefecture_code=PREFECTURE, scheduled_at=AT, round=round_)
        return pull_changes(message, self.ports(), lambda: AT + timedelta(minutes=1))


def _registered(person: str = PERSON, *, sent_version: int | None = VERSION) -> World:
    """A world where ``person`` is our examinee and the national side holds their record at
    ``sent_version`` (as the outbox sent it)."""
    world = World()
    add_person(world, person, sent_version=sent_version)
    return world


def add_person(world: World, person: str, *, sent_version: int | None = VERSION) -> None:
    accepted = application(form(), status=Status.UNDER_REVIEW)
    examinee = registration_of(accepted).examinee
    world.feed.examinees[person] = StoredExaminee(
        qualification_pseudonym_id=person,
        examinee=examinee,
        application_ids=frozenset(),
        registered_at=AT - timedelta(days=30),
        updated_at=AT - timedelta(days=30),
    )
    data = {
        "name": examinee.name,
        "name_kana": examinee.name_kana,
        "birth_date": examinee.birth_date.isoformat(),
        "sex": examinee.sex,
        "postal_code": examinee.postal_code,
        "address": examinee.address,
        "address_line2": examinee.address_line2,
        "phone": examinee.phone,
    }
    world.national.put(
        NationalRecord(
            kind=RecordKind.EXAMINEE,
            record_id=person,
            qualification_pseudonym_id=person,
            prefecture_code=PREFECTURE,
            version=sent_version or 7,
            data=data,
        )
    )
    if sent_version is not None:
        world.feed.marks[person] = SentMark(
            kind="examinee",
            record_id=person,
            qualification_pseudonym_id=person,
            version=sent_version,
            held_version=sent_version,
            outcome="applied",
            sent_at=AT - timedelta(days=29),
        )


def test_given_a_national_change_then_the_proposal_names_it_and_the_cursor_moves() -> None:
    world = _registered()
    before = world.feed.examinees[PERSON].examinee.name
    change = world.national.change_on_national_side(PERSON, PREFECTURE, {"name": "新しい 名前"})

    run = world.pull()

    assert run.counts == {"proposed": 1}
    assert run.cursor == change.sequence == world.feed.after
    [proposal] = world.feed.proposals.values()
    assert proposal.source is ChangeSource.NATIONAL_SYSTEM
    assert proposal.national_sequence == change.sequence
    assert [(c.field, c.before, c.after) for c in proposal.changes] == [
        ("name", before, "新しい 名前")
    ]
    assert proposal.basis == world.feed.examinees[PERSON].updated_at
    [event] = world.feed.audit
    assert event.action is AuditAction.EXAMINEE_CHANGE_PROPOSED
    assert event.record_id == proposal.proposal_id
    assert event.person_id == PERSON


def test_given_the_feed_read_again_then_no_change_is_taken_twice() -> None:
    world = _registered()
    world.national.change_on_national_side(PERSON, PREFECTURE, {"phone": "0312345678"})
    world.pull()

    assert world.pull().counts == {}, "the cursor moved past it"
    world.feed.after = 0  # a cursor write that was lost
    assert world.pull().counts == {"taken_before": 1}
    assert len(world.feed.proposals) == 1


def test_given_a_second_change_then_it_supersedes_the_open_proposal_with_both_items() -> None:
    world = _registered()
    world.national.change_on_national_side(PERSON, PREFECTURE, {"name": "一回目 名前"})
    world.pull()
    world.national.change_on_national_side(
        PERSON, PREFECTURE, {"name": "二回目 名前", "postal_code": "1500042"}
    )

    run = world.pull()

    assert run.counts == {"proposed": 1}
    statuses = sorted(p.status.value for p in world.feed.proposals.values())
    assert statuses == ["proposed", "superseded"]
    current = world.feed.open_proposal(PERSON)
    assert current is not None
    assert {c.field: c.after for c in current.changes} == {
        "name": "二回目 名前",
        "postal_code": "1500042",
    }


def test_given_ours_sent_a_newer_version_since_then_the_change_is_a_conflict() -> None:
    world = _registered()
    change = world.national.change_on_national_side(PERSON, PREFECTURE, {"name": "彼ら 名前"})
    ours = world.feed.marks[PERSON]
    world.feed.marks[PERSON] = SentMark(
        **{**ours.__dict__, "version": ours.version + 10, "sent_at": AT - timedelta(days=1)}
    )

    run = world.pull()

    assert run.counts == {"conflict": 1}
    [conflict] = world.feed.conflicts
    assert conflict.cause is ConflictCause.BOTH_CHANGED
    assert conflict.national_sequence == change.sequence
    assert conflict.our_version == ours.version + 10
    [values] = conflict.fields
    assert values.field == "name"
    assert values.theirs == "彼ら 名前"
    assert values.ours == world.feed.examinees[PERSON].examinee.name
    assert not world.feed.proposals
    assert world.feed.audit[0].action is AuditAction.NATIONAL_CONFLICT_KEPT
    assert "彼ら" not in repr(conflict)


def test_given_ours_changed_and_not_yet_acknowledged_then_the_change_is_a_conflict() -> None:
    world = _registered()
    stored = world.feed.examinees[PERSON]
    world.feed.examinees[PERSON] = StoredExaminee(
        **{**stored.__dict__, "updated_at": AT - timedelta(hours=1)}
    )
    world.national.change_on_national_side(PERSON, PREFECTURE, {"address": "東京都千代田区1"})

    assert world.pull().counts == {"conflict": 1}
    assert world.feed.conflicts[0].cause is ConflictCause.BOTH_CHANGED


def test_given_values_our_rules_refuse_then_the_change_is_kept_as_a_conflict() -> None:
    world = _registered()
    world.national.change_on_national_side(PERSON, PREFECTURE, {"name_kana": "not kana"})

    assert world.pull().counts == {"conflict": 1}
    [conflict] = world.feed.conflicts
    assert conflict.cause is ConflictCause.VALUES_REFUSED
    assert not conflict.theirs_takeable
    assert conflict.fields[0].theirs == "not kana"


def test_given_values_we_hold_already_then_nothing_is_proposed() -> None:
    world = _registered()
    name = world.feed.examinees[PERSON].examinee.name
    world.national.change_on_national_side(PERSON, PREFECTURE, {"name": name})

    assert world.pull().counts == {"same": 1}
    assert not world.feed.proposals
    assert not world.feed.conflicts


def test_given_a_person_we_do_not_hold_then_the_change_is_claimed_as_unknown() -> None:
    world = _registered()
    del world.feed.examinees[PERSON]
    change = world.national.change_on_national_side(PERSON, PREFECTURE, {"phone": "0300000000"})

    assert world.pull().counts == {"unknown_person": 1}
    assert world.feed.claims == {change.sequence: "unknown_person"}


def test_given_more_changes_than_one_message_reads_then_the_next_round_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(national_pull, "PAGE", 2)
    monkeypatch.setattr(national_pull, "MAX_PAGES", 2)
    world = World()
    persons = [f"p-pull-{n:09d}" for n in range(5)]
    for person in persons:
        add_person(world, person)
        world.national.change_on_national_side(person, PREFECTURE, {"phone": "0311112222"})

    first = world.pull()

    assert first.more
    assert first.counts == {"proposed": 4}
    [following] = world.queue.sent
    assert following.round == 1
    second = world.pull(following.round)
    assert not second.more
    assert second.counts == {"proposed": 1}
    assert len(world.feed.open) == 5


def test_given_the_schedule_then_a_pull_goes_to_each_prefecture_with_examinees() -> None:
    world = World()

    sent = start_pulls(NationalChangesDue(scheduled_at=AT), world.ports())

    assert sent == (PREFECTURE,)
    assert [(m.prefecture_code, m.scheduled_at, m.round) for m in world.queue.sent] == [
        (PREFECTURE, AT, 0)
    ]


def test_given_an_entry_outside_the_contract_then_it_is_claimed_refused_and_the_feed_goes_on() -> (
    None
):
    world = _registered()
    change = world.national.change_on_national_side(PERSON, PREFECTURE, {"phone": "0311112222"})
    refused = RefusedChange(
        sequence=change.sequence + 1,
        qualification_pseudonym_id=PERSON,
        prefecture_code=PREFECTURE,
        reason="changes: items the national side may not change",
    )

    class _WithRefused:
        def changes(self, code: str, after: int, limit: int = 100) -> tuple[FeedEntry, ...]:
            entries: list[FeedEntry] = [*world.national.changes(code, 0), refused]
            return tuple(e for e in entries if e.sequence > after)[:limit]

    ports = world.ports()
    ports = PullPorts(
        feed=ports.feed,
        has_examinees=ports.has_examinees,
        queue=ports.queue,
        system=_WithRefused,
    )
    message = NationalChangesPull(prefecture_code=PREFECTURE, scheduled_at=AT)

    run = pull_changes(message, ports, lambda: AT)

    assert run.counts == {"proposed": 1, "refused": 1}
    assert run.cursor == refused.sequence
    assert world.feed.claims[refused.sequence] == "refused"
