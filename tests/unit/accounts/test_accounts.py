"""The login review: own prefecture only, never-used and idle flags at an injected instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kentei.accounts import IDLE_AFTER_DAYS, Account, review_accounts
from kentei.sign_ins import SignInSummary

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CREATED = NOW - timedelta(days=400)


def _account(name: str, prefecture: str = "13", created: datetime = CREATED) -> Account:
    return Account(name, prefecture, ("admin",), True, True, created)


def _summary(name: str, last: datetime | None, prefecture: str = "13") -> SignInSummary:
    return SignInSummary(name, prefecture, last, None, True, 1 if last else 0, 2, None)


def test_only_the_prefectures_accounts_are_reviewed() -> None:
    reviews = review_accounts(
        "13",
        [_account("b-13"), _account("a-27", "27"), _account("a-13")],
        [_summary("a-27", NOW, "27")],
        NOW,
    )
    assert [r.account.username for r in reviews] == ["a-13", "b-13"]


def test_a_summary_of_another_prefecture_is_not_taken() -> None:
    (review,) = review_accounts("13", [_account("x")], [_summary("x", NOW, "27")], NOW)
    assert review.never_used


def test_recent_idle_and_never_used_accounts_are_flagged() -> None:
    limit = timedelta(days=IDLE_AFTER_DAYS)
    accounts = [
        _account("recent"),
        _account("idle"),
        _account("unused-old"),
        _account("unused-new", created=NOW - timedelta(days=1)),
    ]
    summaries = [
        _summary("recent", NOW - limit + timedelta(minutes=1)),
        _summary("idle", NOW - limit - timedelta(minutes=1)),
    ]
    flags = {
        r.account.username: (r.never_used, r.idle)
        for r in review_accounts("13", accounts, summaries, NOW)
    }
    assert flags == {
        "recent": (False, False),
        "idle": (False, True),
        "unused-old": (True, True),
        "unused-new": (True, False),
    }


def test_the_idle_period_is_a_setting() -> None:
    summaries = [_summary("a", NOW - timedelta(days=31))]
    (review,) = review_accounts(
        "13", [_account("a")], summaries, NOW, idle_after=timedelta(days=30)
    )
    assert review.idle
    assert review.failures == 2
    with pytest.raises(ValueError, match="positive"):
        review_accounts("13", [], [], NOW, idle_after=timedelta(0))
