"""Staff create and change sessions through the records table (moto): the rules with the
stored sessions of the day, the prefecture's own, optimistic versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from datetime import date, time

import pytest
from tests.integration.moto_tables import RECORDS, create_records_table, mocked_aws
from tests.unit.sessions.factory import draft

from kentei import catalog
from kentei.data.sessions import PrefectureSessions
from kentei.exams.catalogue import load_catalogue
from kentei.exams.rounds import load_rounds
from kentei.records.codes import Grade
from kentei.sessions.errors import SessionChangedError, SessionNotFoundError, SessionRefusedError
from kentei.sessions.model import SessionChange, SessionPart, Venue
from kentei.sessions.staff import change_session, create_session

AT = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
CATALOGUE, ROUNDS = load_catalogue(), load_rounds()


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with mocked_aws(monkeypatch, {catalog.table("records").env_var: RECORDS}):
        create_records_table()
        yield


@pytest.mark.usefixtures("moto")
def test_an_overlap_with_a_stored_session_of_any_work_is_refused() -> None:
    store = PrefectureSessions("13")
    first = create_session(
        draft(), store, by="staff:13:admin", at=AT, catalogue=CATALOGUE, rounds=ROUNDS
    )
    assert store.session(first.exam_round.key, first.session_id) == first
    other_work = draft(
        trade_code="0301", work_code="030101", grade=Grade.FIRST, starts_at=time(11, 30)
    )
    with pytest.raises(SessionRefusedError) as refused:
        create_session(
            other_work, store, by="staff:13:admin", at=AT, catalogue=CATALOGUE, rounds=ROUNDS
        )
    assert [e.field for e in refused.value.errors] == ["venue"]
    assert first.session_id in refused.value.errors[0].problem
    # Another prefecture's hall of the same name is its own.
    assert create_session(
        other_work,
        PrefectureSessions("27"),
        by="staff:27:a",
        at=AT,
        catalogue=CATALOGUE,
        rounds=ROUNDS,
    )


@pytest.mark.usefixtures("moto")
def test_written_sessions_of_several_grades_share_a_hall_in_separate_rooms() -> None:
    store = PrefectureSessions("13")
    hall = draft().venue
    for room, grade in (("A", Grade.FIRST), ("B", Grade.SECOND)):
        written = draft(
            part=SessionPart.WRITTEN,
            grade=grade,
            exam_date=date(2026, 8, 23) if grade is Grade.FIRST else date(2026, 8, 30),
            venue=Venue(name=hall.name, address=hall.address, room=room),
        )
        create_session(
            written, store, by="staff:13:admin", at=AT, catalogue=CATALOGUE, rounds=ROUNDS
        )
    assert len(store.sessions_on(date(2026, 8, 30), [draft().exam_round])) == 1


@pytest.mark.usefixtures("moto")
def test_a_change_is_checked_stored_and_versioned() -> None:
    store = PrefectureSessions("13")
    made = create_session(
        draft(), store, by="staff:13:admin", at=AT, catalogue=CATALOGUE, rounds=ROUNDS
    )
    changed = change_session(
        made.exam_round,
        made.session_id,
        SessionChange(capacity=30, ends_at=time(12, 30)),
        store,
        expected_version=1,
        by="staff:13:admin2",
        at=AT,
        catalogue=CATALOGUE,
        rounds=ROUNDS,
    )
    assert store.session(made.exam_round.key, made.session_id) == changed
    assert (changed.capacity, changed.version) == (30, 2)
    with pytest.raises(SessionChangedError):
        change_session(
            made.exam_round,
            made.session_id,
            SessionChange(capacity=10),
            store,
            expected_version=1,
            by="x",
            at=AT,
            catalogue=CATALOGUE,
            rounds=ROUNDS,
        )
    with pytest.raises(SessionRefusedError, match="exam_date"):
        change_session(
            made.exam_round,
            made.session_id,
            SessionChange(exam_date=date(2026, 12, 1)),
            store,
            expected_version=2,
            by="x",
            at=AT,
            catalogue=CATALOGUE,
            rounds=ROUNDS,
        )
    with pytest.raises(SessionNotFoundError):
        change_session(
            made.exam_round,
            made.session_id,
            SessionChange(capacity=10),
            PrefectureSessions("27"),
            expected_version=2,
            by="x",
            at=AT,
            catalogue=CATALOGUE,
            rounds=ROUNDS,
        )
