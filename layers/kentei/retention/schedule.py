"""The retention schedule (保存期間表) as data: per record kind, with prefectures' own periods.

``schedule.json`` beside this module holds, for every :class:`~kentei.retention.kinds.
RecordKind`, its period, how the period is counted and from which event, what deletes it,
what it must outlive (``kept_while``), whether a legal hold (訴訟ホールド) stops its deletion,
its basis and source, and whether that is confirmed; and, per prefecture whose rules differ,
its own period for a kind. Validated when read and at build time (``python -m
kentei.retention check``, which ``make lint`` runs): every kind present, no period below its
minimum (:data:`kentei.retention.minimums.MINIMUMS`), no unknown kind, event or prefecture.

:func:`deletable_from` and :func:`due` answer for the shipped schedule.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from importlib import resources
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.retention import periods
from kentei.retention.kinds import Counting, DeletedBy, Event, RecordKind
from kentei.retention.minimums import MINIMUMS
from kentei.retention.periods import PERMANENT, FiscalYearStart, Period, Permanent

SCHEDULE_FILE: Final = "schedule.json"
DEFAULT: Final = "default"
_PREFECTURE: Final = re.compile(r"0[1-9]|[1-3][0-9]|4[0-7]")
_MACHINE_DELETION: Final = frozenset({DeletedBy.S3_LIFECYCLE, DeletedBy.LOG_RETENTION})
"""Mechanisms that count days from the write and know no prefecture."""


class Entry(BaseModel):
    """One kind's retention, as the default schedule holds it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    period: Period | Permanent
    counting: Counting | None = Field(None, description="None: the schedule's counting")
    event: Event
    deleted_by: DeletedBy
    kept_while: tuple[RecordKind, ...] = Field(
        (), description="never deleted while a record of these kinds of the person remains"
    )
    purpose_bound: bool = Field(
        False,
        description="deleted as soon as its purpose ends (番号法 第20条), the period being the "
        "latest: its owner's deletion before the end is not early",
    )
    hold: bool = Field(description="a legal hold stops its deletion")
    basis: str = Field(min_length=1)
    source: str = Field(min_length=1)
    unconfirmed: bool

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        permanent = self.period == PERMANENT
        if permanent != (self.event is Event.PERMANENT):
            raise ValueError("a permanent period runs from the event permanent, and only it")
        if permanent != (self.deleted_by is DeletedBy.NEVER):
            raise ValueError("deleted_by never is for a permanent period, and only it")
        if self.counting is not None:
            problem = periods.counting_problem(self.period, self.counting)
            if problem:
                raise ValueError(problem)
        if self.deleted_by in _MACHINE_DELETION and self.counting is not Counting.ELAPSED:
            raise ValueError(f"{self.deleted_by.value} counts elapsed days: counting elapsed")
        return self


class Override(BaseModel):
    """A prefecture's own period for a kind (its 文書管理規則 or 保存期間表)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    period: Period | Permanent
    source: str = Field(min_length=1)
    unconfirmed: bool


class Rule(BaseModel):
    """What applies to a kind in a prefecture: the default entry with its period resolved."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    kind: RecordKind
    scope: str
    """The prefecture code whose override applies, or ``default``."""
    period: Period | Permanent
    counting: Counting
    entry: Entry

    def deletable_from(
        self, event_at: dt.datetime, fiscal_year_start: FiscalYearStart
    ) -> dt.datetime | None:
        return periods.deletable_from(self.period, self.counting, event_at, fiscal_year_start)


class RetentionSchedule(BaseModel):
    """The shipped table: the default for every kind and the prefectures' own periods."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    unconfirmed: bool
    maintained_by: str = Field(min_length=1)
    provenance: tuple[str, ...] = Field(min_length=1)
    counting: Counting
    """How periods are counted where an entry does not say."""
    fiscal_year_start: FiscalYearStart
    default: Mapping[RecordKind, Entry]
    prefectures: Mapping[str, Mapping[RecordKind, Override]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _valid(self) -> RetentionSchedule:
        missing = [kind.value for kind in RecordKind if kind not in self.default]
        if missing:
            raise ValueError(f"no entry for {', '.join(missing)}")
        for kind, entry in self.default.items():
            self._check(DEFAULT, kind, entry.period)
            if kind in entry.kept_while:
                raise ValueError(f"{kind.value}: kept while itself")
            problem = periods.counting_problem(entry.period, self.counting_of(entry))
            if problem:
                raise ValueError(f"{kind.value}: {problem}")
        for code, overrides in self.prefectures.items():
            if not _PREFECTURE.fullmatch(code):
                raise ValueError(f"{code!r} is not a prefecture code")
            for kind, override in overrides.items():
                if not MINIMUMS[kind].prefectural:
                    raise ValueError(f"{code}.{kind.value}: one period for every prefecture")
                entry = self.default[kind]
                if (override.period == PERMANENT) != (entry.period == PERMANENT):
                    raise ValueError(f"{code}.{kind.value}: permanent only where the default is")
                problem = periods.counting_problem(override.period, self.counting_of(entry))
                if problem:
                    raise ValueError(f"{code}.{kind.value}: {problem}")
                self._check(code, kind, override.period)
        return self

    def counting_of(self, entry: Entry) -> Counting:
        return self.counting if entry.counting is None else entry.counting

    def _check(self, scope: str, kind: RecordKind, period: Period | Permanent) -> None:
        minimum = MINIMUMS[kind]
        counting = self.counting_of(self.default[kind])
        if not periods.at_least(period, counting, minimum.period, minimum.counting):
            least = (
                PERMANENT
                if minimum.period == PERMANENT
                else f"{minimum.period} ({minimum.counting.value})"
            )
            raise ValueError(
                f"{scope}.{kind.value}: {period} ({counting.value}) is shorter than the "
                f"minimum {least}: {minimum.why}"
            )

    def rule(self, kind: RecordKind, prefecture_code: str | None) -> Rule:
        """The rule for ``kind`` in the prefecture (None: the default)."""
        entry = self.default[kind]
        override = None
        if prefecture_code is not None:
            override = self.prefectures.get(prefecture_code, {}).get(kind)
        return Rule(
            kind=kind,
            scope=DEFAULT if override is None else str(prefecture_code),
            period=entry.period if override is None else override.period,
            counting=self.counting_of(entry),
            entry=entry,
        )

    def deletable_from(
        self, kind: RecordKind, event_at: dt.datetime, prefecture_code: str | None
    ) -> dt.datetime | None:
        """The first instant a record of ``kind`` whose event was at ``event_at`` may be
        deleted in the prefecture, in JST; None when it is kept for good."""
        return self.rule(kind, prefecture_code).deletable_from(event_at, self.fiscal_year_start)

    def due(
        self,
        kind: RecordKind,
        event_at: dt.datetime,
        prefecture_code: str | None,
        now: dt.datetime,
    ) -> bool:
        """Whether such a record's period has ended at ``now`` (a legal hold aside)."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
        first = self.deletable_from(kind, event_at, prefecture_code)
        return first is not None and now >= first

    def elapsed_days(self, kind: RecordKind) -> int:
        """The days a kind counted as elapsed time is kept (what a TTL, lifecycle or log
        retention sets); a kind counted otherwise has none."""
        entry = self.default[kind]
        if self.counting_of(entry) is not Counting.ELAPSED or not isinstance(entry.period, Period):
            raise ValueError(f"{kind.value} is not kept for elapsed days")
        return entry.period.days


def shipped_text() -> str:
    return resources.files(__package__).joinpath(SCHEDULE_FILE).read_text(encoding="utf-8")


@functools.cache
def load_retention_schedule() -> RetentionSchedule:
    """The shipped schedule, read and validated once."""
    return RetentionSchedule.model_validate_json(shipped_text())


def deletable_from(
    kind: RecordKind, event_at: dt.datetime, prefecture_code: str | None
) -> dt.datetime | None:
    """:meth:`RetentionSchedule.deletable_from` of the shipped schedule."""
    return load_retention_schedule().deletable_from(kind, event_at, prefecture_code)


def due(
    kind: RecordKind, event_at: dt.datetime, prefecture_code: str | None, now: dt.datetime
) -> bool:
    """:meth:`RetentionSchedule.due` of the shipped schedule."""
    return load_retention_schedule().due(kind, event_at, prefecture_code, now)
