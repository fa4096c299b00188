"""In-memory ports of the national outbox (:mod:`sync.national_ports`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from kentei.catalog import NATIONAL_SYNCED_PREFIXES
from kentei.data.national_sync import SentMark
from kentei.exams.catalogue import load_catalogue
from kentei.exams.rounds import load_rounds
from kentei.messages import NationalRecordDue
from kentei.national.model import NationalChange, NationalRecord, Receipt, RecordKind
from kentei.results.rules import load_pass_rules
from sync.dependencies import Dependencies
from sync.national_ports import NationalPorts

AT: Final = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@dataclass
class FakeItems:
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    marks: dict[tuple[str, str], SentMark] = field(default_factory=dict)
    suspended: set[str] = field(default_factory=set)
    """Whose use is suspended in the prefecture (利用停止)."""

    def suspended_persons(self) -> frozenset[str]:
        return frozenset(self.suspended)

    def put(self, item: dict[str, Any]) -> None:
        assert item["record_key"]["S"].startswith(NATIONAL_SYNCED_PREFIXES)
        self.items[item["record_key"]["S"]] = item

    def item(self, record_key: str) -> dict[str, Any] | None:
        return self.items.get(record_key)

    def sent(self, kind: str, record_id: str) -> SentMark | None:
        return self.marks.get((kind, record_id))

    def mark_sent(self, mark: SentMark) -> bool:
        held = self.marks.get((mark.kind, mark.record_id))
        if held is not None and held.version >= mark.version:
            return False
        self.marks[(mark.kind, mark.record_id)] = mark
        return True


@dataclass
class FakeNational:
    """Applies newer versions; ``faults`` are raised, one per put, before anything else."""

    held: dict[tuple[str, str], NationalRecord] = field(default_factory=dict)
    received: list[NationalRecord] = field(default_factory=list)
    faults: list[Exception | None] = field(default_factory=list)

    def put(self, record: NationalRecord) -> Receipt:
        if self.faults:
            fault = self.faults.pop(0)
            if fault is not None:
                raise fault
        self.received.append(record)
        current = self.held.get(record.key)
        if current is not None and current.version >= record.version:
            outcome, held = "stale", current.version
        else:
            self.held[record.key] = record
            outcome, held = "applied", record.version
        return Receipt(
            kind=record.kind,
            record_id=record.record_id,
            version=record.version,
            outcome=outcome,
            held_version=held,
        )

    def get(self, kind: RecordKind, record_id: str) -> NationalRecord | None:
        return self.held.get((kind.value, record_id))

    def changes(
        self, prefecture_code: str, after: int, limit: int = 100
    ) -> Sequence[NationalChange]:
        return ()

    def digests(self, prefecture_code: str, kind: RecordKind) -> dict[int, str]:
        return {}

    def bucket(
        self, prefecture_code: str, kind: RecordKind, bucket: int
    ) -> dict[str, tuple[int, str]]:
        return {}


@dataclass
class FakeDue:
    sent: list[NationalRecordDue] = field(default_factory=list)
    fail_at: int | None = None
    """The index of the send that fails (a throttled SQS, say)."""

    def send(self, message: NationalRecordDue) -> None:
        if self.fail_at is not None and len(self.sent) == self.fail_at:
            raise RuntimeError("the queue is unavailable")
        self.sent.append(message)


@dataclass
class FakeSetAside:
    set_aside: list[tuple[NationalRecordDue, str]] = field(default_factory=list)

    def send(self, message: NationalRecordDue, error: str) -> None:
        self.set_aside.append((message, error))


@dataclass
class FakeBackoff:
    later: list[tuple[str, int]] = field(default_factory=list)

    def retry_in(self, receipt_handle: str, seconds: int) -> None:
        self.later.append((receipt_handle, seconds))


@dataclass
class NationalWorld:
    items: FakeItems = field(default_factory=FakeItems)
    national: FakeNational = field(default_factory=FakeNational)
    due: FakeDue = field(default_factory=FakeDue)
    refused: FakeSetAside = field(default_factory=FakeSetAside)
    backoff: FakeBackoff = field(default_factory=FakeBackoff)

    def ports(self) -> NationalPorts:
        return NationalPorts(
            items=lambda prefecture: self.items,
            due=self.due,
            refused=self.refused,
            system=lambda: self.national,
            backoff=self.backoff,
        )

    def dependencies(self) -> Dependencies:
        return Dependencies(
            catalogue=load_catalogue,
            rounds=load_rounds,
            rules=load_pass_rules,
            clock=lambda: AT,
            national=self.ports(),
        )
