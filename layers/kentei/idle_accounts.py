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
from datetime import datetime
from typing import Final, Protocol

from kentei.accounts import Account, AccountReview, IdlePolicy, review_accounts
from kentei.data.audit import AuditAction, AuditEvent
from kentei.sign_ins import SignInStore

ACTOR: Final = "system:idle-accounts"


@dataclass(frozen=True)
class IdlePlan:
    warn: tuple[str, ...]
    disable: tuple[str, ...]


class StaffAccounts(Protocol):
    def prefectures(self) -> list[str]:
        """The prefectures that have staff accounts."""

    def accounts(self, prefecture_code: str) -> list[Account]: ...

    def disable(self, username: str) -> None: ...


class IdleWarnings(Protocol):
    def warnings(self, prefecture_code: str) -> Mapping[str, datetime]:
        """The instant of each user's latest recorded warning."""

    def record_warning(self, prefecture_code: str, username: str, at: datetime) -> None: ...


class Audit(Protocol):
    def record(self, event: AuditEvent) -> None: ...


def plan(reviews: Sequence[AccountReview], now: datetime, policy: IdlePolicy) -> IdlePlan:
    """Whom to warn and whom to disable at ``now`` (reviews made with the recorded warnings)."""
    warn: list[str] = []
    disable: list[str] = []
    for review in reviews:
        if not review.account.enabled:
            continue
        idle_for = now - review.idle_since
        warned_at = review.warned_at
        if idle_for > policy.limit and warned_at is not None and now - warned_at >= policy.warning:
            disable.append(review.account.username)
        elif idle_for > policy.limit - policy.warning and warned_at is None:
            warn.append(review.account.username)
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
        idle_after=policy.limit,
        warnings=warnings.warnings(prefecture_code),
    )
    done = plan(reviews, now, policy)

    def audited(action: AuditAction, username: str) -> None:
        audit.record(
            AuditEvent(
                actor=ACTOR,
                action=action,
                record_type="staff_account",
                record_id=username,
                prefecture_code=prefecture_code,
                request_id=request_id,
                at=now,
            )
        )

    for username in done.warn:
        warnings.record_warning(prefecture_code, username, now)
        audited(AuditAction.ACCOUNT_IDLE_WARNED, username)
    for username in done.disable:
        accounts.disable(username)
        audited(AuditAction.ACCOUNT_DISABLED, username)
    return done
