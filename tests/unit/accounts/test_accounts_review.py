"""The hourly accounts review on fakes: failed sign-ins from the pool's authentication events
are recorded once however often the events are read again, then the idle job runs, for every
prefecture that has accounts; and the deployed adapter reads Cognito's events as documented
(botocore's stubber stands in for Cognito, which moto does not implement)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from tests.unit.accounts.test_idle_accounts import FakeAccounts, FakeAudit, FakeWarnings
from tests.unit.accounts.test_sign_ins import FakeSignInStore

from accounts.dependencies import Dependencies, SettingError, dependencies
from accounts.review import review_accounts
from kentei import catalog
from kentei.accounts import IdlePolicy
from kentei.data.audit import AuditAction
from kentei.data.auth_events import CognitoAuthEvents
from kentei.sign_ins import FAILURE_LOOKBACK, Outcome, SignIn, failures_from_auth_events

NOW = datetime(2026, 12, 6, 3, 7, tzinfo=UTC)
POOL = f"{catalog.REGION}_Example1"


def _event(
    at: datetime,
    response: str = "Fail",
    kind: str = "SignIn",
    challenges: Sequence[str] = ("Password",),
) -> dict[str, Any]:
    return {
        "EventId": f"e-{at.timestamp()}-{response}",
        "EventType": kind,
        "CreationDate": at,
        "EventResponse": response,
        "EventRisk": {"RiskDecision": "NoRisk"},
        "ChallengeResponses": [
            {"ChallengeName": c, "ChallengeResponse": "Failure"} for c in challenges
        ],
        "EventContextData": {"IpAddress": "203.0.113.9"},
    }


@dataclass
class FakeAuthEvents:
    by_user: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def events(self, username: str, since: datetime) -> Sequence[Mapping[str, Any]]:
        return [e for e in self.by_user.get(username, []) if e["CreationDate"] >= since]


@dataclass
class World:
    accounts: FakeAccounts = field(default_factory=FakeAccounts)
    sign_ins: FakeSignInStore = field(default_factory=FakeSignInStore)
    warnings: FakeWarnings = field(default_factory=FakeWarnings)
    audit: FakeAudit = field(default_factory=FakeAudit)
    events: FakeAuthEvents | None = field(default_factory=FakeAuthEvents)

    def deps(self) -> Dependencies:
        return Dependencies(
            self.accounts, self.sign_ins, self.warnings, self.audit, self.events, IdlePolicy()
        )


def test_failures_are_kept_once_whatever_the_overlap_between_runs() -> None:
    world = World()
    world.accounts.add("clerk-13", created=NOW - timedelta(days=1))
    assert world.events is not None
    world.events.by_user["clerk-13"] = [
        _event(NOW - timedelta(minutes=30)),
        _event(NOW - timedelta(minutes=20), challenges=("Password", "Mfa")),
        _event(NOW - timedelta(minutes=10), response="Pass"),
        _event(NOW + timedelta(minutes=5)),  # after the run's instant: the next run's
    ]
    first = review_accounts(world.deps(), NOW, "schedule:1")
    assert first.failures_recorded == 2
    again = review_accounts(world.deps(), NOW + timedelta(hours=1), "schedule:2")
    assert again.failures_recorded == 1, "only the one that happened after the first run"
    (summary,) = world.sign_ins.summaries("13")
    assert summary.failures == 3
    failed = [a for a in world.sign_ins.attempts if a.outcome is Outcome.FAILED]
    assert [a.mfa_used for a in failed] == [False, True, False]
    assert {a.source_ip for a in failed} == {"203.0.113.9"}


def test_events_older_than_the_lookback_are_not_read_and_no_source_means_no_sweep() -> None:
    world = World()
    world.accounts.add("clerk-13", created=NOW - timedelta(days=30))
    assert world.events is not None
    world.events.by_user["clerk-13"] = [_event(NOW - FAILURE_LOOKBACK - timedelta(seconds=1))]
    assert review_accounts(world.deps(), NOW, "schedule:1").failures_recorded == 0
    world.events.by_user["clerk-13"] = [_event(NOW - timedelta(minutes=1))]
    world.events = None
    assert review_accounts(world.deps(), NOW, "schedule:1").failures_recorded == 0


def test_every_prefecture_with_accounts_is_reviewed_and_the_counts_name_no_user() -> None:
    world = World()
    long_ago = NOW - timedelta(days=200)
    world.accounts.add("idle-13", "13", created=long_ago)
    world.accounts.add("idle-27", "27", created=long_ago)
    world.accounts.add("fresh-27", "27", created=NOW)
    outcome = review_accounts(world.deps(), NOW, "schedule:1")
    assert (outcome.prefectures, outcome.warned, outcome.disabled) == (2, 2, 0)
    assert outcome.by_prefecture == {"13": (1, 0), "27": (1, 0)}
    assert {(e.prefecture_code, e.record_id) for e in world.audit.events} == {
        ("13", "idle-13"),
        ("27", "idle-27"),
    }
    assert all(e.action is AuditAction.ACCOUNT_IDLE_WARNED for e in world.audit.events)
    assert "idle" not in repr(outcome.by_prefecture)


def test_only_failed_sign_ins_become_failures() -> None:
    events = [
        _event(NOW, response="Pass"),
        _event(NOW, response="InProgress"),
        _event(NOW, kind="PasswordChange"),
        _event(NOW),
        {"EventType": "SignIn", "EventResponse": "Fail"},  # no instant: not counted
    ]
    (failure,) = failures_from_auth_events("clerk-13", "13", events)
    assert failure == SignIn("clerk-13", "13", NOW, Outcome.FAILED, "203.0.113.9", False)


def test_the_cognito_adapter_pages_newest_first_and_stops_at_the_lookback() -> None:
    client = boto3.client(
        "cognito-idp",
        region_name=catalog.REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    since = NOW - timedelta(hours=2)
    newest, older, too_old = (
        _event(NOW - timedelta(minutes=5)),
        _event(NOW - timedelta(hours=1)),
        _event(NOW - timedelta(hours=3)),
    )
    with Stubber(client) as stub:
        stub.add_response(
            "admin_list_user_auth_events",
            {"AuthEvents": [newest], "NextToken": "page-2"},
            {"UserPoolId": POOL, "Username": "clerk-13", "MaxResults": 60},
        )
        stub.add_response(
            "admin_list_user_auth_events",
            {"AuthEvents": [older, too_old], "NextToken": "page-3"},
            {"UserPoolId": POOL, "Username": "clerk-13", "MaxResults": 60, "NextToken": "page-2"},
        )
        found = CognitoAuthEvents(POOL, client).events("clerk-13", since)
        stub.assert_no_pending_responses()
    assert found == [newest, older]


def test_the_function_refuses_to_run_without_its_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for table in ("records", "audit"):
        monkeypatch.setenv(catalog.table(table).env_var, f"kentei-test-{table}")
    pool = catalog.user_pool(catalog.STAFF_USER_POOL).env_var
    with pytest.raises(SettingError, match="pool"):
        dependencies({})
    with pytest.raises(SettingError, match="KENTEI_STAFF_SIGN_IN_EVENTS"):
        dependencies({pool: POOL, "KENTEI_STAFF_SIGN_IN_EVENTS": "maybe"})
    built = dependencies({pool: POOL, "KENTEI_STAFF_SIGN_IN_EVENTS": "none"})
    assert built.auth_events is None
    assert built.policy == IdlePolicy()
