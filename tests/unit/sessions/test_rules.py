"""The rules of a session: catalogue, round dates, times, capacity, the venue's space, and a
capacity never below the seats taken; every broken rule named by its field."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.sessions.factory import AT, HALL, PRACTICAL_DAY, ROUND, WRITTEN_2, draft, session

from kentei.exams.catalogue import load_catalogue
from kentei.exams.rounds import load_rounds
from kentei.records.codes import Grade, Term
from kentei.roster.sitting import ExamRound
from kentei.sessions import rules
from kentei.sessions.errors import SessionRefusedError
from kentei.sessions.model import ExamSession, SessionChange, SessionPart, Venue

CATALOGUE = load_catalogue()
ROUNDS = load_rounds()


def _refusal(same_day: tuple[ExamSession, ...] = (), **changes: object) -> dict[str, str]:
    with pytest.raises(SessionRefusedError) as refused:
        _create(same_day, **changes)
    return {e.field: e.problem for e in refused.value.errors}


def _create(same_day: tuple[ExamSession, ...] = (), **changes: object) -> ExamSession:
    return rules.create(
        draft(**changes),
        prefecture_code="13",
        session_id="01J0000000000000000000000A",
        by="staff:13:admin",
        at=AT,
        catalogue=CATALOGUE,
        rounds=ROUNDS,
        same_day=same_day,
    )


def test_a_sound_session_is_created_empty_at_version_1() -> None:
    made = _create()
    assert (made.seats, made.version, made.capacity) == (0, 1, 20)
    assert made.family.key == "2026-前期#0101#010101#2級#production"


def test_a_written_session_is_on_the_rounds_written_date_of_its_grade() -> None:
    assert _create(part=SessionPart.WRITTEN, exam_date=WRITTEN_2).exam_date == WRITTEN_2
    problems = _refusal(part=SessionPart.WRITTEN, exam_date=PRACTICAL_DAY)
    assert problems == {"exam_date": "must be the written date of 2級 in 2026年度前期 (2026-08-30)"}


def test_a_practical_session_is_inside_the_practical_period() -> None:
    problems = _refusal(exam_date=date(2026, 9, 7))
    assert problems["exam_date"].startswith("must be inside the practical period of 2026年度前期")


def test_the_work_and_grade_must_exist_and_offer_the_component() -> None:
    assert set(_refusal(work_code="999999")) == {"work_code"}
    assert set(_refusal(grade=Grade.SINGLE)) == {"grade"}
    problems = _refusal(part=SessionPart.JUDGEMENT)
    assert problems["part"].startswith(
        "the practical test of this work and grade has no 判断等試験"
    )
    judged = _create(trade_code="0301", work_code="030101", grade=Grade.FIRST, part="judgement")
    assert judged.part is SessionPart.JUDGEMENT


def test_the_round_must_exist_and_hold_the_grade() -> None:
    assert set(_refusal(exam_round=ExamRound(fiscal_year=2030, term=Term.FIRST))) == {"exam_round"}
    special = _refusal(work_code=None, grade=Grade.SPECIAL, part=SessionPart.PLANNING)
    assert special == {"grade": "not held in 2026年度前期"}


def test_times_and_capacity_are_refused_together_naming_each_field() -> None:
    problems = _refusal(starts_at=time(13, 0), ends_at=time(13, 0), capacity=0)
    assert set(problems) == {"ends_at", "capacity"}


def test_an_overlap_in_the_same_room_is_refused_and_names_the_other_session() -> None:
    other = session(starts_at=time(11, 0), ends_at=time(15, 0))
    problems = _refusal(same_day=(other,))
    assert other.session_id in problems["venue"]


def test_back_to_back_sessions_and_other_rooms_are_fine() -> None:
    after = session(starts_at=time(12, 0), ends_at=time(15, 0))
    room_a = Venue(name=HALL.name, address=HALL.address, room="A")
    room_b = Venue(name=HALL.name, address=HALL.address, room="B")
    beside = session(venue=room_b)
    assert _create(same_day=(after,)).starts_at == time(9, 0)
    assert _create(same_day=(beside,), venue=room_a).venue.room == "A"
    # Without a room a session takes the whole venue, so it collides with any room of it.
    assert set(_refusal(same_day=(beside,))) == {"venue"}


def test_the_same_family_at_the_same_time_elsewhere_is_fine() -> None:
    elsewhere = session(venue=Venue(name="別会場", address="東京都大田区1-1"))
    assert _create(same_day=(elsewhere,)).family == elsewhere.family


def test_a_venue_is_the_same_in_any_spelling_of_its_name() -> None:
    wide = Venue(name="ＴＯＫＹＯ　Hall", address="東京都 港区１－１")
    narrow = Venue(name="tokyo hall", address="東京都港区1-1")
    assert wide.shares_space_with(narrow)


def test_sessions_of_another_prefecture_never_collide() -> None:
    other = session().model_copy(update={"prefecture_code": "27"})
    assert _create(same_day=(other,)).session_id


@given(
    st.integers(min_value=6 * 60, max_value=20 * 60),
    st.integers(min_value=1, max_value=180),
    st.integers(min_value=6 * 60, max_value=20 * 60),
    st.integers(min_value=1, max_value=180),
)
def test_overlap_is_symmetric_and_means_intersecting_times(
    start_a: int, length_a: int, start_b: int, length_b: int
) -> None:
    def at(minutes: int) -> time:
        return time(minutes // 60, minutes % 60)

    end_a, end_b = min(start_a + length_a, 23 * 60), min(start_b + length_b, 23 * 60)
    a = session(starts_at=at(start_a), ends_at=at(end_a))
    b = session(starts_at=at(start_b), ends_at=at(end_b))
    assert a.overlaps(b) == b.overlaps(a) == (start_a < end_b and start_b < end_a)
    moved = b.model_copy(update={"exam_date": b.exam_date + timedelta(days=1)})
    assert not a.overlaps(moved)


def _change(current: ExamSession, **changes: object) -> ExamSession:
    return rules.change(
        current,
        SessionChange.model_validate(changes),
        by="staff:13:admin2",
        at=AT,
        catalogue=CATALOGUE,
        rounds=ROUNDS,
        same_day=(),
    )


def test_a_change_moves_the_version_and_keeps_the_seats() -> None:
    current = session(seats=5)
    changed = _change(current, capacity=5, venue={"name": "別会場", "address": "大田区1"})
    assert (changed.capacity, changed.seats, changed.version) == (5, 5, 2)
    assert changed.venue.name == "別会場"
    assert changed.updated_by == "staff:13:admin2"


def test_capacity_below_the_seats_assigned_is_refused() -> None:
    with pytest.raises(SessionRefusedError) as refused:
        _change(session(seats=5), capacity=4)
    assert [(e.field, e.problem) for e in refused.value.errors] == [
        ("capacity", "cannot be below the 5 seats already assigned")
    ]


def test_a_change_is_checked_like_a_creation() -> None:
    with pytest.raises(SessionRefusedError) as refused:
        _change(session(), exam_date=date(2026, 10, 1), ends_at=time(8, 0))
    assert {e.field for e in refused.value.errors} == {"exam_date", "ends_at"}


def test_a_change_does_not_collide_with_itself() -> None:
    current = session()
    changed = rules.change(
        current,
        SessionChange(ends_at=time(12, 30)),
        by="x",
        at=AT,
        catalogue=CATALOGUE,
        rounds=ROUNDS,
        same_day=(current,),
    )
    assert changed.ends_at == time(12, 30)


def test_the_rounds_on_a_day_include_the_on_demand_round() -> None:
    found = rules.rounds_on(ROUNDS, PRACTICAL_DAY)
    assert ROUND in found
    assert ExamRound(fiscal_year=2026, term=Term.ANYTIME) in found
    assert rules.rounds_on(ROUNDS, date(2026, 4, 2)) == ()


def test_the_model_itself_refuses_an_impossible_session() -> None:
    with pytest.raises(ValueError, match="more seats assigned"):
        session(seats=21)
    with pytest.raises(ValueError, match="ends after it starts"):
        session(starts_at=time(12, 0), ends_at=time(9, 0))
