"""Staff choose the applicant among verify's candidates, through the local runtime over HTTP:
who may (staff of the prefecture), what is refused (403, 404, 422, 409), what is written
(the choice, its audit event, in one transaction) and sent (ids only)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from tests.integration.intake_helpers import (
    MYNAPORTAL,
    REVIEW,
    STAFF_OSAKA,
    STAFF_TOKYO,
    IntakeSystem,
    intake_system,
    mynaportal_body,
    new_key,
)

from kentei.applications import identity
from kentei.data.applications import PrefectureApplications
from kentei.data.audit import AuditAction, AuditTrail

CANDIDATE_NAMES = ("候補 一郎", "候補 二郎")


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"


def _under_review(system: IntakeSystem, *, candidates: bool) -> str:
    response = system.client.submit(mynaportal_body(), MYNAPORTAL, new_key())
    assert response.status_code == 202, response.text
    application_id: str = response.json()["application_id"]
    # Held for staff's choice, the person is not identified yet: no 資格仮名ID.
    system.under_review(application_id, person=None if candidates else PERSON)
    if candidates:
        repository = PrefectureApplications(application_id[:2])
        stored = repository.get(application_id)
        assert stored is not None
        evidence = {
            "outcome": identity.OUTCOME,
            identity.BASIS: identity.SEVERAL_RESIDENTS,
            identity.CANDIDATES: [
                {
                    "index": index,
                    "name": name,
                    "name_kana": None,
                    "birth_date": "1990-04-01",
                    "sex": "1",
                    "address": "東京都千代田区候補町1-1",
                    "status": "current",
                    "reference": f"v1:{index:064x}",
                }
                for index, name in enumerate(CANDIDATE_NAMES)
            ],
        }
        updated = stored.application.model_copy(update={"verification": evidence})
        repository.replace(stored, updated)
    return application_id


def _choose(
    system: IntakeSystem, application_id: str, caller: str | None, body: Any
) -> requests.Response:
    return system.client.request(
        "POST",
        f"{REVIEW}/{application_id}/identity",
        caller,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )


def _chosen_messages(system: IntakeSystem, application_id: str) -> list[dict[str, Any]]:
    bodies = [json.loads(m["Body"]) for m in system.queued()]
    return [
        b
        for b in bodies
        if b.get("kind") == "identity_chosen" and b["application_id"] == application_id
    ]


def test_staff_of_the_prefecture_choose_a_candidate_audited_and_sent_to_verify(
    system: IntakeSystem,
) -> None:
    application_id = _under_review(system, candidates=True)

    response = _choose(system, application_id, STAFF_TOKYO, {"candidate": 1})

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "under_review"
    for name in CANDIDATE_NAMES:
        assert name not in response.text
    stored = PrefectureApplications("13").get(application_id)
    assert stored is not None
    assert identity.chosen(stored.application) == 1
    assert identity.unconfirmed(stored.application)
    (message,) = _chosen_messages(system, application_id)
    assert message == {
        "kind": "identity_chosen",
        "application_id": application_id,
        "prefecture_code": "13",
    }
    events = AuditTrail().day("13", datetime.now(UTC).date())
    assert any(
        e.action is AuditAction.IDENTITY_CHOSEN
        and e.record_id == application_id
        and e.actor == STAFF_TOKYO
        for e in events
    )


def test_the_same_choice_retried_is_answered_again_and_another_is_409(
    system: IntakeSystem,
) -> None:
    application_id = _under_review(system, candidates=True)
    assert _choose(system, application_id, STAFF_TOKYO, {"candidate": 0}).status_code == 200

    again = _choose(system, application_id, STAFF_TOKYO, {"candidate": 0})
    other = _choose(system, application_id, STAFF_TOKYO, {"candidate": 1})

    assert again.status_code == 200
    assert other.status_code == 409
    assert other.json()["type"].endswith("identity-already-chosen")


def test_an_application_awaiting_a_choice_cannot_be_accepted(system: IntakeSystem) -> None:
    application_id = _under_review(system, candidates=True)

    response = system.client.decide(application_id, STAFF_TOKYO, "accept")

    assert response.status_code == 409
    assert response.json()["type"].endswith("identity-unconfirmed")


def test_a_bridge_may_not_choose(system: IntakeSystem) -> None:
    application_id = _under_review(system, candidates=True)

    assert _choose(system, application_id, MYNAPORTAL, {"candidate": 0}).status_code == 403
    assert _choose(system, application_id, None, {"candidate": 0}).status_code == 401


def test_staff_of_another_prefecture_get_404(system: IntakeSystem) -> None:
    application_id = _under_review(system, candidates=True)

    assert _choose(system, application_id, STAFF_OSAKA, {"candidate": 0}).status_code == 404


@pytest.mark.parametrize("body", [{"candidate": 2}, {"candidate": -1}, {"candidate": "0"}, {}])
def test_a_candidate_that_is_not_listed_is_422(system: IntakeSystem, body: Any) -> None:
    application_id = _under_review(system, candidates=True)

    response = _choose(system, application_id, STAFF_TOKYO, body)

    assert response.status_code == 422, response.text
    assert _chosen_messages(system, application_id) == []


def test_an_application_not_awaiting_a_choice_is_409(system: IntakeSystem) -> None:
    application_id = _under_review(system, candidates=False)

    response = _choose(system, application_id, STAFF_TOKYO, {"candidate": 0})

    assert response.status_code == 409
