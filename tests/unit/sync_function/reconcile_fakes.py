"""In-memory ports of reconciliation (:mod:`sync.reconcile_ports`): our side over the outbox's
fake items and marks, the national side an :class:`InMemoryNational`, and a FIFO queue whose
messages :meth:`ReconcileWorld.deliver` sends through the outbox (:func:`sync.national.
send_due`), as sync's national consumer would."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from tests.unit.sync_function.national_fakes import FakeDue, FakeItems, FakeSetAside

from kentei.data.audit import AuditEvent
from kentei.data.national_conflicts import ConflictOpenAlreadyError
from kentei.data.national_sync import SentMark
from kentei.messages import Envelope, NationalReconcilePrefecture
from kentei.national.conflicts import ConflictStatus, NationalConflict
from kentei.national.memory import InMemoryNational
from kentei.national.model import NationalRecord, RecordKind
from kentei.national.reconciliation import ReconcileReport
from kentei.national.records import synced_key
from kentei.roster.changes import ChangeSource, Proposal
from sync.national import due_for, send_due
from sync.national_ports import NationalPorts
from sync.reconcile_ports import ReconcilePorts

PREFECTURE: Final = "13"
SCHEDULED: Final = datetime(2026, 9, 2, 19, 10, tzinfo=UTC)
NOW: Final = SCHEDULED + timedelta(minutes=1)


@dataclass
class FakeOurSide:
    items: FakeItems

    def synced_items(self) -> Iterator[dict[str, Any]]:
        yield from self.items.items.values()

    def sent_marks(self) -> Iterator[SentMark]:
        yield from self.items.marks.values()

    def has_synced(self) -> bool:
        return bool(self.items.items or self.items.marks)

    def suspended_persons(self) -> frozenset[str]:
        return self.items.suspended_persons()


@dataclass
class FakeReports:
    kept: dict[str, ReconcileReport] = field(default_factory=dict)

    def report(self, run_id: str) -> ReconcileReport | None:
        return self.kept.get(run_id)

    def keep(self, report: ReconcileReport) -> bool:
        held = self.kept.get(report.run_id)
        if held is not None and held.attempt >= report.attempt:
            return False
        self.kept[report.run_id] = report
        return True


@dataclass
class FakeConflicts:
    kept: list[NationalConflict] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)

    def open_persons(self) -> frozenset[str]:
        return frozenset(
            c.qualification_pseudonym_id for c in self.kept if c.status is ConflictStatus.OPEN
        )

    def open(self, conflict: NationalConflict, audit: Sequence[AuditEvent] = ()) -> None:
        for held in self.kept:
            if held.status is ConflictStatus.OPEN and (held.record_kind, held.record_id) == (
                conflict.record_kind,
                conflict.record_id,
            ):
                raise ConflictOpenAlreadyError("the record has an open conflict")
        self.kept.append(conflict)
        self.audit.extend(audit)


@dataclass
class FakeProposals:
    open_national: dict[str, Proposal] = field(default_factory=dict)
    asked: list[tuple[str, ChangeSource]] = field(default_factory=list)

    def open_proposal(
        self, qualification_pseudonym_id: str, source: ChangeSource = ChangeSource.REGISTRY_RECHECK
    ) -> Proposal | None:
        self.asked.append((qualification_pseudonym_id, source))
        if source is not ChangeSource.NATIONAL_SYSTEM:
            return None
        return self.open_national.get(qualification_pseudonym_id)


@dataclass
class FakeFeed:
    after: int = 0

    def cursor(self) -> int:
        return self.after


@dataclass
class FakeQueue:
    sent: list[Envelope] = field(default_factory=list)

    def send(self, message: Envelope) -> None:
        self.sent.append(message)


class CountingNational(InMemoryNational):
    """The national side in memory, counting what reconciliation asks of it."""

    def __init__(self) -> None:
        super().__init__(clock=lambda: NOW)
        self.bucket_reads: list[tuple[RecordKind, int]] = []
        self.gets = 0

    def bucket(
        self, prefecture_code: str, kind: RecordKind, bucket: int
    ) -> dict[str, tuple[int, str]]:
        self.bucket_reads.append((kind, bucket))
        return super().bucket(prefecture_code, kind, bucket)

    def get(self, kind: RecordKind, record_id: str) -> NationalRecord | None:
        self.gets += 1
        return super().get(kind, record_id)


@dataclass
class ReconcileWorld:
    items: FakeItems = field(default_factory=FakeItems)
    national: CountingNational = field(default_factory=CountingNational)
    due: FakeDue = field(default_factory=FakeDue)
    reports: FakeReports = field(default_factory=FakeReports)
    conflicts: FakeConflicts = field(default_factory=FakeConflicts)
    proposals: FakeProposals = field(default_factory=FakeProposals)
    feed: FakeFeed = field(default_factory=FakeFeed)
    sync_queue: FakeQueue = field(default_factory=FakeQueue)
    refused: FakeSetAside = field(default_factory=FakeSetAside)
    delivered: int = 0
    """How many of ``due.sent`` went through the outbox already."""

    def ports(self) -> ReconcilePorts:
        return ReconcilePorts(
            ours=lambda code: FakeOurSide(self.items if code == PREFECTURE else FakeItems()),
            reports=lambda code: self.reports,
            conflicts=lambda code: self.conflicts,
            proposals=lambda code: self.proposals,
            feed=lambda code: self.feed,
            due=self.due,
            sync_queue=self.sync_queue,
            system=lambda: self.national,
        )

    def outbox(self) -> NationalPorts:
        return NationalPorts(
            items=lambda code: self.items,
            due=self.due,
            refused=self.refused,
            system=lambda: self.national,
        )

    def synced(self, item: dict[str, Any], version: int) -> None:
        """``item`` stored, and sent through the outbox as ``version``: both sides agree."""
        self.items.put(item)
        key = synced_key(item)
        assert key is not None
        send_due(due_for(key, version, removed=False), self.outbox(), lambda: NOW)

    def deliver(self) -> None:
        """The national consumer: each message not delivered yet, through the outbox."""
        for message in self.due.sent[self.delivered :]:
            send_due(message, self.outbox(), lambda: NOW)
        self.delivered = len(self.due.sent)


def run_message(at: datetime = SCHEDULED) -> NationalReconcilePrefecture:
    return NationalReconcilePrefecture(prefecture_code=PREFECTURE, scheduled_at=at)
