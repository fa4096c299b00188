"""Over real HTTP, through the local gateway, to the real intake handler."""

from __future__ import annotations

import requests

from intake import problems
from kentei.my_number import REDACTED, check_digit
from kentei_local import probes
from kentei_local.process import ServeProcess
from kentei_local.signin import credentials

# A valid My Number (check digit included), sent where a careless log line would pick it up.
FIRST_ELEVEN = "12345678901"
MY_NUMBER = f"{FIRST_ELEVEN}{check_digit(FIRST_ELEVEN)}"
MY_NUMBER_WRITTEN = f"{MY_NUMBER[:4]}-{MY_NUMBER[4:8]}-{MY_NUMBER[8:]}"


def test_health_answers_ok(local_system: ServeProcess) -> None:
    response = requests.get(f"{local_system.url}/v1/health", timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["status"] == "ok"
    assert response.headers["x-amzn-RequestId"]


def _staff(system: ServeProcess) -> dict[str, str]:
    """A staff member's token: without one the gateway answers 401 before intake runs."""
    return credentials(system.endpoints, "staff:13:api-tester").headers()


def test_an_unknown_route_is_a_not_found_problem_document(local_system: ServeProcess) -> None:
    response = requests.get(
        f"{local_system.url}/v1/no-such-route", headers=_staff(local_system), timeout=10
    )

    assert response.status_code == 404
    assert response.headers["Content-Type"] == problems.CONTENT_TYPE
    assert response.json()["type"] == problems.problem_type("not-found")


def test_a_request_carrying_a_my_number_is_answered_without_it(local_system: ServeProcess) -> None:
    # The session's scans of the output, the tables and the queues then prove it was not kept.
    response = requests.post(
        f"{local_system.url}/v1/applicants/{MY_NUMBER}",
        params={"my_number": MY_NUMBER},
        headers={"X-My-Number": MY_NUMBER_WRITTEN, **_staff(local_system)},
        json={"my_number": MY_NUMBER, "written": MY_NUMBER_WRITTEN},
        timeout=10,
    )

    # Refused before routing, naming where it was, never quoting it (hole 2 of issue 7).
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["path", "query.my_number"]
    assert probes.my_numbers_in(response.text) == []
    assert MY_NUMBER not in response.text
    assert all(MY_NUMBER not in value for value in response.headers.values())
    logged = probes.wait_until(
        lambda: next((line for line in local_system.lines if "POST /v1/applicants/" in line), None),
        5,
        "the gateway did not log the request",
    )
    assert f"/v1/applicants/{REDACTED} -> 422" in logged
