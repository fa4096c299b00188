"""The idle-account job: warn staff accounts nearing the idle limit, disable those past it.

Per prefecture, at an instant given by the caller's clock: an enabled account idle (no
sign-in, or never used since its creation; :func:`kentei.accounts.review_accounts`) for more
than ``limit - warning`` is warned once (the warning recorded); one idle for more than
``limit`` is disabled only if it was warned during this idle period at least ``warning``
ago, and each disable is written to the audit trail. Running it twice at the same instant
does nothing the second time: a warned account is not warned again, a disabled one is
skipped.

Pure planning (:func:`plan`) and a runner over ports (:func:`run`); the scheduled message,
its queue and the ports' adapters are the owning function's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from kentei.accounts import IDLE_AFTER_DAYS, Account, AccountReview, review_accounts
from kentei.data.audit import AuditAction, AuditEvent
from kentei.sign_ins import SignInStore

WARNING_DAYS: Final = 14
"""How long before the limit an idle account is warned (the default of the setting)."""
ACTOR: Final = "system:idle-accounts"


@dataclass(frozen=True)
class IdlePolicy:
    limit: timedelta = timedelta(days=IDLE_AFTER_DAYS)
    warning: timedelta = timedelta(days=WARNING_DAYS)

    def __post_init__(self) -> None:
        if not timedelta(0) < self.warning < self.limit:
            raise ValueError("the warning comes after no time and before the limit")


@dataclass(frozen=True)
class IdlePlan:
    warn: tuple[str, ...]
    disable: tuple[str, ...]


class StaffAccounts(Protocol):
    def accounts(self, prefecture_code: str) -> list[Account]: ...

    def disable(self, username: str) -> None: ...


class IdleWarnings(Protocol):
    def warnings(self, prefecture_code: str) -> Mapping[str, datetime]:
        """The instant of each user's latest recorded warning."""

    def record_warning(self, prefecture_code: str, username: str, at: datetime) -> None: ...


class Audit(Protocol):
    def record(self, event: AuditEvent) -> None: ...


def plan(
    reviews: Sequence[AccountReview],
    warnings: Mapping[str, datetime],
    now: datetime,
    policy: IdlePolicy,
) -> IdlePlan:
    warn: list[str] = []
    disable: list[str] = []
    for review in reviews:
        if not review.account.enabled:
            continue
        username = review.account.username
        idle_for = now - review.idle_since
        warned_at = warnings.get(username)
        # A warning counts only for the current idle period (not one before a later sign-in).
        current = warned_at if warned_at is not None and warned_at >= review.idle_since else None
        if idle_for > policy.limit and current is not None and now - current >= policy.warning:
            disable.append(username)
        elif idle_for > policy.limit - policy.warning and current is None:
            warn.append(username)
    return IdlePlan(tuple(warn), tuple(disable))


def run(
    prefecture_code: str,
    *,
    accounts: StaffAccounts,
    sign_ins: SignInStore,
    warnings: IdleWarnings,
    audit: Audit,
    now: datetime,
    request_id: str,
    policy: IdlePolicy | None = None,
) -> IdlePlan:
    """Warn and disable the idle accounts of ``prefecture_code`` at ``now``; the plan done."""
    policy = policy or IdlePolicy()
    reviews = review_accounts(
        prefecture_code,
        accounts.accounts(prefecture_code),
        sign_ins.summaries(prefecture_code),
        now,
        policy.limit,
    )
    done = plan(reviews, warnings.warnings(prefecture_code), now, policy)
    for username in done.warn:
        warnings.record_warning(prefecture_code, username, now)
    for username in done.disable:
        accounts.disable(username)
        audit.record(
            AuditEvent(
                actor=ACTOR,
                action=AuditAction.ACCOUNT_DISABLED,
                record_type="staff_account",
                record_id=username,
                prefecture_code=prefecture_code,
                request_id=request_id,
                at=now,
            )
        )
    return done
