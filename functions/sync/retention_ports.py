"""What the retention job (:mod:`sync.retention`) works with: ports, and their deployed (or
local) adapters over the records table, the attachments and certificates buckets, sync's
queue and verify's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sync.results_ports import Queue

if TYPE_CHECKING:  # types only: sync's results messages never load the retention modules
    from kentei.data.retention import KindReport, RunPage
    from kentei.heartbeat import HeartbeatReceipt
    from kentei.retention.kinds import RecordKind
    from kentei.retention.schedule import RetentionSchedule
    from kentei.retention.sweep import Doomed, Hold, StoredItem, StoredObject


class Partition(Protocol):
    """One prefecture's items (:class:`kentei.data.retention.PrefectureRetention`)."""

    def page_items(
        self,
        kind_of: Callable[[str], RecordKind],
        after: str | None,
        limit: int,
        end: str | None = None,
    ) -> tuple[list[StoredItem], str | None, bool]: ...

    def page(self, run_id: str, mode: str, phase: str, page: int) -> RunPage | None: ...

    def save_page(self, page: RunPage, at: datetime) -> RunPage: ...

    def run_pages(self, run_id: str, mode: str, phase: str) -> list[RunPage]: ...

    def forget_pages(self, through_run: str) -> int:
        """Delete the page records of runs up to ``through_run`` (a run id); how many."""
        ...

    def delete(self, doomed: Doomed) -> None: ...

    def add_to_report(
        self,
        prefix: str,
        run_id: str,
        kind: RecordKind,
        doomed: Sequence[Doomed],
        at: datetime,
        *,
        page: int = 0,
    ) -> None: ...

    def reports(self, prefix: str, run_id: str) -> list[KindReport]: ...


class Holds(Protocol):
    """One prefecture's legal holds in force (:class:`kentei.data.retention.
    PrefectureLegalHolds`)."""

    def active(self) -> list[Hold]: ...


class Objects(Protocol):
    """S3 objects with every version (:class:`kentei.data.retention.StoredObjects`)."""

    def delete_every_version(self, stored: StoredObject) -> int: ...


class Heartbeats(Protocol):
    """The functions' latest heartbeats (:class:`kentei.data.heartbeats.DynamoHeartbeatStore`),
    in the system partition no prefecture's run reads."""

    def received(self) -> list[HeartbeatReceipt]: ...

    def forget(self, receipt: HeartbeatReceipt) -> None: ...


@dataclass(frozen=True)
class RetentionPorts:
    partition: Callable[[str], Partition]
    """By prefecture."""
    holds: Callable[[str], Holds]
    objects: Objects
    schedule: Callable[[], RetentionSchedule]
    kind_of: Callable[[str], RecordKind]
    sync_queue: Queue
    """Sync's own queue: one run per prefecture."""
    verify_queue: Queue
    """Verify's: a vault entry to release."""
    heartbeats: Heartbeats
    page_items: int = 1000
    """Items one message reads (a page of a phase): bounds its time and memory."""


def deployed() -> RetentionPorts:
    # Imported here, as the other parts' ports: the stores (boto3) when the ports are built.
    from kentei.data.heartbeats import DynamoHeartbeatStore
    from kentei.data.record_kinds import kind_of
    from kentei.data.retention import PrefectureLegalHolds, PrefectureRetention, StoredObjects
    from kentei.retention.schedule import load_retention_schedule
    from sync.results_ports import _SqsQueue as SqsQueue  # sync's one SQS adapter

    return RetentionPorts(
        partition=PrefectureRetention,
        holds=PrefectureLegalHolds,
        objects=StoredObjects(),
        schedule=load_retention_schedule,
        kind_of=kind_of,
        sync_queue=SqsQueue("sync"),
        verify_queue=SqsQueue("verify"),
        heartbeats=DynamoHeartbeatStore(),
    )
