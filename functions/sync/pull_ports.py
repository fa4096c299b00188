"""What the national pull (:mod:`sync.national_pull`) works with: the prefecture's side of the
feed (:class:`kentei.data.national_pull.PrefectureNationalFeed`), sync's own queue, and the
national system's adapter (shared with the outbox: :func:`sync.national_ports.national_system`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # types only: sync's results messages never load the pull's modules
    from kentei.data.audit import AuditEvent
    from kentei.data.national_sync import SentMark
    from kentei.data.roster import StoredExaminee
    from kentei.messages import NationalChangesPull
    from kentei.national.conflicts import NationalConflict
    from kentei.national.model import FeedEntry
    from kentei.roster.changes import Proposal


class FeedSide(Protocol):
    """One prefecture's cursor, claims and what a change is compared with."""

    def cursor(self) -> int: ...

    def advance(self, after: int, at: datetime) -> bool: ...

    def taken(self, sequence: int) -> str | None: ...

    def take(
        self,
        sequence: int,
        *,
        outcome: str,
        person: str,
        at: datetime,
        reference: str | None = None,
    ) -> bool:
        """Claim a change that became nothing to store (``same``, ``unknown_person``)."""
        ...

    def examinee(self, person: str) -> StoredExaminee | None: ...

    def sent(self, person: str) -> SentMark | None: ...

    def open_proposal(self, person: str) -> Proposal | None: ...

    def propose(
        self,
        sequence: int,
        proposal: Proposal,
        superseding: Proposal | None,
        audit: Sequence[AuditEvent] = (),
    ) -> bool: ...

    def keep_conflict(
        self, sequence: int, conflict: NationalConflict, audit: Sequence[AuditEvent] = ()
    ) -> bool: ...


class ChangeFeed(Protocol):
    """What the pull asks of the national system
    (:meth:`kentei.national.port.NationalSystem.changes`)."""

    def changes(
        self, prefecture_code: str, after: int, limit: int = 100
    ) -> Sequence[FeedEntry]: ...


class PullQueue(Protocol):
    """Sync's own queue: a prefecture's pull (the schedule's fan-out, or the next round)."""

    def send(self, message: NationalChangesPull) -> None: ...


@dataclass(frozen=True)
class PullPorts:
    feed: Callable[[str], FeedSide]
    """By prefecture."""
    has_examinees: Callable[[str], bool]
    queue: PullQueue
    system: Callable[[], ChangeFeed]
    """The national system's adapter (the outbox's, built on first use)."""


class _SyncQueue:
    def send(self, message: NationalChangesPull) -> None:
        from kentei.data.queues import send

        send("sync", message)


def _has_examinees(prefecture_code: str) -> bool:
    from kentei.data.changes import PrefectureChanges

    return PrefectureChanges(prefecture_code).has_examinees()


def deployed() -> PullPorts:
    from kentei.data.national_pull import PrefectureNationalFeed
    from sync.national_ports import national_system

    return PullPorts(
        feed=PrefectureNationalFeed,
        has_examinees=_has_examinees,
        queue=_SyncQueue(),
        system=national_system,
    )
