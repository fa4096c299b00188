"""What reconciliation with the national system (:mod:`sync.national_reconcile`) works with:
ports, and their deployed (or local) adapters over the records table, sync's queue, the FIFO
national queue and the national qualifications system."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sync.national_ports import DueQueue
from sync.results_ports import Queue

if TYPE_CHECKING:  # types only: sync's results messages never load reconciliation's modules
    from kentei.data.audit import AuditEvent
    from kentei.data.national_sync import SentMark
    from kentei.national.conflicts import NationalConflict
    from kentei.national.port import NationalSystem
    from kentei.national.reconciliation import ReconcileReport
    from kentei.roster.changes import ChangeSource, Proposal


class OurSide(Protocol):
    """One prefecture's synced items and sent marks
    (:class:`kentei.data.national_sync.PrefectureNationalSync`)."""

    def synced_items(self) -> Iterable[dict[str, Any]]: ...

    def sent_marks(self) -> Iterable[SentMark]: ...

    def has_synced(self) -> bool: ...

    def suspended_persons(self) -> frozenset[str]: ...


class Reports(Protocol):
    """One prefecture's run reports
    (:class:`kentei.data.national_reconcile.PrefectureNationalReconcile`)."""

    def report(self, run_id: str) -> ReconcileReport | None: ...

    def keep(self, report: ReconcileReport) -> bool: ...


class Conflicts(Protocol):
    """One prefecture's conflicts (:class:`kentei.data.national_conflicts.
    PrefectureNationalConflicts`): ``open`` keeps one with its audit entries, and raises
    ``ConflictOpenAlreadyError`` when the record has an open one."""

    def open_persons(self) -> frozenset[str]: ...

    def open(self, conflict: NationalConflict, audit: Sequence[AuditEvent] = ()) -> None: ...


class Proposals(Protocol):
    """One prefecture's change proposals (:class:`kentei.data.changes.PrefectureChanges`)."""

    def open_proposal(
        self, qualification_pseudonym_id: str, source: ChangeSource = ...
    ) -> Proposal | None: ...


class Feed(Protocol):
    """Where the pull has read the national side's feed up to
    (:class:`kentei.data.national_pull.PrefectureNationalFeed`)."""

    def cursor(self) -> int: ...


@dataclass(frozen=True)
class ReconcilePorts:
    ours: Callable[[str], OurSide]
    """By prefecture."""
    reports: Callable[[str], Reports]
    conflicts: Callable[[str], Conflicts]
    proposals: Callable[[str], Proposals]
    feed: Callable[[str], Feed]
    due: DueQueue
    """The FIFO national queue: a record sent again goes in order with the person's others."""
    sync_queue: Queue
    """Sync's own queue: one run per prefecture."""
    system: Callable[[], NationalSystem]


def deployed() -> ReconcilePorts:
    # Imported here, as the other parts' ports: the stores (boto3) when the ports are built.
    from kentei.data.changes import PrefectureChanges
    from kentei.data.national_conflicts import PrefectureNationalConflicts
    from kentei.data.national_pull import PrefectureNationalFeed
    from kentei.data.national_reconcile import PrefectureNationalReconcile
    from kentei.data.national_sync import PrefectureNationalSync
    from sync.national_ports import _DueQueue as SqsDueQueue  # the outbox's own adapter
    from sync.national_ports import national_system
    from sync.results_ports import _SqsQueue as SqsQueue  # sync's one SQS adapter

    return ReconcilePorts(
        ours=PrefectureNationalSync,
        reports=PrefectureNationalReconcile,
        conflicts=PrefectureNationalConflicts,
        proposals=PrefectureChanges,
        feed=PrefectureNationalFeed,
        due=SqsDueQueue(),
        sync_queue=SqsQueue("sync"),
        system=national_system,
    )
