"""The administrators' login review (``GET /v1/admin/accounts``) through the real handler
over fakes: their prefecture's accounts only, with the sign-ins and the flags at the
injected instant; audited before the answer; other roles 403 (audited), no caller 401."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any, Final

import pytest

from intake import paths
from intake.account_review import review_staff_accounts
from kentei.accounts import Account, IdlePolicy
from kentei.callers import Caller, CallerKind, Role
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.sign_ins import SignInSummary

from .events import event, invoke
from .fakes import T0, Fakes, FakeStaffDirectory

ADMIN: Final = "staff:13:adm1:admin"
FIELDS: Final = {
    "username",
    "roles",
    "mfa_enabled",
    "enabled",
    "created_at",
    "last_sign_in_at",
    "last_sign_in_source_ip",
    "last_sign_in_mfa_used",
    "sign_ins",
    "failures",
    "last_failure_at",
    "never_used",
    "idle",
    "idle_since",
    "warned_at",
}
"""Everything an account shows: the staff user's own id, roles, state, instants, addresses."""


def _account(username: str, prefecture: str, *roles: str, days_old: int = 400) -> Account:
    return Account(
        username=username,
        prefecture_code=prefecture,
        roles=tuple(sorted(roles)),
        mfa_enabled=True,
        enabled=True,
        created_at=T0 - timedelta(days=days_old),
    )


def _summary(username: str, prefecture: str, days_ago: int, **changes: Any) -> SignInSummary:
    values: dict[str, Any] = {
        "username": username,
        "prefecture_code": prefecture,
        "last_sign_in_at": T0 - timedelta(days=days_ago),
        "last_source_ip": "192.0.2.10",
        "last_mfa_used": True,
        "sign_ins": 7,
        "failures": 2,
        "last_failure_at": T0 - timedelta(days=days_ago + 1),
    }
    return SignInSummary(**(values | changes))


@pytest.fixture
def seeded(fakes: Fakes) -> Fakes:
    """In 13: an active reviewer, an idle clerk (warned in this idle period), a new account
    never used, an old one never used, and the admin; in 27 an active account."""
    staff = fakes.staff
    for account in (
        _account("reviewer-13", "13", "reviewer"),
        _account("clerk-13", "13", "clerk"),
        _account("new-13", "13", "auditor", days_old=3),
        _account("old-13", "13", "results", days_old=120),
        _account("adm1", "13", "admin"),
        _account("reviewer-27", "27", "reviewer"),
    ):
        staff.accounts_by_user[account.username] = account
    for summary in (
        _summary("reviewer-13", "13", 1),
        _summary("clerk-13", "13", 100, last_source_ip=None, failures=0, last_failure_at=None),
        _summary("adm1", "13", 0),
        _summary("reviewer-27", "27", 1, last_source_ip="198.51.100.27"),
    ):
        staff.summaries[summary.username] = summary
    staff.warned[("13", "clerk-13")] = T0 - timedelta(days=10)
    # Warned before its last sign-in: an earlier idle period, not shown.
    staff.warned[("13", "reviewer-13")] = T0 - timedelta(days=30)
    staff.warned[("27", "reviewer-27")] = T0 - timedelta(days=1)
    return fakes


def _review(caller: str | None = ADMIN) -> tuple[int, Any]:
    status, _, body = invoke(event("GET", paths.ADMIN_ACCOUNTS, caller=caller))
    return status, body


def test_an_admin_sees_their_prefectures_accounts_with_the_flags(seeded: Fakes) -> None:
    status, body = _review()
    assert status == HTTPStatus.OK, body
    assert (body["prefecture_code"], body["idle_after_days"], body["warning_days"]) == (
        "13",
        90,
        14,
    )
    assert datetime.fromisoformat(body["as_of"]) == T0
    accounts = {a["username"]: a for a in body["accounts"]}
    assert list(accounts) == ["adm1", "clerk-13", "new-13", "old-13", "reviewer-13"]
    assert "reviewer-27" not in json.dumps(body)
    assert "198.51.100.27" not in json.dumps(body)
    assert seeded.staff.asked == ["13"]
    for account in accounts.values():
        assert set(account) == FIELDS

    active = accounts["reviewer-13"]
    assert datetime.fromisoformat(active["last_sign_in_at"]) == T0 - timedelta(days=1)
    assert (active["last_sign_in_source_ip"], active["last_sign_in_mfa_used"]) == (
        "192.0.2.10",
        True,
    )
    assert (active["sign_ins"], active["failures"], active["roles"]) == (7, 2, ["reviewer"])
    assert (active["never_used"], active["idle"], active["warned_at"]) == (False, False, None)

    idle = accounts["clerk-13"]
    assert (idle["idle"], idle["never_used"], idle["last_sign_in_source_ip"]) == (True, False, None)
    assert datetime.fromisoformat(idle["idle_since"]) == T0 - timedelta(days=100)
    assert datetime.fromisoformat(idle["warned_at"]) == T0 - timedelta(days=10)

    new, old = accounts["new-13"], accounts["old-13"]
    assert (new["never_used"], new["idle"], new["last_sign_in_at"], new["sign_ins"]) == (
        True,
        False,
        None,
        0,
    )
    assert (old["never_used"], old["idle"]) == (True, True)
    assert datetime.fromisoformat(old["idle_since"]) == T0 - timedelta(days=120)


def test_the_idle_period_is_the_configured_one(seeded: Fakes) -> None:
    seeded.staff.idle_policy = IdlePolicy(timedelta(days=200), timedelta(days=30))
    status, body = _review()
    assert status == HTTPStatus.OK, body
    assert (body["idle_after_days"], body["warning_days"]) == (200, 30)
    assert not any(a["idle"] for a in body["accounts"])


def test_the_review_is_audited_before_the_answer(seeded: Fakes) -> None:
    status, body = _review()
    assert status == HTTPStatus.OK, body
    (entry,) = seeded.audit.events
    assert (entry.action, entry.outcome, entry.record_type, entry.record_id) == (
        AuditAction.ACCOUNTS_REVIEWED,
        AuditOutcome.ALLOWED,
        "staff_account",
        "accounts",
    )
    assert (entry.prefecture_code, entry.user_id, entry.roles, entry.person_id) == (
        "13",
        "adm1",
        ("admin",),
        None,
    )
    assert entry.source_ip == "127.0.0.1"


def test_no_answer_when_the_review_cannot_be_audited(
    seeded: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(event: AuditEvent) -> None:
        raise RuntimeError("the audit table is unavailable")

    monkeypatch.setattr(seeded.audit, "record", fail)
    status, body = _review()
    assert status == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "reviewer-13" not in json.dumps(body)


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.ADMIN}))
def test_other_roles_are_refused_and_the_refusal_audited(seeded: Fakes, role: Role) -> None:
    status, body = _review(f"staff:13:someone:{role.value}")
    assert status == HTTPStatus.FORBIDDEN, body
    assert seeded.staff.asked == []
    (entry,) = seeded.audit.events
    assert (entry.action, entry.outcome, entry.prefecture_code) == (
        AuditAction.ACCOUNTS_REVIEWED,
        AuditOutcome.DENIED,
        "13",
    )


def test_a_bridge_is_refused(seeded: Fakes) -> None:
    status, body = _review("bridge:mynaportal")
    assert status == HTTPStatus.FORBIDDEN, body
    assert seeded.staff.asked == []


def test_no_caller_is_401(seeded: Fakes) -> None:
    status, body = _review(None)
    assert status == HTTPStatus.UNAUTHORIZED, body
    assert seeded.staff.asked == []
    assert seeded.audit.events == []


def test_an_admin_of_27_sees_27_only(seeded: Fakes) -> None:
    status, body = _review("staff:27:adm2:admin")
    assert status == HTTPStatus.OK, body
    assert [a["username"] for a in body["accounts"]] == ["reviewer-27"]
    assert body["accounts"][0]["last_sign_in_source_ip"] == "198.51.100.27"
    assert seeded.staff.asked == ["27"]


@dataclass
class _Leaky(FakeStaffDirectory):
    """A directory that answers every prefecture's data whatever it is asked."""

    def accounts(self, prefecture_code: str) -> list[Account]:
        return list(self.accounts_by_user.values())

    def sign_ins(self, prefecture_code: str) -> list[SignInSummary]:
        return list(self.summaries.values())


def test_the_review_keeps_the_admins_prefecture_whatever_the_directory_returns(
    seeded: Fakes,
) -> None:
    leaky = _Leaky(seeded.staff.accounts_by_user, seeded.staff.summaries)
    seeded.staff = leaky
    admin = Caller(
        CallerKind.STAFF, prefecture_code="13", user_id="adm1", roles=frozenset({Role.ADMIN})
    )
    review = review_staff_accounts(admin, "req-1", deps=seeded.dependencies())
    assert "reviewer-27" not in {a.username for a in review.accounts}
    assert "198.51.100.27" not in review.model_dump_json()
