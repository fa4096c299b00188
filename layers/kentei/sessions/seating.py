"""Seats (R8): accepted sittings seated in the sessions of the parts they sit, up to capacity.

A sitting needs one seat per session part it sits (:func:`needed_parts`): the written test if
it sits 学科, and one per practical component of its grade if it sits 実技. For one part, the
sessions it may be seated in are its family (same round, work, grade and part), tried in
order of date, then start time.

Order (:func:`seating_order`): by acceptance, group applications (団体申込) kept together. The
caller passes ``group_of`` (sitting → group id or None): :func:`group_of` reads the sitting's
own (its 受検申請団体コード when its 団体・個人の別 is 団体, copied from the application at
registration). A group is one unit, placed at the acceptance of its first member, its
members in their own order of acceptance. A unit goes first to the earliest session with room
for all of its members still to seat; failing that, member by member to the earliest session
with room, each next member first trying the session the previous one got: a group is split
rather than left waiting while seats are free.

Each seat is one conditional write in the store (:class:`SeatStore`): it fails cleanly when
the session filled up meanwhile, and the sitting tries the next session of the family; a
sitting that fits nowhere waits, and the store lists the waiting sittings of a family. The
plan works on seat counts read before it starts, so concurrent assignments only cost it
failed attempts, never an extra seat. Staff may move one seated sitting to another session of
the same family (:func:`move`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from kentei.exams.catalogue import Catalogue
from kentei.exams.grades import TRADE_WIDE_GRADES, content_grade
from kentei.roster.sitting import Part, Sitting, SittingStatus
from kentei.sessions.errors import SeatRefusedError, SessionNotFoundError
from kentei.sessions.model import ExamSession, Family, SessionPart

GroupOf = Callable[[Sitting], "str | None"]
"""The group application (団体申込) a sitting came with, or None for an individual one."""


class SeatOutcome(StrEnum):
    SEATED = "seated"
    """The seat is taken (or moved)."""
    FULL = "full"
    """The session has no free seat (no write happened)."""
    ALREADY_SEATED = "already_seated"
    """The sitting already has a seat for this part (no write happened)."""
    NOT_SEATABLE = "not_seatable"
    """The sitting is not on the roster (any more): deleted or unknown (no write happened)."""


class SeatStatus(StrEnum):
    """What staff see per sitting and part."""

    SEATED = "seated"
    WAITING = "waiting"


@dataclass(frozen=True)
class SeatedSitting:
    """A sitting with its seats as stored. The roster's sitting JSON is never rewritten by
    seating: its ``sessions`` stays as registered; the seats live beside it (the
    ``session_<part>`` attributes of the sitting item), and readers take them from here."""

    sitting: Sitting
    seats: Mapping[SessionPart, str] = field(default_factory=dict)

    def status(self, part: SessionPart) -> SeatStatus:
        return SeatStatus.SEATED if part in self.seats else SeatStatus.WAITING


class SeatStore(Protocol):
    """The seats of one prefecture (:class:`kentei.data.sessions.PrefectureSessions`)."""

    def family_sessions(self, family: Family) -> list[ExamSession]:
        """The family's sessions with their current seat counts."""
        ...

    def session(self, exam_round_key: str, session_id: str) -> ExamSession | None: ...

    def take_seat(
        self, session: ExamSession, sitting: Sitting, part: SessionPart, at: datetime
    ) -> SeatOutcome:
        """One atomic write: a seat in ``session`` if it has one free and the sitting none
        for ``part`` yet."""
        ...

    def move_seat(
        self,
        sitting: Sitting,
        part: SessionPart,
        source: ExamSession,
        target: ExamSession,
        at: datetime,
    ) -> SeatOutcome:
        """One atomic write: the seat in ``source`` released and one in ``target`` taken;
        FULL when ``target`` has none free; :class:`SeatRefusedError` when the sitting is not
        seated in ``source``."""
        ...

    def seated_sitting(
        self, qualification_pseudonym_id: str, application_id: str
    ) -> SeatedSitting | None: ...

    def family_sittings(self, family: Family) -> list[SeatedSitting]:
        """The registered sittings of the family (they sit its part), with their seats."""
        ...


def needed_parts(sitting: Sitting, catalogue: Catalogue) -> tuple[SessionPart, ...]:
    """The session parts ``sitting`` needs a seat for: 学科, and each practical component."""
    needed: list[SessionPart] = []
    if Part.WRITTEN in sitting.parts:
        needed.append(SessionPart.WRITTEN)
    if Part.PRACTICAL in sitting.parts:
        offer = catalogue.offer(sitting.trade_code, _work_of(sitting), sitting.grade)
        for component in offer.practical:
            part = SessionPart.of_component(component.kind)
            if part not in needed:
                needed.append(part)
    return tuple(needed)


def family_of(sitting: Sitting, part: SessionPart) -> Family:
    """The family of sessions ``sitting`` may be seated in for ``part``."""
    return Family(
        exam_round=sitting.exam_round,
        trade_code=sitting.trade_code,
        work_code=_work_of(sitting),
        grade=sitting.grade,
        part=part,
    )


def in_family(sitting: Sitting, family: Family) -> bool:
    """Whether ``sitting`` is of the family's round, work and grade, and sits its part."""
    return (
        sitting.status is SittingStatus.REGISTERED
        and family_of(sitting, family.part) == family
        and family.part.part in sitting.parts
    )


def _work_of(sitting: Sitting) -> str | None:
    """特級 is offered by the trade: its sessions name no work."""
    return None if content_grade(sitting.grade) in TRADE_WIDE_GRADES else sitting.work_code


def seating_order(sittings: Iterable[Sitting], group_of: GroupOf) -> list[tuple[Sitting, ...]]:
    """Units to seat, in order: a group's members together at the acceptance of its first
    member, an individual on their own; ties broken by application id (ULIDs: time order)."""

    def key(sitting: Sitting) -> tuple[datetime, str]:
        return sitting.accepted_at, sitting.application_id

    units: dict[str, list[Sitting]] = {}
    for sitting in sorted(sittings, key=key):
        group = group_of(sitting)
        unit = f"group:{group}" if group is not None else f"one:{sitting.application_id}"
        units.setdefault(unit, []).append(sitting)
    return sorted((tuple(members) for members in units.values()), key=lambda u: key(u[0]))


def preferences(
    sessions: Sequence[ExamSession],
    free: Mapping[str, int],
    still_to_seat: int,
    previous: str | None = None,
) -> list[ExamSession]:
    """The sessions to try for the next member of a unit: the one the previous member got,
    then those with room for all still to seat, then the others with room, each by order."""
    ordered = sorted((s for s in sessions if free.get(s.session_id, 0) > 0), key=lambda s: s.order)
    first = [s for s in ordered if s.session_id == previous]
    whole = [s for s in ordered if s.session_id != previous and free[s.session_id] >= still_to_seat]
    rest = [s for s in ordered if s not in first and s not in whole]
    return [*first, *whole, *rest]


@dataclass
class Assignment:
    """What one run of :func:`assign` did, by application id."""

    seated: dict[str, str] = field(default_factory=dict)
    """Application id → session id, for the seats this run took."""
    already_seated: list[str] = field(default_factory=list)
    not_seatable: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    """No session of the family had a seat left for them in this run. A sitting passed in
    that was seated before lands here too when the family is full (no write is tried): the
    store's waiting list (:func:`assign_waiting` reads it) is the truth."""
    left: list[str] = field(default_factory=list)
    """Not tried in this run (its ``limit`` was reached): the next run starts with them."""


def assign(
    family: Family,
    sittings: Iterable[Sitting],
    store: SeatStore,
    *,
    group_of: GroupOf,
    at: datetime,
    sessions: Sequence[ExamSession] | None = None,
    limit: int | None = None,
) -> Assignment:
    """Seat ``sittings`` (those of ``family``; others are ignored) in the family's sessions,
    in :func:`seating_order`. ``sessions``: the family's sessions as just read (read from the
    store when None); ``limit``: try at most about that many sittings (a group is never cut:
    its members are tried together or left together). Safe to run concurrently and to run
    again: a seat is taken once."""
    if sessions is None:
        sessions = store.family_sessions(family)
    sessions = [s for s in sessions if s.family == family]
    free = {s.session_id: s.free for s in sessions}
    done = Assignment()
    members = [s for s in sittings if in_family(s, family)]
    tried = 0
    for unit in seating_order(members, group_of):
        if limit is not None and tried >= limit:
            done.left.extend(sitting.application_id for sitting in unit)
            continue
        tried += len(unit)
        previous: str | None = None
        for index, sitting in enumerate(unit):
            previous = _seat_one(
                sitting,
                family,
                sessions,
                free,
                still_to_seat=len(unit) - index,
                previous=previous,
                store=store,
                at=at,
                done=done,
            )
    return done


def _seat_one(
    sitting: Sitting,
    family: Family,
    sessions: Sequence[ExamSession],
    free: dict[str, int],
    *,
    still_to_seat: int,
    previous: str | None,
    store: SeatStore,
    at: datetime,
    done: Assignment,
) -> str | None:
    for session in preferences(sessions, free, still_to_seat, previous):
        outcome = store.take_seat(session, sitting, family.part, at)
        if outcome is SeatOutcome.SEATED:
            free[session.session_id] -= 1
            done.seated[sitting.application_id] = session.session_id
            return session.session_id
        if outcome is SeatOutcome.FULL:
            free[session.session_id] = 0
            continue
        if outcome is SeatOutcome.ALREADY_SEATED:
            done.already_seated.append(sitting.application_id)
        else:
            done.not_seatable.append(sitting.application_id)
        return previous
    done.waiting.append(sitting.application_id)
    return previous


def assign_waiting(
    family: Family,
    store: SeatStore,
    *,
    group_of: GroupOf,
    at: datetime,
    limit: int | None = None,
) -> Assignment:
    """Seat the waiting sittings of ``family`` that a session of it has room for: all, or
    the first ``limit`` or so in seating order (the rest in :attr:`Assignment.left`)."""
    waiting = [
        one.sitting
        for one in store.family_sittings(family)
        if one.status(family.part) is SeatStatus.WAITING
    ]
    return assign(family, waiting, store, group_of=group_of, at=at, limit=limit)


def seat_accepted(
    sitting: Sitting, store: SeatStore, *, catalogue: Catalogue, at: datetime
) -> dict[SessionPart, Assignment]:
    """Seat one sitting just accepted, in each part it needs (it waits where none is free)."""
    return {
        part: assign(family_of(sitting, part), [sitting], store, group_of=_alone, at=at)
        for part in needed_parts(sitting, catalogue)
    }


def _alone(_: Sitting) -> None:
    return None


def group_of(sitting: Sitting) -> str | None:
    """The group application (団体申込) ``sitting`` came with (:attr:`Sitting.group`)."""
    return sitting.group


def move(
    sitting: Sitting,
    part: SessionPart,
    target_session_id: str,
    store: SeatStore,
    *,
    at: datetime,
) -> SeatedSitting:
    """Move ``sitting``'s seat for ``part`` to another session of its family, in one write;
    :class:`SeatRefusedError` (or :class:`SessionNotFoundError`) naming the field otherwise."""
    current = store.seated_sitting(sitting.qualification_pseudonym_id, sitting.application_id)
    if current is None or current.sitting.status is not SittingStatus.REGISTERED:
        raise SeatRefusedError("application_id", "the sitting is not on the roster")
    held = current.seats.get(part)
    if held is None:
        raise SeatRefusedError("part", f"the sitting has no seat for {part.label} to move")
    round_key = sitting.exam_round.key
    target = store.session(round_key, target_session_id)
    if target is None:
        raise SessionNotFoundError("session_id", target_session_id)
    if target.family != family_of(current.sitting, part):
        raise SeatRefusedError("session_id", "the session is of another round, work, grade or part")
    if target.session_id == held:
        return current
    source = store.session(round_key, held)
    if source is None:
        raise SessionNotFoundError("part", held)
    if target.free <= 0:
        raise SeatRefusedError("session_id", "the session has no free seat")
    outcome = store.move_seat(current.sitting, part, source, target, at)
    if outcome is SeatOutcome.FULL:
        raise SeatRefusedError("session_id", "the session has no free seat")
    return SeatedSitting(current.sitting, {**current.seats, part: target.session_id})
