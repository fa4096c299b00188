"""Status and review through the local runtime over HTTP: who sees what (a prefecture's staff,
the submitting bridge, nobody else), listings, decisions, audit, and resubmission."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from tests.integration.intake_helpers import (
    EGOV,
    MY_NUMBER,
    MYNAPORTAL,
    NAME,
    OSAKA,
    REVIEW,
    STAFF_OSAKA,
    STAFF_TOKYO,
    TOKYO,
    IntakeSystem,
    form,
    intake_system,
    mynaportal_body,
    new_key,
    paper_body,
)

from kentei.data.audit import AuditAction, AuditOutcome, AuditTrail

RETURN_REASON = {"code": "missing.photo", "field": "attachments", "message": "attach a photo"}
OTHER_TOKYO_STAFF = f"staff:{TOKYO}:reviewer2"


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


def _submit(system: IntakeSystem, body: dict[str, Any], caller: str, **params: str) -> str:
    response = system.client.submit(body, caller, new_key(), params=params or None)
    assert response.status_code == 202, response.text
    application_id: str = response.json()["application_id"]
    return application_id


def _under_review(system: IntakeSystem, body: dict[str, Any], caller: str = MYNAPORTAL) -> str:
    application_id = _submit(system, body, caller)
    system.under_review(application_id)
    return application_id


def _listed(system: IntakeSystem, caller: str, **params: str) -> list[str]:
    response = system.client.get(REVIEW, caller, params=params)
    assert response.status_code == 200, response.text
    return [item["application_id"] for item in response.json()["items"]]


def _no_personal_data(response: requests.Response) -> None:
    for value in (MY_NUMBER, NAME, "霞が関"):
        assert value not in response.text


def test_given_an_application_then_its_submitter_and_its_prefectures_staff_see_its_status(
    system: IntakeSystem,
) -> None:
    application_id = _submit(system, mynaportal_body(), MYNAPORTAL)

    for caller in (MYNAPORTAL, STAFF_TOKYO):
        response = system.client.get(f"/v1/applications/{application_id}", caller)
        assert response.status_code == 200, response.text
        status = response.json()
        assert status["status"] == "received"
        assert [h["status"] for h in status["history"]] == ["received"]
        assert "by" not in status["history"][0]
        _no_personal_data(response)


@pytest.mark.parametrize("caller", [EGOV, STAFF_OSAKA])
def test_given_an_application_then_anyone_else_gets_404(system: IntakeSystem, caller: str) -> None:
    application_id = _submit(system, mynaportal_body(), MYNAPORTAL)
    response = system.client.get(f"/v1/applications/{application_id}", caller)
    assert response.status_code == 404
    assert response.json()["type"] == "urn:kentei:problem:not-found"


def test_given_no_such_application_then_404_as_for_one_not_visible(system: IntakeSystem) -> None:
    for path in ("/v1/applications/13-0000000000000000000000ZZZZ", "/v1/applications/x"):
        assert system.client.get(path, STAFF_TOKYO).status_code == 404


def test_given_applications_of_two_prefectures_then_each_staff_lists_only_their_own(
    system: IntakeSystem,
) -> None:
    tokyo = _under_review(system, mynaportal_body())
    osaka = _under_review(system, mynaportal_body(form(prefecture_code=OSAKA)))

    tokyo_list, osaka_list = _listed(system, STAFF_TOKYO), _listed(system, STAFF_OSAKA)

    assert tokyo in tokyo_list
    assert osaka not in tokyo_list
    assert osaka in osaka_list
    assert tokyo not in osaka_list
    assert all(i.startswith(f"{OSAKA}-") for i in osaka_list)


def test_given_staff_of_another_prefecture_then_open_and_decide_are_404(
    system: IntakeSystem,
) -> None:
    application_id = _under_review(system, mynaportal_body())

    opened = system.client.get(f"{REVIEW}/{application_id}", STAFF_OSAKA)
    decided = system.client.decide(application_id, STAFF_OSAKA, "accept")

    assert (opened.status_code, decided.status_code) == (404, 404)
    _no_personal_data(opened)
    assert system.client.get(f"/v1/applications/{application_id}", STAFF_TOKYO).json()[
        "status"
    ] == ("under_review")


def test_given_a_bridge_then_review_is_403(system: IntakeSystem) -> None:
    application_id = _under_review(system, mynaportal_body())
    assert system.client.get(REVIEW, MYNAPORTAL).status_code == 403
    assert system.client.get(f"{REVIEW}/{application_id}", MYNAPORTAL).status_code == 403
    assert system.client.decide(application_id, MYNAPORTAL, "accept").status_code == 403


def test_given_a_listing_then_summaries_carry_no_names(system: IntakeSystem) -> None:
    _under_review(system, mynaportal_body())
    response = system.client.get(REVIEW, STAFF_TOKYO)
    _no_personal_data(response)
    item = response.json()["items"][0]
    assert set(item) >= {"application_id", "channel", "status", "received_at", "grade"}


def test_given_more_applications_than_a_page_then_the_cursor_walks_them_all_once(
    system: IntakeSystem,
) -> None:
    submitted = {_submit(system, paper_body(), STAFF_TOKYO) for _ in range(5)}
    seen: list[str] = []
    params = {"status": "received", "limit": "2"}
    while True:
        page = system.client.get(REVIEW, STAFF_TOKYO, params=params).json()
        seen.extend(item["application_id"] for item in page["items"])
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert submitted <= set(seen)
    assert len(seen) == len(set(seen))


def test_given_a_cursor_of_another_listing_then_422(system: IntakeSystem) -> None:
    for _ in range(2):
        _submit(system, paper_body(), STAFF_TOKYO)
    page = system.client.get(REVIEW, STAFF_TOKYO, params={"status": "received", "limit": "1"})
    cursor = page.json()["next_cursor"]
    response = system.client.get(
        REVIEW, STAFF_TOKYO, params={"status": "accepted", "cursor": cursor}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.cursor"


def test_given_staff_open_an_application_then_they_see_the_form_without_my_number_and_it_is_audited(
    system: IntakeSystem,
) -> None:
    application_id = _under_review(system, mynaportal_body())

    response = system.client.get(f"{REVIEW}/{application_id}", STAFF_TOKYO)

    assert response.status_code == 200, response.text
    opened = response.json()
    assert opened["form"]["name"] == NAME
    assert "my_number" not in opened["form"]
    assert MY_NUMBER not in response.text
    assert opened["attachments"][0]["name"] == "resume.pdf"
    assert isinstance(opened["findings"], list)
    assert [h["status"] for h in opened["history"]] == ["received", "verifying", "under_review"]
    events = [
        e
        for e in AuditTrail().day(TOKYO, datetime.now(UTC).date())
        if e.record_id == application_id
    ]
    assert [(e.actor, e.action, e.outcome) for e in events] == [
        (MYNAPORTAL, AuditAction.APPLICATION_RECEIVED, AuditOutcome.SUCCEEDED),
        (STAFF_TOKYO, AuditAction.APPLICATION_OPENED, AuditOutcome.ALLOWED),
    ]
    opened_event = events[-1]
    assert (opened_event.user_id, opened_event.roles, opened_event.source_ip) == (
        "reviewer1",
        ("clerk", "reviewer"),
        "127.0.0.1",
    )
    assert events[0].request_id
    raw = [
        i
        for i in system.scan("audit")
        if application_id in json.dumps(i) and i["action"]["S"] == "application.opened"
    ]
    assert len(raw) == 1
    assert int(raw[0]["expires_at"]["N"]) > datetime.now(UTC).timestamp() + 365 * 86400
    assert NAME not in json.dumps(raw, ensure_ascii=False)


def test_given_an_accepted_application_then_it_leaves_the_review_list(
    system: IntakeSystem,
) -> None:
    application_id = _under_review(system, mynaportal_body())

    response = system.client.decide(application_id, STAFF_TOKYO, "accept")

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    assert application_id not in _listed(system, STAFF_TOKYO)
    assert application_id in _listed(system, STAFF_TOKYO, status="accepted")


def test_given_a_decided_application_then_another_decision_is_409(system: IntakeSystem) -> None:
    application_id = _under_review(system, mynaportal_body())
    assert system.client.decide(application_id, STAFF_TOKYO, "accept").status_code == 200

    again = system.client.decide(application_id, OTHER_TOKYO_STAFF, "return", [RETURN_REASON])

    assert again.status_code == 409
    assert again.json()["type"] == "urn:kentei:problem:invalid-transition"


def test_given_a_decision_retried_by_its_staff_then_it_gets_the_same_answer(
    system: IntakeSystem,
) -> None:
    application_id = _under_review(system, mynaportal_body())
    first = system.client.decide(application_id, STAFF_TOKYO, "return", [RETURN_REASON])

    retried = system.client.decide(application_id, STAFF_TOKYO, "return", [RETURN_REASON])
    history = system.client.get(f"/v1/applications/{application_id}", MYNAPORTAL).json()

    assert first.status_code == retried.status_code == 200
    assert retried.json() == first.json()
    assert [change["status"] for change in history["history"]].count("returned") == 1


def test_given_a_returned_application_then_another_decision_by_its_staff_is_409(
    system: IntakeSystem,
) -> None:
    application_id = _under_review(system, mynaportal_body())
    system.client.decide(application_id, STAFF_TOKYO, "return", [RETURN_REASON])

    assert system.client.decide(application_id, STAFF_TOKYO, "accept").status_code == 409


def test_given_a_received_application_then_a_decision_is_409(system: IntakeSystem) -> None:
    application_id = _submit(system, mynaportal_body(), MYNAPORTAL)
    assert system.client.decide(application_id, STAFF_TOKYO, "accept").status_code == 409


def test_given_a_returned_application_then_the_bridge_sees_why(system: IntakeSystem) -> None:
    application_id = _under_review(system, mynaportal_body())

    returned = system.client.decide(application_id, STAFF_TOKYO, "return", [RETURN_REASON])
    status = system.client.get(f"/v1/applications/{application_id}", MYNAPORTAL).json()

    assert returned.status_code == 200, returned.text
    assert status["status"] == "returned"
    assert status["reasons"] == [RETURN_REASON]
    assert application_id in _listed(system, STAFF_TOKYO, status="returned")


PERSON = "P" * 26
"""The 資格仮名ID verify gives the applicant of the returned application."""
OTHER_PERSON = "O" * 26


def _returned(system: IntakeSystem, body: dict[str, Any], caller: str = MYNAPORTAL) -> str:
    """An application verify admitted for ``PERSON``, then returned by staff."""
    application_id = _submit(system, body, caller)
    assert system.under_review(application_id, PERSON) is None
    returned = system.client.decide(application_id, STAFF_TOKYO, "return", [RETURN_REASON])
    assert returned.status_code == 200, returned.text
    return application_id


def _status(system: IntakeSystem, application_id: str, caller: str = MYNAPORTAL) -> Any:
    response = system.client.get(f"/v1/applications/{application_id}", caller)
    assert response.status_code == 200, response.text
    return response.json()


def test_given_a_corrected_resubmission_then_it_names_the_returned_one_which_stays_until_verified(
    system: IntakeSystem,
) -> None:
    returned_id = _returned(system, mynaportal_body())
    before = _status(system, returned_id)

    new_id = _submit(system, mynaportal_body(), MYNAPORTAL, resubmission_of=returned_id)

    new = _status(system, new_id)
    assert new["resubmission_of"] == returned_id
    assert [h["status"] for h in new["history"]] == ["received"]
    assert new["reasons"] == []
    assert _status(system, returned_id) == before
    assert before["replaced_by"] is None
    assert returned_id in _listed(system, STAFF_TOKYO, status="returned")
    assert new_id in _listed(system, STAFF_TOKYO, status="received")


def test_given_the_resubmission_verified_as_the_same_person_then_it_replaces_the_returned_one(
    system: IntakeSystem,
) -> None:
    returned_id = _returned(system, mynaportal_body())
    new_id = _submit(system, mynaportal_body(), MYNAPORTAL, resubmission_of=returned_id)

    assert system.under_review(new_id, PERSON) is None

    new, old = _status(system, new_id), _status(system, returned_id)
    assert new["resubmission_of"] == returned_id
    assert old["replaced_by"] == new_id
    assert old["status"] == "returned"
    assert [h["status"] for h in new["history"]] == ["received", "verifying", "under_review"]
    assert new["reasons"] == []
    assert returned_id not in _listed(system, STAFF_TOKYO, status="returned")
    assert new_id in _listed(system, STAFF_TOKYO, status="under_review")
    today = datetime.now(UTC).date()
    replaced = [
        e
        for e in AuditTrail().day(TOKYO, today)
        if e.action is AuditAction.APPLICATION_REPLACED and e.record_id == returned_id
    ]
    assert [e.actor for e in replaced] == ["verify"]


def test_given_the_resubmission_verified_as_another_person_then_the_returned_one_is_untouched(
    system: IntakeSystem,
) -> None:
    returned_id = _returned(system, mynaportal_body())
    before = _status(system, returned_id)
    new_id = _submit(system, paper_body(), STAFF_TOKYO, resubmission_of=returned_id)

    assert system.under_review(new_id, OTHER_PERSON) == "resubmission.other_person"

    assert _status(system, returned_id) == before
    assert returned_id in _listed(system, STAFF_TOKYO, status="returned")


def test_given_a_replaced_application_then_a_second_resubmission_is_409(
    system: IntakeSystem,
) -> None:
    returned_id = _returned(system, mynaportal_body())
    first = _submit(system, mynaportal_body(), MYNAPORTAL, resubmission_of=returned_id)
    pending = system.client.submit(
        mynaportal_body(), MYNAPORTAL, new_key(), params={"resubmission_of": returned_id}
    )
    assert pending.status_code == 202, "until one is verified, the returned one is not replaced"
    assert system.under_review(first, PERSON) is None

    second = system.client.submit(
        mynaportal_body(), MYNAPORTAL, new_key(), params={"resubmission_of": returned_id}
    )

    assert second.status_code == 409
    assert second.json()["type"] == "urn:kentei:problem:resubmission-refused"


def test_given_an_application_not_returned_then_a_resubmission_of_it_is_409(
    system: IntakeSystem,
) -> None:
    pending = _submit(system, mynaportal_body(), MYNAPORTAL)
    response = system.client.submit(
        mynaportal_body(), MYNAPORTAL, new_key(), params={"resubmission_of": pending}
    )
    assert response.status_code == 409


def test_given_an_online_application_returned_then_staff_may_correct_it_on_paper(
    system: IntakeSystem,
) -> None:
    returned_id = _returned(system, mynaportal_body())

    new_id = _submit(system, paper_body(), STAFF_TOKYO, resubmission_of=returned_id)

    opened = system.client.get(f"{REVIEW}/{new_id}", STAFF_TOKYO).json()
    assert opened["resubmission_of"] == returned_id
    assert opened["paper"]["entered_by"] == STAFF_TOKYO
