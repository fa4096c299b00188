"""What sync works with: its ports, and their deployed (or local) adapters.

:func:`dependencies` builds them once per container (the catalogue, rules and schemes are
read once). Tests pass their own :class:`Dependencies` (in-memory fakes) to the logic
(:mod:`sync.decisions`, :mod:`sync.announcements`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Protocol

from kentei.data.audit import AuditEvent
from kentei.data.results import StoredScore
from kentei.exams.catalogue import Catalogue
from kentei.exams.rounds import Rounds
from kentei.exemptions.model import PassRecord
from kentei.messages import Envelope
from kentei.results.passes import DecidedSitting
from kentei.results.rules import PassRules
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


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Dependencies:
    catalogue: Callable[[], Catalogue]
    rounds: Callable[[], Rounds]
    rules: Callable[[], PassRules]
    clock: Callable[[], datetime]
    roster: Callable[[str], Roster]
    scores: Callable[[str], Scores]
    passes: Callable[[str], Passes]
    audit: Audit
    sync_queue: Queue


class _SqsQueue:
    def __init__(self, name: str) -> None:
        self._name = name

    def send(self, message: Envelope) -> None:
        from kentei.data.queues import send

        send(self._name, message)


@cache
def dependencies() -> Dependencies:
    from kentei.data.audit import AuditTrail
    from kentei.data.passes import PrefecturePasses
    from kentei.data.results import PrefectureScores
    from kentei.data.roster import PrefectureRoster
    from kentei.exams.catalogue import load_catalogue
    from kentei.exams.rounds import load_rounds
    from kentei.results.rules import load_pass_rules

    return Dependencies(
        catalogue=load_catalogue,
        rounds=load_rounds,
        rules=load_pass_rules,
        clock=utc_now,
        roster=PrefectureRoster,
        scores=PrefectureScores,
        passes=PrefecturePasses,
        audit=AuditTrail(),
        sync_queue=_SqsQueue("sync"),
    )
