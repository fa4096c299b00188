"""Sign-in records: read from Cognito's post-authentication event, kept through the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from kentei.callers import PREFECTURE_CLAIM
from kentei.sign_ins import (
    POST_AUTHENTICATION,
    Outcome,
    SignIn,
    SignInEventError,
    SignInSummary,
    record_sign_in,
    sign_in_from_event,
)

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


@dataclass
class FakeSignInStore:
    """Keeps attempts in memory and summarises them like the DynamoDB store."""

    attempts: list[SignIn] = field(default_factory=list)

    def record(self, sign_in: SignIn) -> bool:
        key = (sign_in.username, sign_in.at, sign_in.outcome)
        if any((a.username, a.at, a.outcome) == key for a in self.attempts):
            return False
        self.attempts.append(sign_in)
        return True

    def summaries(self, prefecture_code: str) -> list[SignInSummary]:
        found: dict[str, SignInSummary] = {}
        for a in self.attempts:
            if a.prefecture_code != prefecture_code:
                continue
            s = found.get(a.username) or SignInSummary(
                a.username, prefecture_code, None, None, None, 0, 0, None
            )
            if a.outcome is Outcome.SIGNED_IN:
                s = SignInSummary(
                    a.username,
                    prefecture_code,
                    a.at,
                    a.source_ip,
                    a.mfa_used,
                    s.sign_ins + 1,
                    s.failures,
                    s.last_failure_at,
                )
            else:
                s = SignInSummary(
                    a.username,
                    prefecture_code,
                    s.last_sign_in_at,
                    s.last_source_ip,
                    s.last_mfa_used,
                    s.sign_ins,
                    s.failures + 1,
                    a.at,
                )
            found[a.username] = s
        return list(found.values())


def _event(**request: object) -> dict[str, object]:
    return {
        "version": "1",
        "triggerSource": POST_AUTHENTICATION,
        "region": "ap-northeast-1",
        "userPoolId": "ap-northeast-1_abc",
        "userName": "admin-13",
        "callerContext": {"awsSdkVersion": "1", "clientId": "client"},
        "request": {"userAttributes": {PREFECTURE_CLAIM: "13", "sub": "x"}, **request},
        "response": {},
    }


def test_the_event_names_user_prefecture_and_mfa() -> None:
    sign_in = sign_in_from_event(_event(), AT, mfa_required=True)
    assert sign_in == SignIn("admin-13", "13", AT, Outcome.SIGNED_IN, None, True)


def test_a_source_address_in_the_event_is_kept() -> None:
    event = _event(userContextData={"sourceIp": "203.0.113.7"})
    assert sign_in_from_event(event, AT, mfa_required=True).source_ip == "203.0.113.7"


@pytest.mark.parametrize(
    ("change", "field_name"),
    [
        ({"userName": ""}, "userName"),
        ({"request": {"userAttributes": {}}}, PREFECTURE_CLAIM),
        ({"request": {"userAttributes": {PREFECTURE_CLAIM: "Tokyo"}}}, PREFECTURE_CLAIM),
    ],
)
def test_an_event_without_user_or_prefecture_is_refused(
    change: dict[str, object], field_name: str
) -> None:
    with pytest.raises(SignInEventError) as refused:
        sign_in_from_event({**_event(), **change}, AT, mfa_required=True)
    assert refused.value.field == field_name


def test_recorded_sign_ins_are_summarised_per_prefecture() -> None:
    store = FakeSignInStore()
    record_sign_in(store, SignIn("admin-13", "13", AT, Outcome.FAILED, "203.0.113.7", False))
    record_sign_in(store, SignIn("admin-13", "13", AT, Outcome.SIGNED_IN, "203.0.113.7", True))
    record_sign_in(store, SignIn("admin-27", "27", AT, Outcome.SIGNED_IN, None, True))
    (summary,) = store.summaries("13")
    assert (summary.username, summary.sign_ins, summary.failures) == ("admin-13", 1, 1)
    assert summary.last_sign_in_at == AT
    assert summary.last_mfa_used is True


def test_a_sign_in_without_a_valid_prefecture_is_not_recorded() -> None:
    store = FakeSignInStore()
    with pytest.raises(SignInEventError):
        record_sign_in(store, SignIn("x", "", AT, Outcome.SIGNED_IN, None, True))
    assert store.attempts == []
