"""What deciding and announcing results (:mod:`sync.decisions`, :mod:`sync.announcements`)
work with: ports, and their deployed (or local) adapters over the records and audit tables
and the sync queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kentei.data.audit import AuditEvent
from kentei.data.results import StoredScore
from kentei.exemptions.model import PassRecord
from kentei.messages import Envelope
from kentei.results.passes import DecidedSitting
from kentei.results.runs import ResultsRun, RunKind
from kentei.roster.sitting import Sitting


class Roster(Protocol):
    """One prefecture's roster (:class:`kentei.data.roster.PrefectureRoster`)."""

    def registered_in(self, round_key: str) -> list[Sitting]: ...


class Scores(Protocol):
    """One prefecture's scores (:class:`kentei.data.results.PrefectureScores`)."""

    def scores_of(self, application_id: str) -> list[StoredScore]: ...


class Passes(Protocol):
    """One prefecture's decisions and passes (:class:`kentei.data.passes.PrefecturePasses`)."""

    def decision(self, group_key: str, application_id: str) -> DecidedSitting | None: ...

    def put_decision(self, decided: DecidedSitting) -> None: ...

    def decisions(self, group_key: str) -> list[DecidedSitting]: ...

    def announce(
        self,
        decided: DecidedSitting,
        passed_on: dt.date,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> PassRecord | None: ...

    def record_run(self, run: ResultsRun) -> None: ...

    def run(self, group_key: str, kind: RunKind) -> ResultsRun | None: ...


class Audit(Protocol):
    def record(self, event: AuditEvent) -> None: ...


class Queue(Protocol):
    def send(self, message: Envelope) -> None: ...


@dataclass(frozen=True)
class ResultsPorts:
    roster: Callable[[str], Roster]
    """By prefecture."""
    scores: Callable[[str], Scores]
    """By prefecture."""
    passes: Callable[[str], Passes]
    """By prefecture."""
    audit: Audit
    sync_queue: Queue
    """An announcement's next page."""
    certify_queue: Queue
    """An announcement page's passes (``passes_announced``): certify issues their
    certificates."""


class _AuditTrail:
    """The audit trail, found in the environment when an entry is first written."""

    def record(self, event: AuditEvent) -> None:
        from kentei.data.audit import AuditTrail

        AuditTrail().record(event)


class _SqsQueue:
    def __init__(self, name: str) -> None:
        self._name = name

    def send(self, message: Envelope) -> None:
        from kentei.data.queues import send

        send(self._name, message)


def deployed() -> ResultsPorts:
    from kentei.data.passes import PrefecturePasses
    from kentei.data.results import PrefectureScores
    from kentei.data.roster import PrefectureRoster

    return ResultsPorts(
        roster=PrefectureRoster,
        scores=PrefectureScores,
        passes=PrefecturePasses,
        audit=_AuditTrail(),
        sync_queue=_SqsQueue("sync"),
        certify_queue=_SqsQueue("certify"),
    )
