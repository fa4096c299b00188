"""In-memory ports of the retention job (:mod:`sync.retention_ports`): one prefecture's items,
its holds, S3 objects by version, and the queues' sent messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kentei.data.retention import DELETION_PREFIX, KindReport, RunPage, merged_reports
from kentei.heartbeat import HeartbeatReceipt
from kentei.messages import Envelope, RetentionPrefecture
from kentei.retention.kinds import RecordKind
from kentei.retention.schedule import load_retention_schedule
from kentei.retention.sweep import Doomed, Hold, StoredItem, StoredObject
from sync.retention import RunSummary
from sync.retention_ports import RetentionPorts


@dataclass
class FakePartition:
    items_by_key: dict[str, StoredItem] = field(default_factory=dict)
    reports_by_key: dict[tuple[str, str, RecordKind, int], KindReport] = field(default_factory=dict)
    pages: dict[tuple[str, str, str, int], RunPage] = field(default_factory=dict)

    def add(self, *items: StoredItem) -> None:
        self.items_by_key.update({item.record_key: item for item in items})

    def page_items(
        self,
        kind_of: Callable[[str], RecordKind],
        after: str | None,
        limit: int,
        end: str | None = None,
    ) -> tuple[list[StoredItem], str | None, bool]:
        del kind_of  # the fake's items carry their kinds
        keys = sorted(k for k in self.items_by_key if after is None or k > after)
        if end is not None:
            keys = [k for k in keys if k <= end]
            return [self.items_by_key[k] for k in keys], (keys[-1] if keys else None), False
        taken = keys[:limit]
        last = taken[-1] if taken else None
        return [self.items_by_key[k] for k in taken], last, len(keys) > limit

    def page(self, run_id: str, mode: str, phase: str, page: int) -> RunPage | None:
        return self.pages.get((run_id, mode, phase, page))

    def save_page(self, page: RunPage, at: datetime) -> RunPage:
        del at
        return self.pages.setdefault((page.run_id, page.mode, page.phase, page.page), page)

    def forget_pages(self, through_run: str) -> int:
        old = [key for key in self.pages if key[0] <= through_run]
        for key in old:
            del self.pages[key]
        return len(old)

    def run_pages(self, run_id: str, mode: str, phase: str) -> list[RunPage]:
        return [
            p
            for (r, m, f, _), p in sorted(self.pages.items())
            if (r, m, f) == (run_id, mode, phase)
        ]

    def delete(self, doomed: Doomed) -> None:
        for key in (doomed.record_key, *doomed.companions):
            self.items_by_key.pop(key, None)

    def add_to_report(
        self,
        prefix: str,
        run_id: str,
        kind: RecordKind,
        doomed: Sequence[Doomed],
        at: datetime,
        *,
        page: int = 0,
    ) -> None:
        if not doomed:
            return
        slot = (prefix, run_id, kind, page)
        before = self.reports_by_key.get(slot)
        keys = frozenset(d.record_key for d in doomed) | (before.record_keys if before else set())
        rules = frozenset(d.rule for d in doomed) | (before.rules if before else set())
        self.reports_by_key[slot] = KindReport(run_id, kind, keys, rules, at)

    def reports(self, prefix: str, run_id: str) -> list[KindReport]:
        return merged_reports(
            r for (p, i, _, _), r in self.reports_by_key.items() if (p, i) == (prefix, run_id)
        )

    def deleted(self, run_id: str) -> dict[RecordKind, frozenset[str]]:
        return {r.kind: r.record_keys for r in self.reports(DELETION_PREFIX, run_id)}


@dataclass
class FakeHolds:
    holds: list[Hold] = field(default_factory=list)

    def active(self) -> list[Hold]:
        return list(self.holds)


@dataclass
class FakeObjects:
    versions: dict[tuple[str, str], int] = field(default_factory=dict)

    def delete_every_version(self, stored: StoredObject) -> int:
        gone = [
            (bucket, key)
            for bucket, key in self.versions
            if bucket == stored.bucket
            and (key.startswith(stored.key) if stored.prefix else key == stored.key)
        ]
        return sum(self.versions.pop(one) for one in gone)


@dataclass
class FakeQueue:
    sent: list[Envelope] = field(default_factory=list)

    def send(self, message: Envelope) -> None:
        self.sent.append(message)


class FakeHeartbeats:
    """Each function's latest heartbeat, as the system partition keeps them."""

    def __init__(self) -> None:
        self.latest: dict[str, HeartbeatReceipt] = {}

    def received(self) -> list[HeartbeatReceipt]:
        return list(self.latest.values())

    def forget(self, receipt: HeartbeatReceipt) -> None:
        if self.latest.get(receipt.function) == receipt:
            del self.latest[receipt.function]


@dataclass
class RetentionWorld:
    partition: FakePartition = field(default_factory=FakePartition)
    holds: FakeHolds = field(default_factory=FakeHolds)
    objects: FakeObjects = field(default_factory=FakeObjects)
    sync_queue: FakeQueue = field(default_factory=FakeQueue)
    verify_queue: FakeQueue = field(default_factory=FakeQueue)
    heartbeats: FakeHeartbeats = field(default_factory=FakeHeartbeats)

    page_items: int = 1000

    def ports(self) -> RetentionPorts:
        from kentei.data.record_kinds import kind_of

        return RetentionPorts(
            partition=lambda _code: self.partition,
            holds=lambda _code: self.holds,
            objects=self.objects,
            schedule=load_retention_schedule,
            kind_of=kind_of,
            sync_queue=self.sync_queue,
            verify_queue=self.verify_queue,
            heartbeats=self.heartbeats,
            page_items=self.page_items,
        )

    def run(self, message: RetentionPrefecture) -> list[RunSummary]:
        """The message and every page it leads to (sync's queue drained of the run's pages),
        one summary each."""
        from sync.retention import run_prefecture

        summaries = [run_prefecture(message, self.ports())]
        while pages := [m for m in self.sync_queue.sent if isinstance(m, RetentionPrefecture)]:
            self.sync_queue.sent = [m for m in self.sync_queue.sent if m not in pages]
            summaries += [run_prefecture(page, self.ports()) for page in pages]
        return summaries
