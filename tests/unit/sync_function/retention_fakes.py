"""In-memory ports of the retention job (:mod:`sync.retention_ports`): one prefecture's items,
its holds, S3 objects by version, and the queues' sent messages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kentei.data.retention import DELETION_PREFIX, KindReport
from kentei.messages import Envelope
from kentei.retention.kinds import RecordKind
from kentei.retention.schedule import load_retention_schedule
from kentei.retention.sweep import Doomed, Hold, StoredItem, StoredObject
from sync.retention_ports import RetentionPorts


@dataclass
class FakePartition:
    items_by_key: dict[str, StoredItem] = field(default_factory=dict)
    reports_by_key: dict[tuple[str, str, RecordKind], KindReport] = field(default_factory=dict)

    def add(self, *items: StoredItem) -> None:
        self.items_by_key.update({item.record_key: item for item in items})

    def items(self, kind_of: Callable[[str], RecordKind]) -> Iterable[StoredItem]:
        del kind_of  # the fake's items carry their kinds
        return list(self.items_by_key.values())

    def delete(self, doomed: Doomed) -> None:
        for key in (doomed.record_key, *doomed.companions):
            self.items_by_key.pop(key, None)

    def add_to_report(
        self, prefix: str, run_id: str, kind: RecordKind, doomed: Sequence[Doomed], at: datetime
    ) -> None:
        if not doomed:
            return
        before = self.reports_by_key.get((prefix, run_id, kind))
        keys = frozenset(d.record_key for d in doomed) | (before.record_keys if before else set())
        rules = frozenset(d.rule for d in doomed) | (before.rules if before else set())
        self.reports_by_key[(prefix, run_id, kind)] = KindReport(run_id, kind, keys, rules, at)

    def reports(self, prefix: str, run_id: str) -> list[KindReport]:
        return [r for (p, i, _), r in self.reports_by_key.items() if (p, i) == (prefix, run_id)]

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


@dataclass
class RetentionWorld:
    partition: FakePartition = field(default_factory=FakePartition)
    holds: FakeHolds = field(default_factory=FakeHolds)
    objects: FakeObjects = field(default_factory=FakeObjects)
    sync_queue: FakeQueue = field(default_factory=FakeQueue)
    verify_queue: FakeQueue = field(default_factory=FakeQueue)

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
        )
