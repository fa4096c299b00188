"""The login review of a prefecture's staff accounts: each account with its last sign-in and
failures, flagged when never used or idle past the configured period.

Pure: the accounts (from the user pool) and the sign-in summaries (:mod:`kentei.sign_ins`)
come in, with the instant to judge at (an injected clock); only the given prefecture's
accounts come out, whatever the inputs hold. ``GET /v1/admin/accounts`` and the idle job are
to build on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from kentei.sign_ins import SignInSummary

IDLE_AFTER_DAYS: Final = 90
"""An account without a sign-in for this long is idle (the default of the setting)."""
WARNING_DAYS: Final = 14
"""How long before the limit an idle account is warned (the default of the setting)."""
IDLE_DAYS_ENV: Final = "KENTEI_STAFF_IDLE_DAYS"
WARNING_DAYS_ENV: Final = "KENTEI_STAFF_IDLE_WARNING_DAYS"


class IdlePolicyError(ValueError):
    """The idle settings are not whole days, or the warning does not come before the limit."""


@dataclass(frozen=True)
class IdlePolicy:
    """When an account is idle (``limit`` without a sign-in) and how long before the limit
    it is warned; the API's flags and the idle job read the same settings."""

    limit: timedelta = timedelta(days=IDLE_AFTER_DAYS)
    warning: timedelta = timedelta(days=WARNING_DAYS)

    def __post_init__(self) -> None:
        if not timedelta(0) < self.warning < self.limit:
            raise IdlePolicyError("the warning comes after no time and before the limit")

    @classmethod
    def of_days(cls, limit: object, warning: object) -> IdlePolicy:
        """From whole numbers of days (settings, context values); refused otherwise."""
        days = []
        for name, value in (("limit", limit), ("warning", warning)):
            text = str(value).strip()
            if not text.isascii() or not text.isdigit():
                raise IdlePolicyError(f"the idle {name} is a whole number of days")
            days.append(int(text))
        return cls(timedelta(days=days[0]), timedelta(days=days[1]))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> IdlePolicy:
        """The function's settings (:data:`IDLE_DAYS_ENV`, :data:`WARNING_DAYS_ENV`), each
        defaulting to this module's value."""
        return cls.of_days(
            environ.get(IDLE_DAYS_ENV, IDLE_AFTER_DAYS),
            environ.get(WARNING_DAYS_ENV, WARNING_DAYS),
        )

    def environment(self) -> dict[str, str]:
        return {IDLE_DAYS_ENV: str(self.limit.days), WARNING_DAYS_ENV: str(self.warning.days)}


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
    warned_at: datetime | None = None
    """When the idle job warned it, if during this idle period."""


def review_accounts(
    prefecture_code: str,
    accounts: Iterable[Account],
    summaries: Iterable[SignInSummary],
    now: datetime,
    *,
    idle_after: timedelta = timedelta(days=IDLE_AFTER_DAYS),
    warnings: Mapping[str, datetime] | None = None,
) -> list[AccountReview]:
    """Each account of ``prefecture_code``, by user name, with its flags at ``now``;
    ``warnings``: the idle job's latest warning of each user."""
    if idle_after <= timedelta(0):
        raise ValueError("the idle period is positive")
    warned = warnings or {}
    by_user = {s.username: s for s in summaries if s.prefecture_code == prefecture_code}
    reviews = []
    for account in sorted(accounts, key=lambda a: a.username):
        if account.prefecture_code != prefecture_code:
            continue
        summary = by_user.get(account.username)
        last = summary.last_sign_in_at if summary else None
        since = last or account.created_at
        warned_at = warned.get(account.username)
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
                # A warning counts only for the current idle period.
                warned_at=warned_at if warned_at is not None and warned_at >= since else None,
            )
        )
    return reviews
