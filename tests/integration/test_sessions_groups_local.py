"""A group application (団体申込) through the local runtime over HTTP: staff key in paper
applications of one company (the same applying group) interleaved with individual ones,
reviewers accept them in that order, and the exam office's seating run puts the group's
members in one session, the individuals around them by acceptance; the group's combined
payment is then recorded on each member's sitting by the counter."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.intake_helpers import (
    STAFF_TOKYO,
    TOKYO,
    IntakeSystem,
    intake_system,
    new_key,
    paper_body,
)

from kentei.records.fields import JST

OFFICE = f"staff:{TOKYO}:exam-admin-{TOKYO}:exam_admin"
CLERK = f"staff:{TOKYO}:clerk-{TOKYO}:clerk"
OTHER_CLERK = "staff:27:clerk-27:clerk"
FAMILY = {
    "exam_round": {"fiscal_year": 2026, "term": "前期"},
    "trade_code": "0701",
    "work_code": "070101",
    "grade": "2級",
    "part": "written",
}
HALL = {"name": "東京都立城南職業能力開発センター", "address": "東京都品川区東大井1-13-6"}
COMPANY = {"code": "G0701", "name": "株式会社 試験製作所", "type": "事業主"}


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


def _session(system: IntakeSystem, room: str, starts_at: str, capacity: int) -> str:
    draft = {
        **FAMILY,
        "exam_date": "2026-08-30",
        "starts_at": starts_at,
        "ends_at": f"{int(starts_at[:2]) + 2:02d}{starts_at[2:]}",
        "venue": {**HALL, "room": room},
        "capacity": capacity,
    }
    response = _json(system, "POST", "/v1/sessions", OFFICE, draft)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["session_id"]
    return session_id


def _accept(system: IntakeSystem, n: int, group: dict[str, str] | None) -> str:
    body = paper_body() if group is None else paper_body(group=group)
    response = system.client.submit(body, STAFF_TOKYO, new_key())
    assert response.status_code == 202, response.text
    application_id: str = response.json()["application_id"]
    assert system.under_review(application_id, person=f"grouped{n:04d}abcdefghijklmno") is None
    decided = system.client.decide(application_id, STAFF_TOKYO, "accept")
    assert decided.status_code == 200, decided.text
    return application_id


def _seated(system: IntakeSystem, session_id: str) -> set[str]:
    response = system.client.get(f"/v1/sessions/{session_id}/seats", OFFICE)
    assert response.status_code == 200, response.text
    return {seat["application_id"] for seat in response.json()["items"]}


def test_a_group_of_paper_applications_is_seated_together(system: IntakeSystem) -> None:
    room_a = _session(system, "第1教室", "09:30:00", 2)
    room_b = _session(system, "第2教室", "13:00:00", 3)
    kinds = [None, COMPANY, None, COMPANY, COMPANY]
    accepted = [_accept(system, n, group) for n, group in enumerate(kinds)]
    members = {a for a, group in zip(accepted, kinds, strict=True) if group}

    run = _json(system, "POST", "/v1/sessions/seating", OFFICE, FAMILY)
    assert run.status_code == 200, run.text
    assert (run.json()["seated"], run.json()["waiting"]) == (5, 0), run.text

    # The first individual takes room A; the group (placed at its first member's acceptance)
    # needs three seats, which only room B has; the second individual takes A's last seat.
    assert _seated(system, room_b) == members
    assert _seated(system, room_a) == {accepted[0], accepted[2]}

    # The roster keeps the group's code on each member's sitting, never its name.
    review = system.client.get(f"/v1/review/applications/{accepted[1]}", STAFF_TOKYO)
    assert review.status_code == 200, review.text
    assert review.json()["group"] == COMPANY
    sittings = [
        json.loads(item["sitting"]["S"])
        for item in system.records()
        if item["record_key"]["S"].startswith("SITTING#")
    ]
    by_application = {s["application_id"]: s for s in sittings}
    for application_id in accepted:
        sitting = by_application[application_id]
        if application_id in members:
            assert (sitting["group_or_individual"], sitting["applying_group_code"]) == (
                "団体",
                "G0701",
            )
        else:
            assert (sitting["group_or_individual"], sitting["applying_group_code"]) == (
                "個人",
                None,
            )
        assert COMPANY["name"] not in json.dumps(sitting, ensure_ascii=False)


def test_a_groups_combined_payment_is_recorded_on_each_members_sitting(
    system: IntakeSystem,
) -> None:
    members = [_accept(system, 100 + n, COMPANY) for n in range(2)]
    individual = _accept(system, 110, None)
    today = dt.datetime.now(JST).date().isoformat()
    combined = {"application_ids": members, "method": "口座振込", "paid_on": today}

    # An individual's sitting is not of the group: nothing is paid.
    mixed = {**combined, "application_ids": [*members, individual]}
    refused = _json(system, "POST", "/v1/roster/payments", CLERK, mixed)
    assert refused.status_code == 422, refused.text
    assert _json(system, "POST", "/v1/roster/payments", OTHER_CLERK, combined).status_code == 404

    paid = _json(system, "POST", "/v1/roster/payments", CLERK, combined)
    assert paid.status_code == 200, paid.text
    assert paid.json()["total"] == 2 * (3100 + 17900)
    for sitting in paid.json()["sittings"]:
        assert {p["status"] for p in sitting["fees"]["parts"]} == {"納付済"}
    again = _json(system, "POST", "/v1/roster/payments", CLERK, combined)
    assert (again.status_code, again.json()) == (200, paid.json())

    # One sitting at a time: the individual's written fee, then the same again, then another.
    path = f"/v1/roster/sittings/{individual}/payments"
    payment = {"parts": ["written"], "method": "現金", "paid_on": today}
    one = _json(system, "POST", path, CLERK, payment)
    assert one.status_code == 200, one.text
    assert _json(system, "POST", path, CLERK, payment).json() == one.json()
    other = _json(system, "POST", path, CLERK, {**payment, "method": "納付書"})
    assert other.status_code == 409, other.text
    assert _json(system, "POST", path, OTHER_CLERK, payment).status_code == 404

    # The roster view shows the fees, paid, and the group.
    viewed = system.client.get("/v1/roster/examinees/grouped0100abcdefghijklmno", OFFICE)
    assert viewed.status_code == 200, viewed.text
    (sitting,) = viewed.json()["sittings"]
    assert sitting["applying_group_code"] == COMPANY["code"]
    assert sitting["fees"]["total"] == 3100 + 17900
    assert {p["method"] for p in sitting["fees"]["parts"]} == {"口座振込"}

    recorded = [
        item
        for item in system.scan("audit")
        if item.get("action", {}).get("S") == "fee.payment_recorded"
        and item.get("outcome", {}).get("S") == "succeeded"
    ]
    assert sorted(item["record_id"]["S"] for item in recorded) == sorted([*members, individual])
