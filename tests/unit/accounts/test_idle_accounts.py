"""The idle-account job on fakes with a controllable clock: warned before the limit, disabled
past it only after a warning, each disable audited, safe to run twice, one prefecture only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from tests.unit.accounts.test_sign_ins import FakeSignInStore

from kentei.accounts import Account, IdlePolicy
from kentei.data.audit import AuditAction, AuditEvent
from kentei.idle_accounts import IdlePlan, run
from kentei.sign_ins import Outcome, SignIn

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
POLICY = IdlePolicy(limit=timedelta(days=90), warning=timedelta(days=14))


@dataclass
class FakeAccounts:
    by_name: dict[str, Account] = field(default_factory=dict)

    def add(self, name: str, prefecture: str = "13", created: datetime = START) -> None:
        self.by_name[name] = Account(name, prefecture, ("clerk",), True, True, created)

    def prefectures(self) -> list[str]:
        return sorted({a.prefecture_code for a in self.by_name.values()})

    def accounts(self, prefecture_code: str) -> list[Account]:
        return [a for a in self.by_name.values() if a.prefecture_code == prefecture_code]

    def disable(self, username: str) -> None:
        account = self.by_name[username]
        self.by_name[username] = Account(
            account.username,
            account.prefecture_code,
            account.roles,
            account.mfa_enabled,
            False,
            account.created_at,
        )


@dataclass
class FakeWarnings:
    kept: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def warnings(self, prefecture_code: str) -> dict[str, datetime]:
        return {u: at for (p, u), at in self.kept.items() if p == prefecture_code}

    def record_warning(self, prefecture_code: str, username: str, at: datetime) -> None:
        self.kept[(prefecture_code, username)] = at


@dataclass
class FakeAudit:
    events: list[AuditEvent] = field(default_factory=list)

    def record(self, event: AuditEvent) -> None:
        self.events.append(event)


@dataclass
class World:
    accounts: FakeAccounts = field(default_factory=FakeAccounts)
    sign_ins: FakeSignInStore = field(default_factory=FakeSignInStore)
    warnings: FakeWarnings = field(default_factory=FakeWarnings)
    audit: FakeAudit = field(default_factory=FakeAudit)

    def run(self, now: datetime, prefecture: str = "13") -> IdlePlan:
        return run(
            prefecture,
            accounts=self.accounts,
            sign_ins=self.sign_ins,
            warnings=self.warnings,
            audit=self.audit,
            now=now,
            request_id="schedule-1",
            policy=POLICY,
        )

    def sign_in(self, name: str, at: datetime, prefecture: str = "13") -> None:
        self.sign_ins.record(SignIn(name, prefecture, at, Outcome.SIGNED_IN, None, True))


def test_an_idle_account_is_warned_then_disabled_and_the_audit_says_so() -> None:
    world = World()
    world.accounts.add("idle")
    world.accounts.add("active")
    world.sign_in("idle", START)

    for day in range(0, 76, 5):  # up to 75 days idle: nothing
        world.sign_in("active", START + timedelta(days=day))
        assert world.run(START + timedelta(days=day)) == IdlePlan((), ())

    warned_at = START + timedelta(days=77)
    world.sign_in("active", warned_at)
    assert world.run(warned_at) == IdlePlan(("idle",), ())
    assert world.warnings.kept == {("13", "idle"): warned_at}
    assert world.run(warned_at) == IdlePlan((), ()), "safe to run twice"

    world.sign_in("active", START + timedelta(days=91))
    assert world.run(START + timedelta(days=91)) == IdlePlan((), ("idle",))
    assert world.accounts.by_name["idle"].enabled is False
    assert world.accounts.by_name["active"].enabled is True
    warned, disabled = world.audit.events
    assert (warned.action, warned.at) == (AuditAction.ACCOUNT_IDLE_WARNED, warned_at)
    assert disabled.action is AuditAction.ACCOUNT_DISABLED
    for event in (warned, disabled):
        assert (event.record_type, event.record_id, event.prefecture_code) == (
            "staff_account",
            "idle",
            "13",
        )
    assert world.run(START + timedelta(days=91)) == IdlePlan((), ()), "safe to run twice"
    assert len(world.audit.events) == 2


def test_no_disable_without_a_warning_given_at_least_the_warning_period_before() -> None:
    world = World()
    world.accounts.add("never-used")  # created at START, never signed in
    late = START + timedelta(days=200)
    assert world.run(late) == IdlePlan(("never-used",), ())
    assert world.run(late + timedelta(days=13)) == IdlePlan((), ())
    assert world.run(late + timedelta(days=14)) == IdlePlan((), ("never-used",))


def test_a_warning_before_a_later_sign_in_does_not_count() -> None:
    world = World()
    world.accounts.add("back")
    world.sign_in("back", START)
    world.run(START + timedelta(days=80))  # warned
    world.sign_in("back", START + timedelta(days=85))
    again = START + timedelta(days=85 + 91)
    assert world.run(again) == IdlePlan(("back",), ())
    assert world.accounts.by_name["back"].enabled is True


def test_only_the_prefecture_run_is_touched() -> None:
    world = World()
    world.accounts.add("osaka", prefecture="27")
    assert world.run(START + timedelta(days=365), prefecture="13") == IdlePlan((), ())
    assert world.warnings.kept == {}


def test_the_warning_falls_before_the_limit() -> None:
    with pytest.raises(ValueError, match="before the limit"):
        IdlePolicy(limit=timedelta(days=10), warning=timedelta(days=10))
