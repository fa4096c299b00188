"""Seating on the in-memory store: order of acceptance, groups together, full sessions
skipped, the rest waiting, the parts a sitting needs, and moving one seat."""

from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.sessions.factory import AT, MemoryStore, session, sitting

from kentei.exams.catalogue import load_catalogue
from kentei.records.codes import Grade
from kentei.roster.sitting import Part, Sitting, SittingStatus
from kentei.sessions.errors import SeatRefusedError, SessionNotFoundError
from kentei.sessions.model import SessionPart
from kentei.sessions.seating import (
    SeatStatus,
    assign,
    assign_waiting,
    family_of,
    move,
    needed_parts,
    preferences,
    seat_accepted,
    seating_order,
)

CATALOGUE = load_catalogue()


def _alone(_: Sitting) -> None:
    return None


def test_the_parts_a_sitting_needs_follow_its_parts_and_the_catalogue() -> None:
    assert needed_parts(sitting(), CATALOGUE) == (SessionPart.WRITTEN, SessionPart.PRODUCTION)
    two = sitting(trade_code="0301", work_code="030101", grade=Grade.FIRST)
    assert needed_parts(two, CATALOGUE) == (
        SessionPart.WRITTEN,
        SessionPart.PRODUCTION,
        SessionPart.JUDGEMENT,
    )
    assert needed_parts(sitting(parts=(Part.WRITTEN,)), CATALOGUE) == (SessionPart.WRITTEN,)


def test_seats_go_in_order_of_acceptance_then_to_the_next_session_then_wait() -> None:
    late = session(capacity=2, exam_date=date(2026, 7, 6))
    early = session(capacity=2, starts_at=time(13, 0), ends_at=time(16, 0))
    earliest = session(capacity=1)
    people = [sitting(accepted_at=AT + timedelta(hours=n)) for n in range(7)]
    store = MemoryStore([late, early, earliest], people)
    family = family_of(people[0], SessionPart.PRODUCTION)

    done = assign(family, reversed(people), store, group_of=_alone, at=AT)

    ids = [p.application_id for p in people]
    assert [done.seated[i] for i in ids[:5]] == [
        earliest.session_id,
        early.session_id,
        early.session_id,
        late.session_id,
        late.session_id,
    ]
    assert done.waiting == ids[5:]
    waiting = [
        one.sitting.application_id
        for one in store.family_sittings(family)
        if one.status(SessionPart.PRODUCTION) is SeatStatus.WAITING
    ]
    assert waiting == ids[5:]


def test_a_group_goes_together_to_the_first_session_with_room_for_all() -> None:
    first = session(capacity=2)
    second = session(capacity=5, starts_at=time(13, 0), ends_at=time(16, 0))
    group = [sitting() for _ in range(3)]
    alone = sitting()
    store = MemoryStore([first, second], [*group, alone])
    members = {s.application_id for s in group}

    done = assign(
        family_of(alone, SessionPart.PRODUCTION),
        [*group, alone],
        store,
        group_of=lambda s: "G-1" if s.application_id in members else None,
        at=AT,
    )

    assert {done.seated[m] for m in members} == {second.session_id}
    assert done.seated[alone.application_id] == first.session_id


def test_a_group_too_large_for_any_session_is_split_rather_than_left_waiting() -> None:
    first = session(capacity=2)
    second = session(capacity=2, starts_at=time(13, 0), ends_at=time(16, 0))
    group = [sitting() for _ in range(3)]
    store = MemoryStore([first, second], group)
    done = assign(
        family_of(group[0], SessionPart.PRODUCTION), group, store, group_of=lambda _: "G", at=AT
    )
    assert Counter(done.seated.values()) == {first.session_id: 2, second.session_id: 1}
    assert done.waiting == []


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.one_of(st.none(), st.sampled_from("ABC"))),
        min_size=1,
        max_size=30,
    )
)
def test_the_order_keeps_each_group_together_and_follows_first_acceptance(
    rows: list[tuple[int, str | None]],
) -> None:
    people = [sitting(accepted_at=AT + timedelta(minutes=m)) for m, _ in rows]
    groups = {p.application_id: g for p, (_, g) in zip(people, rows, strict=True)}
    units = seating_order(people, lambda s: groups[s.application_id])
    flat = [s.application_id for unit in units for s in unit]
    assert sorted(flat) == sorted(groups)
    firsts = [unit[0].accepted_at for unit in units]
    assert firsts == sorted(firsts)
    for unit in units:
        assert len({groups[s.application_id] for s in unit}) == 1
        assert [s.accepted_at for s in unit] == sorted(s.accepted_at for s in unit)
        if groups[unit[0].application_id] is None:
            assert len(unit) == 1
    named = [unit for unit in units if groups[unit[0].application_id] is not None]
    assert len(named) == len({g for g in groups.values() if g is not None})


@given(st.lists(st.integers(0, 4), min_size=1, max_size=6), st.integers(1, 6))
def test_preferences_only_offer_sessions_with_room(frees: list[int], unit: int) -> None:
    sessions = [session(exam_date=date(2026, 7, 1) + timedelta(days=n)) for n in range(len(frees))]
    free = {s.session_id: f for s, f in zip(sessions, frees, strict=True)}
    chosen = preferences(sessions, free, unit)
    assert {s.session_id for s in chosen} == {k for k, f in free.items() if f > 0}
    fitting = [s for s in chosen if free[s.session_id] >= unit]
    assert chosen[: len(fitting)] == fitting


def test_a_second_run_seats_no_one_twice_and_deleted_sittings_are_skipped() -> None:
    one = session(capacity=5)
    people = [sitting() for _ in range(3)]
    gone = people[2].model_copy(update={"status": SittingStatus.DELETED})
    store = MemoryStore([one], people)
    store.sittings[gone.application_id] = gone
    family = family_of(people[0], SessionPart.PRODUCTION)
    first = assign(family, people, store, group_of=_alone, at=AT)
    assert set(first.seated) == {people[0].application_id, people[1].application_id}
    assert first.not_seatable == [people[2].application_id]
    again = assign(family, people[:2], store, group_of=_alone, at=AT)
    assert again.seated == {}
    assert again.already_seated == [people[0].application_id, people[1].application_id]
    assert store.sessions[one.session_id].seats == 2


def test_sittings_of_another_family_are_ignored() -> None:
    one = session(capacity=5)
    other = sitting(grade=Grade.FIRST)
    written_only = sitting(parts=(Part.WRITTEN,))
    store = MemoryStore([one], [other, written_only])
    done = assign(one.family, [other, written_only], store, group_of=_alone, at=AT)
    assert (done.seated, done.waiting, store.attempts) == ({}, [], [])


def test_a_sitting_accepted_is_seated_in_each_part_it_needs() -> None:
    written = session(part=SessionPart.WRITTEN, exam_date=date(2026, 8, 30))
    practical = session()
    person = sitting()
    store = MemoryStore([written, practical], [person])
    done = seat_accepted(person, store, catalogue=CATALOGUE, at=AT)
    assert done[SessionPart.WRITTEN].seated == {person.application_id: written.session_id}
    assert done[SessionPart.PRODUCTION].seated == {person.application_id: practical.session_id}


def test_waiting_sittings_are_seated_when_a_session_is_added() -> None:
    people = [sitting() for _ in range(3)]
    store = MemoryStore([], people)
    family = family_of(people[0], SessionPart.PRODUCTION)
    assert len(assign_waiting(family, store, group_of=_alone, at=AT).waiting) == 3
    added = session(capacity=2)
    store.sessions[added.session_id] = added
    done = assign_waiting(family, store, group_of=_alone, at=AT)
    assert list(done.seated) == [people[0].application_id, people[1].application_id]
    assert done.waiting == [people[2].application_id]


def test_a_limited_run_tries_that_many_never_cutting_a_group_and_the_next_goes_on() -> None:
    """A run tries about ``limit`` sittings (a group whole or not at all); what it left the
    next run seats, in order, and nothing is seated twice."""
    people = [sitting() for _ in range(5)]
    group = {people[1].application_id, people[2].application_id}
    store = MemoryStore([session(capacity=10)], people)
    family = family_of(people[0], SessionPart.PRODUCTION)

    def group_of(s: Sitting) -> str | None:
        return "G" if s.application_id in group else None

    first = assign_waiting(family, store, group_of=group_of, at=AT, limit=2)
    assert list(first.seated) == [p.application_id for p in people[:3]]  # the group whole
    assert first.left == [p.application_id for p in people[3:]]
    second = assign_waiting(family, store, group_of=group_of, at=AT, limit=2)
    assert list(second.seated) == [p.application_id for p in people[3:]]
    assert second.left == []
    assert store.sessions[next(iter(store.sessions))].seats == 5


def test_moving_a_seat_frees_the_old_one() -> None:
    old, new = session(capacity=1), session(capacity=1, starts_at=time(13), ends_at=time(15))
    person = sitting()
    store = MemoryStore([old, new], [person])
    assign(old.family, [person], store, group_of=_alone, at=AT)
    moved = move(person, SessionPart.PRODUCTION, new.session_id, store, at=AT)
    assert moved.seats[SessionPart.PRODUCTION] == new.session_id
    assert (store.sessions[old.session_id].seats, store.sessions[new.session_id].seats) == (0, 1)


def test_a_move_is_refused_naming_the_field() -> None:
    old = session(capacity=1)
    full = session(seats=1, capacity=1, starts_at=time(13), ends_at=time(15))
    other_family = session(grade=Grade.FIRST, starts_at=time(16), ends_at=time(17))
    person, unseated = sitting(), sitting()
    store = MemoryStore([old, full, other_family], [person, unseated])
    assign(old.family, [person], store, group_of=_alone, at=AT)
    cases = {
        full.session_id: "the session has no free seat",
        other_family.session_id: "the session is of another round, work, grade or part",
    }
    for target, problem in cases.items():
        with pytest.raises(SeatRefusedError) as refused:
            move(person, SessionPart.PRODUCTION, target, store, at=AT)
        assert (refused.value.field, refused.value.problem) == ("session_id", problem)
    with pytest.raises(SessionNotFoundError):
        move(person, SessionPart.PRODUCTION, "01J0000000000000000000000Z", store, at=AT)
    with pytest.raises(SeatRefusedError, match="no seat for 製作等作業試験"):
        move(unseated, SessionPart.PRODUCTION, old.session_id, store, at=AT)


@given(
    st.lists(st.integers(1, 6), min_size=0, max_size=4),
    st.lists(st.one_of(st.none(), st.sampled_from("XY")), min_size=0, max_size=25),
)
def test_seats_never_exceed_capacity_and_no_free_seat_is_left_while_anyone_waits(
    capacities: list[int], groups: list[str | None]
) -> None:
    sessions = [
        session(capacity=c, exam_date=date(2026, 7, 1) + timedelta(days=n))
        for n, c in enumerate(capacities)
    ]
    people = [sitting() for _ in groups]
    of = {p.application_id: g for p, g in zip(people, groups, strict=True)}
    store = MemoryStore(sessions, people)
    family = session().family
    done = assign(family, people, store, group_of=lambda s: of[s.application_id], at=AT)
    assert len(done.seated) == min(len(people), sum(capacities))
    assert len(done.seated) + len(done.waiting) == len(people)
    for one in store.sessions.values():
        assert 0 <= one.seats <= one.capacity
        assert one.seats == sum(1 for s in done.seated.values() if s == one.session_id)
