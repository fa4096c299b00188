"""The login review of a prefecture's staff accounts: each account with its last sign-in and
failures, flagged when never used or idle past the configured period.

Pure: the accounts (from the user pool) and the sign-in summaries (:mod:`kentei.sign_ins`)
come in, with the instant to judge at (an injected clock); only the given prefecture's
accounts come out, whatever the inputs hold. ``GET /v1/admin/accounts`` and the idle job are
to build on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from kentei.sign_ins import SignInSummary

IDLE_AFTER_DAYS: Final = 90
"""An account without a sign-in for this long is idle (the default of the setting)."""


@dataclass(frozen=True)
class Account:
    """A staff account of the user pool: its id, prefecture, groups and state."""

    username: str
    prefecture_code: str
    roles: tuple[str, ...]
    mfa_enabled: bool
    enabled: bool
    created_at: datetime


@dataclass(frozen=True)
class AccountReview:
    account: Account
    last_sign_in_at: datetime | None
    sign_ins: int
    failures: int
    last_failure_at: datetime | None
    never_used: bool
    idle: bool
    idle_since: datetime
    """The last sign-in, or the creation for an account never used."""


def review_accounts(
    prefecture_code: str,
    accounts: Iterable[Account],
    summaries: Iterable[SignInSummary],
    now: datetime,
    idle_after: timedelta = timedelta(days=IDLE_AFTER_DAYS),
) -> list[AccountReview]:
    """Each account of ``prefecture_code``, by user name, with its flags at ``now``."""
    if idle_after <= timedelta(0):
        raise ValueError("the idle period is positive")
    by_user = {s.username: s for s in summaries if s.prefecture_code == prefecture_code}
    reviews = []
    for account in sorted(accounts, key=lambda a: a.username):
        if account.prefecture_code != prefecture_code:
            continue
        summary = by_user.get(account.username)
        last = summary.last_sign_in_at if summary else None
        since = last or account.created_at
        reviews.append(
            AccountReview(
                account=account,
                last_sign_in_at=last,
                sign_ins=summary.sign_ins if summary else 0,
                failures=summary.failures if summary else 0,
                last_failure_at=summary.last_failure_at if summary else None,
                never_used=last is None,
                idle=now - since > idle_after,
                idle_since=since,
            )
        )
    return reviews
