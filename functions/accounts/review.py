"""The hourly review of the staff accounts, per prefecture that has accounts.

For each prefecture, as of the schedule's instant: first the failed sign-ins of its users
since the lookback (:data:`kentei.sign_ins.FAILURE_LOOKBACK`) are recorded from the pool's
authentication events, each once whatever the overlap between runs; then the idle job warns
and disables (:func:`kentei.idle_accounts.run`). Both are safe to run twice, so a retried or
redriven message changes nothing more. A prefecture that fails stops the run (the message is
retried); the ones before it are already done and stay done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from accounts.dependencies import Dependencies
from kentei import idle_accounts
from kentei.sign_ins import FAILURE_LOOKBACK, failures_from_auth_events, record_sign_in


@dataclass
class ReviewOutcome:
    """Counts only (no user names): what the run did."""

    prefectures: int = 0
    failures_recorded: int = 0
    warned: int = 0
    disabled: int = 0
    by_prefecture: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Prefecture → (warned, disabled)."""


def review_accounts(deps: Dependencies, at: datetime, request_id: str) -> ReviewOutcome:
    outcome = ReviewOutcome()
    for prefecture in deps.accounts.prefectures():
        outcome.prefectures += 1
        if deps.auth_events is not None:
            since = at - FAILURE_LOOKBACK
            for account in deps.accounts.accounts(prefecture):
                events = deps.auth_events.events(account.username, since)
                for failure in failures_from_auth_events(account.username, prefecture, events):
                    if failure.at <= at and record_sign_in(deps.sign_ins, failure):
                        outcome.failures_recorded += 1
        done = idle_accounts.run(
            prefecture,
            accounts=deps.accounts,
            sign_ins=deps.sign_ins,
            warnings=deps.warnings,
            audit=deps.audit,
            now=at,
            request_id=request_id,
            policy=deps.policy,
        )
        outcome.warned += len(done.warn)
        outcome.disabled += len(done.disable)
        outcome.by_prefecture[prefecture] = (len(done.warn), len(done.disable))
    return outcome
