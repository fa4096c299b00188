"""The association's administration, for administrators (role ``admin``) of their own
prefecture: the login review of the staff accounts."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from intake import paths
from intake.access import request_id, require_caller
from intake.account_review import review_staff_accounts
from intake.account_views import StaffAccountsReview
from intake.responses import documented

router = Router()  # type: ignore[no-untyped-call]


@router.get(
    paths.ADMIN_ACCOUNTS,
    summary="Review the staff accounts",
    description="Every staff account of the caller's prefecture, by user name: its roles, "
    "MFA state, whether it is enabled, its creation, its last sign-in (instant, source "
    "address, whether MFA was used), its sign-ins and failures, and the flags `never_used`, "
    "`idle` (no sign-in for longer than `idle_after_days`), `idle_since` and `warned_at` "
    "(the idle-account job's warning in this idle period). The staff user's own id only: no "
    "e-mail or other attribute. Written to the audit trail.",
    tags=["admin"],
    responses=documented(200, "The review", 401, 403),
)
def get_admin_accounts() -> StaffAccountsReview:
    event = router.current_event.raw_event
    return review_staff_accounts(require_caller(event), request_id(event))
