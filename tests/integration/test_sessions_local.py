"""Exam sessions and seats (R8) through the local runtime over HTTP, with ID tokens of the
local user pool: the exam office of 13 creates two written sessions of one family, reviewers
accept applications (sittings on the roster, none seated: acceptance does not seat), the
office seats the family (never more than the capacity, the rest waiting), changes a session
with its version, seats again and moves one sitting; the office of 27 sees none of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.intake_helpers import (
    MYNAPORTAL,
    OSAKA,
    STAFF_TOKYO,
    TOKYO,
    IntakeSystem,
    intake_system,
    mynaportal_body,
    new_key,
)

OFFICE = f"staff:{TOKYO}:exam-admin-{TOKYO}:exam_admin"
OFFICE_OSAKA = f"staff:{OSAKA}:exam-admin-{OSAKA}:exam_admin"
ROUND = {"fiscal_year": 2026, "term": "前期"}
QUERY = {"fiscal_year": "2026", "term": "前期"}
FAMILY = {
    "exam_round": ROUND,
    "trade_code": "0701",
    "work_code": "070101",
    "grade": "2級",
    "part": "written",
}
HALL = {"name": "東京都立中央・城北職業能力開発センター", "address": "東京都板橋区舟渡2-2-1"}
ACCEPTED = 5


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


def _json(system: IntakeSystem, method: str, path: str, caller: str, body: Any) -> Any:
    return system.client.request(
        method,
        path,
        caller,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )


def _session(system: IntakeSystem, room: str, capacity: int) -> dict[str, Any]:
    draft = {
        **FAMILY,
        "exam_date": "2026-08-30",
        "starts_at": "09:30:00",
        "ends_at": "11:10:00",
        "venue": {**HALL, "room": room},
        "capacity": capacity,
    }
    response = _json(system, "POST", "/v1/sessions", OFFICE, draft)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _accept(system: IntakeSystem, n: int) -> str:
    response = system.client.submit(
        mynaportal_body(pseudonym=f"mp-seat-{n:04d}"), MYNAPORTAL, new_key()
    )
    assert response.status_code == 202, response.text
    application_id: str = response.json()["application_id"]
    assert system.under_review(application_id, person=f"seatperson{n:04d}abcdefghijklm") is None
    decided = system.client.decide(application_id, STAFF_TOKYO, "accept")
    assert decided.status_code == 200, decided.text
    return application_id


def _seats(system: IntakeSystem, session_id: str, caller: str = OFFICE) -> list[dict[str, str]]:
    response = system.client.get(f"/v1/sessions/{session_id}/seats", caller)
    assert response.status_code == 200, response.text
    items: list[dict[str, str]] = response.json()["items"]
    return items


def test_sessions_are_set_up_seated_changed_and_moved(system: IntakeSystem) -> None:
    room_a = _session(system, "第1教室", 2)
    room_b = _session(system, "第2教室", 1)
    same_room = _json(
        system,
        "POST",
        "/v1/sessions",
        OFFICE,
        {
            **FAMILY,
            "exam_date": "2026-08-30",
            "starts_at": "10:00:00",
            "ends_at": "12:00:00",
            "venue": {**HALL, "room": "第1教室"},
            "capacity": 5,
        },
    )
    assert same_room.status_code == 422, same_room.text
    assert [e["field"] for e in same_room.json()["errors"]] == ["venue"]

    accepted = [_accept(system, n) for n in range(ACCEPTED)]
    # Acceptance does not seat: both sessions are still empty.
    assert _seats(system, room_a["session_id"]) == []

    seated = _json(system, "POST", "/v1/sessions/seating", OFFICE, FAMILY)
    assert seated.status_code == 200, seated.text
    run = seated.json()
    assert (run["seated"], run["waiting"]) == (3, 2), run
    counts = {s["session_id"]: (s["seats"], s["capacity"]) for s in run["sessions"]}
    assert counts == {room_a["session_id"]: (2, 2), room_b["session_id"]: (1, 1)}
    assert not any(a in seated.text for a in accepted)  # counts only

    in_a = _seats(system, room_a["session_id"])
    in_b = _seats(system, room_b["session_id"])
    assert len(in_a) == 2
    assert len(in_b) == 1
    assert {s["application_id"] for s in in_a + in_b} == set(accepted[:3])  # by acceptance
    assert all(set(s) == {"application_id", "exam_number"} for s in in_a + in_b)

    # A change with the version read; the same version again is stale.
    path_a = f"/v1/sessions/{room_a['session_id']}"
    changed = _json(system, "PATCH", path_a, OFFICE, {"version": 1, "capacity": 3})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["version"], changed.json()["capacity"]) == (2, 3)
    stale = _json(system, "PATCH", path_a, OFFICE, {"version": 1, "capacity": 9})
    assert stale.status_code == 409, stale.text
    below = _json(system, "PATCH", path_a, OFFICE, {"version": 2, "capacity": 1})
    assert below.status_code == 422, below.text

    again = _json(system, "POST", "/v1/sessions/seating", OFFICE, FAMILY).json()
    assert (again["seated"], again["waiting"]) == (1, 1), again

    # Move one of room A's to room B once B has room; a full target is a 409.
    moving = _seats(system, room_a["session_id"])[0]["application_id"]
    seat_path = f"/v1/roster/sittings/{moving}/seat"
    target = {"part": "written", "session_id": room_b["session_id"]}
    full = _json(system, "POST", seat_path, OFFICE, target)
    assert full.status_code == 409, full.text
    path_b = f"/v1/sessions/{room_b['session_id']}"
    assert _json(system, "PATCH", path_b, OFFICE, {"version": 1, "capacity": 2}).status_code == 200
    moved = _json(system, "POST", seat_path, OFFICE, target)
    assert moved.status_code == 200, moved.text
    assert moved.json()["seats"] == {"written": room_b["session_id"]}
    assert moving in {s["application_id"] for s in _seats(system, room_b["session_id"])}
    listed = system.client.get("/v1/sessions", OFFICE, params={**QUERY, "part": "written"})
    assert listed.status_code == 200, listed.text
    seats = {s["session_id"]: (s["seats"], s["capacity"]) for s in listed.json()["items"]}
    assert seats[room_a["session_id"]] == (2, 3)
    assert seats[room_b["session_id"]] == (2, 2)

    # The office of 27 sees none of 13's sessions or seats.
    assert system.client.get(f"{path_a}/seats", OFFICE_OSAKA).status_code == 404
    theirs = system.client.get("/v1/sessions", OFFICE_OSAKA, params=QUERY)
    assert theirs.status_code == 200
    assert theirs.json()["items"] == []
    moved_by_27 = _json(system, "POST", seat_path, OFFICE_OSAKA, target)
    assert moved_by_27.status_code == 404, moved_by_27.text

    actions = {
        item["action"]["S"]
        for item in system.scan("audit")
        if item.get("user_id", {}).get("S") == f"exam-admin-{TOKYO}"
    }
    assert {
        "session.created",
        "session.changed",
        "seats.assigned",
        "seats.listed",
        "seat.moved",
        "sessions.listed",
    } <= actions


def test_a_reviewer_is_refused_and_no_token_is_401(system: IntakeSystem) -> None:
    refused = _json(system, "POST", "/v1/sessions/seating", STAFF_TOKYO, FAMILY)
    assert refused.status_code == 403, refused.text
    nobody = system.client.get("/v1/sessions", None, params=QUERY)
    assert nobody.status_code == 401, nobody.text
