"""The exam-session and seat routes (R8) through the real handler over fakes: create, list,
change, seat a family, move a seat, list a session's seats; and their refusals."""

from __future__ import annotations

from datetime import time
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import pytest
from tests.unit.review.factory import application
from tests.unit.sessions.factory import ROUND, draft, session, sitting

from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditOutcome
from kentei.my_number import check_digit
from kentei.roster.sitting import Sitting
from kentei.sessions.model import ExamSession, SessionPart

from .events import event, invoke
from .fakes import Fakes

EXAM_ADMIN = "staff:13:office1:exam_admin"
MY_NUMBER = f"31415926535{check_digit('31415926535')}"
FAMILY = {
    "exam_round": {"fiscal_year": 2026, "term": "前期"},
    "trade_code": "0101",
    "work_code": "010101",
    "grade": "2級",
    "part": "production",
}


def _json(_: Any) -> dict[str, str]:
    return {"Content-Type": "application/json"}


def _post(path: str, body: dict[str, Any], caller: str | None = EXAM_ADMIN) -> tuple[int, Any]:
    status, _, answer = invoke(event("POST", path, body=body, headers=_json(body), caller=caller))
    return status, answer


def _patch(path: str, body: dict[str, Any], caller: str = EXAM_ADMIN) -> tuple[int, Any]:
    status, _, answer = invoke(event("PATCH", path, body=body, headers=_json(body), caller=caller))
    return status, answer


def _get(path: str, caller: str | None = EXAM_ADMIN) -> tuple[int, Any]:
    status, _, answer = invoke(event("GET", path, caller=caller))
    return status, answer


def _stored(fakes: Fakes, prefecture: str = "13", **changes: Any) -> ExamSession:
    made = session(**changes).model_copy(update={"prefecture_code": prefecture})
    fakes.records.sessions[made.session_id] = made
    return made


def _fields(answer: dict[str, Any]) -> set[str]:
    return {e["field"] for e in answer.get("errors", [])}


def _actions(fakes: Fakes) -> list[tuple[AuditAction, AuditOutcome]]:
    return [(e.action, e.outcome) for e in fakes.audit.all()]


def test_creating_a_session_answers_201_with_it_and_is_audited(fakes: Fakes) -> None:
    status, answer = _post("/v1/sessions", draft().model_dump(mode="json"))
    assert status == HTTPStatus.CREATED, answer
    assert answer["prefecture_code"] == "13"
    assert answer["version"] == 1
    assert answer["seats"] == 0
    assert answer["session_id"] in fakes.records.sessions
    (entry,) = fakes.audit.all()
    assert (entry.action, entry.outcome) == (AuditAction.SESSION_CREATED, AuditOutcome.SUCCEEDED)
    assert (entry.record_id, entry.prefecture_code) == (answer["session_id"], "13")


def test_a_broken_rule_is_422_naming_each_field(fakes: Fakes) -> None:
    body = draft(starts_at=time(13, 0), ends_at=time(12, 0), capacity=0)
    status, answer = _post("/v1/sessions", body.model_dump(mode="json"))
    assert status == HTTPStatus.UNPROCESSABLE_ENTITY, answer
    assert answer["type"].endswith("session-refused")
    assert {"ends_at", "capacity"} <= _fields(answer)
    assert not fakes.records.sessions
    assert not fakes.audit.all()


def test_a_session_sharing_the_venue_at_the_same_time_is_422_on_venue(fakes: Fakes) -> None:
    taken = _stored(fakes, starts_at=time(10, 0), ends_at=time(11, 0))
    status, answer = _post("/v1/sessions", draft().model_dump(mode="json"))
    assert status == HTTPStatus.UNPROCESSABLE_ENTITY, answer
    assert _fields(answer) == {"venue"}
    assert taken.session_id in answer["errors"][0]["problem"]
    assert list(fakes.records.sessions) == [taken.session_id]


def test_another_prefectures_session_at_the_same_venue_is_no_overlap(fakes: Fakes) -> None:
    _stored(fakes, prefecture="27")
    status, answer = _post("/v1/sessions", draft().model_dump(mode="json"))
    assert status == HTTPStatus.CREATED, answer


def test_a_my_number_in_the_venue_is_422_and_nothing_is_stored(fakes: Fakes) -> None:
    body = draft().model_dump(mode="json")
    body["venue"]["name"] = f"会場 {MY_NUMBER}"
    status, answer = _post("/v1/sessions", body)
    assert status == HTTPStatus.UNPROCESSABLE_ENTITY, answer
    assert _fields(answer) == {"venue.name"}
    assert MY_NUMBER not in str(answer)
    assert not fakes.records.sessions


def test_a_change_with_the_version_read_moves_the_version_up(fakes: Fakes) -> None:
    stored = _stored(fakes)
    status, answer = _patch(f"/v1/sessions/{stored.session_id}", {"version": 1, "capacity": 40})
    assert status == HTTPStatus.OK, answer
    assert (answer["capacity"], answer["version"]) == (40, 2)
    assert fakes.records.sessions[stored.session_id].capacity == 40
    assert _actions(fakes) == [(AuditAction.SESSION_CHANGED, AuditOutcome.SUCCEEDED)]


def test_a_stale_version_is_409_and_nothing_changes(fakes: Fakes) -> None:
    stored = _stored(fakes)
    status, answer = _patch(f"/v1/sessions/{stored.session_id}", {"version": 2, "capacity": 40})
    assert status == HTTPStatus.CONFLICT, answer
    assert answer["type"].endswith("concurrent-change")
    assert fakes.records.sessions[stored.session_id] == stored


def test_a_change_breaking_a_rule_is_422(fakes: Fakes) -> None:
    stored = _stored(fakes, seats=5)
    status, answer = _patch(f"/v1/sessions/{stored.session_id}", {"version": 1, "capacity": 4})
    assert status == HTTPStatus.UNPROCESSABLE_ENTITY, answer
    assert _fields(answer) == {"capacity"}


def test_another_prefectures_session_is_404_and_the_refusal_audited(fakes: Fakes) -> None:
    theirs = _stored(fakes, prefecture="27")
    status, answer = _patch(f"/v1/sessions/{theirs.session_id}", {"version": 1, "capacity": 9})
    assert status == HTTPStatus.NOT_FOUND, answer
    status, answer = _get(f"/v1/sessions/{theirs.session_id}/seats")
    assert status == HTTPStatus.NOT_FOUND, answer
    assert fakes.records.sessions[theirs.session_id] == theirs
    entries = fakes.audit.all()
    assert [(e.outcome, e.record_id, e.prefecture_code) for e in entries] == [
        (AuditOutcome.NOT_FOUND, theirs.session_id, "13")
    ] * 2


def test_a_clerk_is_403_and_no_caller_401(fakes: Fakes) -> None:
    body = draft().model_dump(mode="json")
    status, _ = _post("/v1/sessions", body, caller="staff:13:desk1:clerk")
    assert status == HTTPStatus.FORBIDDEN
    assert _actions(fakes) == [(AuditAction.SESSION_CREATED, AuditOutcome.DENIED)]
    status, _ = _post("/v1/sessions", body, caller=None)
    assert status == HTTPStatus.UNAUTHORIZED
    status, _ = _post("/v1/sessions/seating", FAMILY, caller="staff:13:r:reviewer")
    assert status == HTTPStatus.FORBIDDEN
    status, _ = _get("/v1/sessions?fiscal_year=2026&term=" + quote("前期"), caller=None)
    assert status == HTTPStatus.UNAUTHORIZED
    assert not fakes.records.sessions


def test_listing_a_round_answers_the_prefectures_sessions_only(fakes: Fakes) -> None:
    late = _stored(fakes, starts_at=time(13, 0), ends_at=time(16, 0))
    early = _stored(fakes)
    written = _stored(
        fakes, part=SessionPart.WRITTEN, exam_date=ROUND_WRITTEN, starts_at=time(9, 30)
    )
    _stored(fakes, prefecture="27")
    status, answer = _get("/v1/sessions?fiscal_year=2026&term=" + quote("前期"))
    assert status == HTTPStatus.OK, answer
    assert [s["session_id"] for s in answer["items"]] == [
        early.session_id,
        late.session_id,
        written.session_id,
    ]
    status, answer = _get("/v1/sessions?fiscal_year=2026&term=" + quote("前期") + "&part=written")
    assert [s["session_id"] for s in answer["items"]] == [written.session_id]
    assert _actions(fakes) == [(AuditAction.SESSIONS_LISTED, AuditOutcome.ALLOWED)] * 2


ROUND_WRITTEN = draft().exam_date.replace(month=8, day=30)


def _registered(fakes: Fakes, count: int) -> list[Sitting]:
    made = [sitting() for _ in range(count)]
    for one in made:
        fakes.records.sittings[one.application_id] = one
    return made


def test_seating_fills_the_family_in_acceptance_order_and_answers_counts(fakes: Fakes) -> None:
    first = _stored(fakes, capacity=2)
    second = _stored(fakes, capacity=1, starts_at=time(13, 0), ends_at=time(16, 0))
    sittings = _registered(fakes, 5)
    status, answer = _post("/v1/sessions/seating", FAMILY)
    assert status == HTTPStatus.OK, answer
    assert (answer["seated"], answer["waiting"]) == (3, 2)
    assert answer["sessions"] == [
        {"session_id": first.session_id, "capacity": 2, "seats": 2},
        {"session_id": second.session_id, "capacity": 1, "seats": 1},
    ]
    seats = fakes.records.seats
    assert [seats.get(s.application_id, {}).get(SessionPart.PRODUCTION) for s in sittings] == [
        first.session_id,
        first.session_id,
        second.session_id,
        None,
        None,
    ]
    assert not any(s.application_id in str(answer) for s in sittings)  # counts only
    entries = fakes.audit.all()
    (summary,) = [e for e in entries if e.action is AuditAction.SEATS_ASSIGNED]
    assert summary.record_type == "session_family"
    # Each seat taken carries its own entry, committed with the seat (the person's id on it).
    taken = [e for e in fakes.records.audit if e.action is AuditAction.SEAT_TAKEN]
    assert [(e.record_id, e.person_id) for e in taken] == [
        (s.application_id, s.qualification_pseudonym_id) for s in sittings[:3]
    ]

    # Again, after a session is added: the waiting ones get its seats; nobody moves.
    third = _stored(fakes, capacity=5, starts_at=time(16, 0), ends_at=time(18, 0))
    status, answer = _post("/v1/sessions/seating", FAMILY)
    assert (answer["seated"], answer["waiting"]) == (2, 0), answer
    assert seats[sittings[3].application_id][SessionPart.PRODUCTION] == third.session_id


def test_a_run_tries_a_bounded_number_and_says_how_many_remain(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run ends within the API's time: it tries ``SEATS_PER_RUN`` sittings and answers how
    many it left; the office runs it again until none remain."""
    monkeypatch.setattr("intake.seating.SEATS_PER_RUN", 2)
    _stored(fakes, capacity=10)
    sittings = _registered(fakes, 5)
    answers = []
    for _ in range(3):
        status, answer = _post("/v1/sessions/seating", FAMILY)
        assert status == HTTPStatus.OK, answer
        answers.append((answer["seated"], answer["waiting"], answer["remaining"]))
    assert answers == [(2, 3, 3), (2, 1, 1), (1, 0, 0)]
    assert all(fakes.records.seats.get(s.application_id) for s in sittings)


def test_a_move_goes_to_another_session_of_the_family_and_is_audited(fakes: Fakes) -> None:
    source = _stored(fakes, capacity=1)
    target = _stored(fakes, capacity=1, starts_at=time(13, 0), ends_at=time(16, 0))
    accepted = application(prefecture_code="13")
    fakes.records.applications[accepted.application_id] = StoredApplication(accepted, 2, "fp")
    person = accepted.qualification_pseudonym_id
    assert person is not None
    one = sitting(application_id=accepted.application_id, qualification_pseudonym_id=person)
    fakes.records.sittings[one.application_id] = one
    fakes.records.seats[one.application_id] = {SessionPart.PRODUCTION: source.session_id}
    fakes.records.sessions[source.session_id] = source.model_copy(update={"seats": 1})

    path = f"/v1/roster/sittings/{one.application_id}/seat"
    status, answer = _post(path, {"part": "production", "session_id": target.session_id})
    assert status == HTTPStatus.OK, answer
    assert answer == {
        "application_id": one.application_id,
        "seats": {"production": target.session_id},
    }
    assert fakes.records.sessions[source.session_id].seats == 0
    assert fakes.records.sessions[target.session_id].seats == 1
    (entry,) = fakes.audit.all()
    assert (entry.action, entry.record_id, entry.person_id) == (
        AuditAction.SEAT_MOVED,
        one.application_id,
        person,
    )

    # The target is now full: moving back there is a 409; a part without a seat too.
    status, answer = _post(path, {"part": "written", "session_id": source.session_id})
    assert status == HTTPStatus.CONFLICT, answer
    assert answer["type"].endswith("seat-refused")

    # The seats of the session: ids and exam numbers only.
    status, answer = _get(f"/v1/sessions/{target.session_id}/seats")
    assert status == HTTPStatus.OK, answer
    assert answer["items"] == [
        {"application_id": one.application_id, "exam_number": one.exam_number}
    ]
    assert fakes.audit.all()[-1].action is AuditAction.SEATS_LISTED


def test_a_move_of_another_prefectures_application_is_404(fakes: Fakes) -> None:
    theirs = application(prefecture_code="27")
    fakes.records.applications[theirs.application_id] = StoredApplication(theirs, 2, "fp")
    target = _stored(fakes)
    path = f"/v1/roster/sittings/{theirs.application_id}/seat"
    status, answer = _post(path, {"part": "production", "session_id": target.session_id})
    assert status == HTTPStatus.NOT_FOUND, answer
    assert _actions(fakes) == [(AuditAction.SEAT_MOVED, AuditOutcome.NOT_FOUND)]


def test_an_application_without_a_sitting_has_no_seat_to_move(fakes: Fakes) -> None:
    mine = application(prefecture_code="13")
    fakes.records.applications[mine.application_id] = StoredApplication(mine, 2, "fp")
    target = _stored(fakes)
    path = f"/v1/roster/sittings/{mine.application_id}/seat"
    status, answer = _post(path, {"part": "production", "session_id": target.session_id})
    assert status == HTTPStatus.CONFLICT, answer
    assert _fields(answer) == {"application_id"}


def test_a_patch_of_the_seating_path_is_the_change_routes_and_checked_as_such(
    fakes: Fakes,
) -> None:
    """``/v1/sessions/seating`` matches both templates: a PATCH there is a change of a session
    named "seating" (not a session id: 422), admitted by the change route's rule only."""
    status, answer = _patch("/v1/sessions/seating", {"version": 1})
    assert status == HTTPStatus.UNPROCESSABLE_ENTITY, answer
    assert _fields(answer) == {"path.session_id"}
    status, answer = _patch("/v1/sessions/seating", {"version": 1}, caller="staff:13:c:clerk")
    assert status == HTTPStatus.FORBIDDEN, answer
    assert ROUND.key == "2026-前期"


def test_seating_keeps_a_group_application_together_in_the_session_with_room(
    fakes: Fakes,
) -> None:
    # A first, then a group of three interleaved with individuals by acceptance: the group
    # goes as one unit, at its first member's acceptance, to the first session with room
    # for all three (the first has two seats left after A, the second has three).
    first = _stored(fakes, capacity=3)
    second = _stored(fakes, capacity=3, starts_at=time(13, 0), ends_at=time(16, 0))
    group: dict[str, Any] = {"group_or_individual": "団体", "applying_group_code": "G0001"}
    alone: dict[str, Any] = {"group_or_individual": "個人"}
    made = [
        sitting(**alone),
        sitting(**group),
        sitting(**alone),
        sitting(**group),
        sitting(**group),
    ]
    for one in made:
        fakes.records.sittings[one.application_id] = one
    status, answer = _post("/v1/sessions/seating", FAMILY)
    assert status == HTTPStatus.OK, answer
    assert (answer["seated"], answer["waiting"]) == (5, 0)
    seat = {a: s[SessionPart.PRODUCTION] for a, s in fakes.records.seats.items()}
    members = [made[1], made[3], made[4]]
    assert {seat[m.application_id] for m in members} == {second.session_id}
    assert seat[made[0].application_id] == first.session_id
    assert seat[made[2].application_id] == first.session_id
