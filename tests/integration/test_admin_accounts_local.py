"""The administrators' login review through the local runtime over HTTP, with ID tokens of
the local user pool: the admin of 13 sees 13's accounts (read from the pool in moto) with
the sign-ins the runtime recorded; an account whose only sign-in is long past is idle; no
account of 27 appears; another role is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.integration.intake_helpers import OSAKA, TOKYO, IntakeSystem, intake_system

from kentei.data.sign_ins import DynamoSignInStore
from kentei.sign_ins import Outcome, SignIn, record_sign_in
from kentei_local import cognito
from kentei_local.cognito import StaffUser
from kentei_local.resources import physical_name

PATH = "/v1/admin/accounts"
ADMIN = f"staff:{TOKYO}:admin-{TOKYO}:admin"
REVIEWER = f"staff:{TOKYO}:reviewer-{TOKYO}:reviewer"
IDLE_USER = "dormant-clerk-13"
LONG_AGO = timedelta(days=200)


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


@pytest.fixture(scope="module")
def dormant(system: IntakeSystem) -> datetime:
    """A clerk of 13 made in the pool, never signed in by the test, whose only recorded
    sign-in is 200 days old."""
    endpoints = system.runtime.endpoints
    cognito.ensure_user(
        endpoints.cognito, StaffUser(IDLE_USER, cognito.new_password(), TOKYO, ("clerk",))
    )
    at = datetime.now(UTC) - LONG_AGO
    store = DynamoSignInStore(physical_name("records"), client=system.runtime.dynamodb())
    sign_in = SignIn(IDLE_USER, TOKYO, at, Outcome.SIGNED_IN, "192.0.2.44", mfa_used=True)
    assert record_sign_in(store, sign_in)
    return at


def _review(system: IntakeSystem, caller: str) -> dict[str, Any]:
    response = system.client.get(PATH, caller)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_admin_of_13_reviews_13s_accounts(system: IntakeSystem, dormant: datetime) -> None:
    # The reviewer signs in (the runtime records it), so its account shows the sign-in.
    system.client.credentials(REVIEWER)
    body = _review(system, ADMIN)
    assert body["prefecture_code"] == TOKYO
    assert (body["idle_after_days"], body["warning_days"]) == (90, 14)
    accounts = {a["username"]: a for a in body["accounts"]}
    assert {f"admin-{TOKYO}", f"reviewer-{TOKYO}", IDLE_USER} <= set(accounts)
    assert not any(name.endswith(f"-{OSAKA}") for name in accounts), sorted(accounts)

    admin = accounts[f"admin-{TOKYO}"]
    assert admin["roles"] == ["admin"]
    assert admin["last_sign_in_at"] is not None
    assert (admin["never_used"], admin["idle"]) == (False, False)

    reviewer = accounts[f"reviewer-{TOKYO}"]
    assert reviewer["last_sign_in_at"] is not None
    assert reviewer["last_sign_in_source_ip"] == "127.0.0.1"
    assert reviewer["sign_ins"] >= 1

    idle = accounts[IDLE_USER]
    assert (idle["idle"], idle["never_used"], idle["roles"]) == (True, False, ["clerk"])
    assert datetime.fromisoformat(idle["last_sign_in_at"]) == dormant
    assert datetime.fromisoformat(idle["idle_since"]) == dormant
    assert idle["last_sign_in_source_ip"] == "192.0.2.44"

    # A seeded account of 13 nobody signed in to: never used, not idle (made at start).
    auditor = accounts[f"auditor-{TOKYO}"]
    assert (auditor["never_used"], auditor["idle"], auditor["last_sign_in_at"]) == (
        True,
        False,
        None,
    )
    for account in accounts.values():
        assert "email" not in account


def test_the_review_is_in_the_trail(system: IntakeSystem, dormant: datetime) -> None:
    _review(system, ADMIN)
    entries = [
        item
        for item in system.scan("audit")
        if item.get("action", {}).get("S") == "account.reviewed"
    ]
    assert entries, "no account.reviewed entry"
    assert {e["prefecture_code"]["S"] for e in entries} == {TOKYO}
    assert {e.get("user_id", {}).get("S") for e in entries} >= {f"admin-{TOKYO}"}


def test_the_admin_of_27_sees_no_account_of_13(system: IntakeSystem, dormant: datetime) -> None:
    body = _review(system, f"staff:{OSAKA}:admin-{OSAKA}:admin")
    names = {a["username"] for a in body["accounts"]}
    assert f"admin-{OSAKA}" in names
    assert IDLE_USER not in names
    assert not any(name.endswith(f"-{TOKYO}") for name in names), sorted(names)


def test_a_reviewer_is_refused(system: IntakeSystem) -> None:
    response = system.client.get(PATH, REVIEWER)
    assert response.status_code == 403, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "admin-" not in response.text


def test_no_token_is_401(system: IntakeSystem) -> None:
    assert system.client.get(PATH, None).status_code == 401
