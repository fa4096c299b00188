"""The login review of an association's administrator (role ``admin``): every staff account
of the administrator's own prefecture with its roles, MFA state, last sign-in and failures,
flagged when never used or idle past the configured period (:mod:`kentei.accounts`), and
when the idle-account job warned it.

The review is a read of the staff's own records (their ids, instants and source addresses):
it is written to the audit trail before the answer goes out. Every read is scoped to the
administrator's prefecture by the staff directory, and the review keeps that prefecture's
accounts only, whatever the directory returns.
"""

from __future__ import annotations

from intake.account_views import StaffAccountsReview
from intake.dependencies import Dependencies, dependencies
from kentei.accounts import review_accounts
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome

RECORD_TYPE = "staff_account"
RECORD_ID = "accounts"


def review_staff_accounts(
    admin: Caller, request_id: str, *, deps: Dependencies | None = None
) -> StaffAccountsReview:
    deps = deps or dependencies()
    prefecture = admin.prefecture_code
    if prefecture is None:
        raise ValueError("an administrator belongs to a prefecture")
    now = deps.clock()
    policy = deps.staff.policy()
    summaries = [s for s in deps.staff.sign_ins(prefecture) if s.prefecture_code == prefecture]
    reviews = review_accounts(
        prefecture,
        deps.staff.accounts(prefecture),
        summaries,
        now,
        idle_after=policy.limit,
        warnings=deps.staff.warnings(prefecture),
    )
    by_user = {s.username: s for s in summaries}
    deps.audit.record(
        AuditEvent.by(
            admin,
            AuditAction.ACCOUNTS_REVIEWED,
            record_type=RECORD_TYPE,
            record_id=RECORD_ID,
            prefecture_code=prefecture,
            request_id=request_id,
            at=now,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return StaffAccountsReview.of(
        prefecture, now, policy, [(r, by_user.get(r.account.username)) for r in reviews]
    )
