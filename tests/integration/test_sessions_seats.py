"""Sessions and seats against moto: 200 sittings accepted and seated concurrently into one
family of sessions (distinct exam numbers, never more seats than capacity, the rest waiting,
no one seated twice), a seat moved in one transaction, a capacity change below the seats taken
refused in the write, optimistic versions, and the prefecture's partition."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time

import boto3
import pytest
from tests.integration.moto_tables import (
    RECORDS,
    create_records_table,
    isolate_dynamodb_writes,
    mocked_aws,
)
from tests.unit.review.factory import application, form
from tests.unit.sessions.factory import session

from kentei import aws, catalog
from kentei.applications.model import Status
from kentei.data.roster import PrefectureRoster
from kentei.data.sessions import PrefectureSessions, seat_attribute
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei.roster.sitting import Sitting, SittingStatus
from kentei.sessions.errors import SeatRefusedError, SessionChangedError, SessionRefusedError
from kentei.sessions.model import ExamSession, SessionPart
from kentei.sessions.seating import SeatOutcome, assign, assign_waiting, family_of, move

AT = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
PART = SessionPart.PRODUCTION


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    isolate_dynamodb_writes(monkeypatch)
    with mocked_aws(monkeypatch, {catalog.table("records").env_var: RECORDS}):
        create_records_table()
        yield


def _accept(n: int, roster: PrefectureRoster) -> Sitting:
    """Register one accepted 2級 建築大工 sitting of 2026年度前期, as the acceptance does."""
    accepted = application(
        form(fiscal_year=2026, term="前期", trade_code="0101", work_code="010101"),
        status=Status.UNDER_REVIEW,
    ).model_copy(update={"qualification_pseudonym_id": f"p-{n:08d}"})
    registration = registration_of(accepted)
    scheme = schemes().of("13")
    seq = roster.draw(registration.counter(scheme))
    sitting = registration.sitting(
        scheme, seq, at=AT + dt.timedelta(milliseconds=n), by="staff:13:reviewer"
    )
    aws.dynamodb().transact_write_items(
        TransactItems=roster.registration_writes(registration.examinee, sitting, AT)
    )
    return sitting


def _family_sessions(store: PrefectureSessions, *capacities: int) -> list[ExamSession]:
    made = [
        session(capacity=c, exam_date=date(2026, 7, 1) + dt.timedelta(days=i))
        for i, c in enumerate(capacities)
    ]
    for one in made:
        store.create(one)
    return made


def _alone(_: Sitting) -> None:
    return None


@pytest.mark.slow
@pytest.mark.usefixtures("moto")
def test_200_accepted_concurrently_get_distinct_numbers_and_never_more_seats_than_capacity() -> (
    None
):
    roster, store = PrefectureRoster("13"), PrefectureSessions("13")
    sessions = _family_sessions(store, 60, 50, 40)
    family = sessions[0].family

    def accept_and_seat(n: int) -> tuple[Sitting, SeatOutcome | None]:
        sitting = _accept(n, roster)
        # Each acceptance reads the family's sessions itself, so most plans are stale.
        done = assign(family, [sitting], store, group_of=_alone, at=AT)
        return sitting, (SeatOutcome.SEATED if done.seated else None)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(accept_and_seat, range(200)))

    sittings = [s for s, _ in results]
    assert len({s.exam_number for s in sittings}) == 200
    for sitting in sittings:
        assert roster.claimed_by(sitting.exam_round.key, sitting.exam_number) == (
            sitting.application_id
        )
    assert sum(1 for _, outcome in results if outcome is SeatOutcome.SEATED) == 150

    stored = store.family_sessions(family)
    assert [(s.capacity, s.seats) for s in stored] == [(60, 60), (50, 50), (40, 40)]
    seated = [a for one in stored for a in store.seats_in(one.session_id)]
    assert len(seated) == 150
    assert max(Counter(seated).values()) == 1, "no sitting seated twice"
    by_item = {
        one.sitting.application_id: one.seats.get(PART) for one in store.family_sittings(family)
    }
    assert len(by_item) == 200
    assert sorted(a for a, s in by_item.items() if s is not None) == sorted(seated)
    for one in stored:
        assert {a for a, s in by_item.items() if s == one.session_id} == set(
            store.seats_in(one.session_id)
        )
    waiting = store.waiting(family)
    assert len(waiting) == 50
    assert {w.sitting.application_id for w in waiting}.isdisjoint(seated)


@pytest.mark.usefixtures("moto")
def test_a_batch_run_seats_in_order_of_acceptance_and_groups_together() -> None:
    roster, store = PrefectureRoster("13"), PrefectureSessions("13")
    first, second = _family_sessions(store, 2, 3)
    people = [_accept(n, roster) for n in range(6)]
    group = {people[1].application_id, people[2].application_id, people[3].application_id}

    done = assign(
        first.family,
        people,
        store,
        group_of=lambda s: "G" if s.application_id in group else None,
        at=AT,
    )

    ids = [p.application_id for p in people]
    assert done.seated == {
        ids[0]: first.session_id,
        ids[1]: second.session_id,
        ids[2]: second.session_id,
        ids[3]: second.session_id,
        ids[4]: first.session_id,
    }
    assert done.waiting == [ids[5]]
    assert [w.sitting.application_id for w in store.waiting(first.family)] == [ids[5]]
    again = assign_waiting(first.family, store, group_of=_alone, at=AT)
    assert (again.seated, again.waiting) == ({}, [ids[5]])


@pytest.mark.usefixtures("moto")
def test_a_seat_is_taken_once_and_never_for_a_deleted_sitting() -> None:
    roster, store = PrefectureRoster("13"), PrefectureSessions("13")
    (one,) = _family_sessions(store, 5)
    person, gone = _accept(1, roster), _accept(2, roster)
    assert store.take_seat(one, person, PART, AT) is SeatOutcome.SEATED
    assert store.take_seat(one, person, PART, AT) is SeatOutcome.ALREADY_SEATED
    boto3.client("dynamodb").update_item(
        TableName=RECORDS,
        Key={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": f"SITTING#{gone.qualification_pseudonym_id}#{gone.application_id}"},
        },
        UpdateExpression="SET #s = :d",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":d": {"S": SittingStatus.DELETED.value}},
    )
    assert store.take_seat(one, gone, PART, AT) is SeatOutcome.NOT_SEATABLE
    stored = store.session(one.exam_round.key, one.session_id)
    assert stored is not None
    assert stored.seats == 1
    assert store.seats_in(one.session_id) == [person.application_id]


@pytest.mark.usefixtures("moto")
def test_moving_a_sitting_releases_the_old_seat_and_takes_the_new_in_one_write() -> None:
    roster, store = PrefectureRoster("13"), PrefectureSessions("13")
    old, new, full = _family_sessions(store, 2, 2, 1)
    person, other = _accept(1, roster), _accept(2, roster)
    assert store.take_seat(old, person, PART, AT) is SeatOutcome.SEATED
    assert store.take_seat(full, other, PART, AT) is SeatOutcome.SEATED

    moved = move(person, PART, new.session_id, store, at=AT)

    assert moved.seats[PART] == new.session_id
    seats = {s.session_id: s.seats for s in store.family_sessions(old.family)}
    assert seats == {old.session_id: 0, new.session_id: 1, full.session_id: 1}
    assert store.seats_in(old.session_id) == []
    assert store.seats_in(new.session_id) == [person.application_id]
    read = store.seated_sitting(person.qualification_pseudonym_id, person.application_id)
    assert read is not None
    assert read.seats == {PART: new.session_id}
    # The roster's sitting JSON is left as registered; the seat is merged in by readers.
    assert roster.sitting(person.qualification_pseudonym_id, person.application_id) == person

    with pytest.raises(SeatRefusedError, match="no free seat"):
        move(person, PART, full.session_id, store, at=AT)
    # A stale source: the store refuses, nothing moves.
    with pytest.raises(SeatRefusedError, match="not seated in session"):
        store.move_seat(person, PART, old, full.model_copy(update={"seats": 0}), AT)
    after = {s.session_id: s.seats for s in store.family_sessions(old.family)}
    assert after == seats


@pytest.mark.usefixtures("moto")
def test_a_full_target_cancels_the_move_cleanly() -> None:
    roster, store = PrefectureRoster("13"), PrefectureSessions("13")
    old, full = _family_sessions(store, 1, 1)
    person, other = _accept(1, roster), _accept(2, roster)
    store.take_seat(old, person, PART, AT)
    store.take_seat(full, other, PART, AT)
    # The caller read the target before it filled up: the write itself refuses.
    stale = full.model_copy(update={"seats": 0})
    assert store.move_seat(person, PART, old, stale, AT) is SeatOutcome.FULL
    read = store.seated_sitting(person.qualification_pseudonym_id, person.application_id)
    assert read is not None
    assert read.seats == {PART: old.session_id}
    assert store.seats_in(old.session_id) == [person.application_id]


@pytest.mark.usefixtures("moto")
def test_capacity_below_the_seats_is_refused_and_versions_are_optimistic() -> None:
    roster, store = PrefectureRoster("13"), PrefectureSessions("13")
    (one,) = _family_sessions(store, 5)
    for n in range(3):
        store.take_seat(one, _accept(n, roster), PART, AT)

    lowered = one.model_copy(update={"capacity": 2, "version": 2})
    with pytest.raises(SessionRefusedError) as refused:
        store.update(lowered, expected_version=1)
    assert [(e.field, e.problem) for e in refused.value.errors] == [
        ("capacity", "cannot be below the 3 seats already assigned")
    ]

    moved = one.model_copy(update={"capacity": 3, "starts_at": time(10), "version": 2})
    store.update(moved, expected_version=1)
    with pytest.raises(SessionChangedError):
        store.update(moved.model_copy(update={"capacity": 4}), expected_version=1)
    stored = store.session(one.exam_round.key, one.session_id)
    assert stored is not None
    assert (stored.capacity, stored.seats, stored.version, stored.starts_at) == (3, 3, 2, time(10))
    assert store.take_seat(stored, _accept(9, roster), PART, AT) is SeatOutcome.FULL


@pytest.mark.usefixtures("moto")
def test_sessions_are_created_once_listed_by_family_and_day_and_kept_per_prefecture() -> None:
    store = PrefectureSessions("13")
    a, b = _family_sessions(store, 5, 5)
    written = session(part=SessionPart.WRITTEN, exam_date=date(2026, 8, 30))
    store.create(written)
    with pytest.raises(ValueError, match="exists already"):
        store.create(a)
    assert [s.session_id for s in store.family_sessions(a.family)] == [a.session_id, b.session_id]
    assert len(store.sessions_of(a.exam_round)) == 3
    on_day = store.sessions_on(date(2026, 8, 30), [a.exam_round])
    assert [s.session_id for s in on_day] == [written.session_id]
    elsewhere = PrefectureSessions("27")
    assert elsewhere.sessions_of(a.exam_round) == []
    assert elsewhere.session(a.exam_round.key, a.session_id) is None
    with pytest.raises(ValueError, match="another prefecture"):
        elsewhere.create(a)
    person = _accept(1, PrefectureRoster("13"))
    with pytest.raises(ValueError, match="another prefecture"):
        elsewhere.take_seat(a.model_copy(update={"prefecture_code": "27"}), person, PART, AT)
    assert seat_attribute(PART) == "session_production"
    assert family_of(person, PART) == a.family
