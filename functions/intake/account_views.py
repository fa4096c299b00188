"""What the administrators' login review answers with: each staff account of the
prefecture with its sign-ins and flags, and the idle policy it was judged by. Only the staff
user's own id, roles, state, instants and source addresses: no e-mail, no other attribute,
no applicant data."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kentei.accounts import AccountReview, IdlePolicy
from kentei.sign_ins import SignInSummary


class StaffAccountReview(BaseModel):
    """One staff account: its state, its last sign-in, its counts, and the review's flags."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    username: str = Field(description="the staff user's id in the user pool")
    roles: tuple[str, ...] = Field(description="its groups")
    mfa_enabled: bool
    enabled: bool
    created_at: AwareDatetime
    last_sign_in_at: AwareDatetime | None = None
    last_sign_in_source_ip: str | None = Field(None, description="where known")
    last_sign_in_mfa_used: bool | None = None
    sign_ins: int = Field(ge=0)
    failures: int = Field(ge=0, description="failed sign-ins recorded")
    last_failure_at: AwareDatetime | None = None
    never_used: bool = Field(description="no sign-in recorded")
    idle: bool = Field(description="no sign-in for longer than `idle_after_days`")
    idle_since: AwareDatetime = Field(description="the last sign-in, or the creation")
    warned_at: AwareDatetime | None = Field(
        None, description="when the idle-account job warned it, during this idle period"
    )

    @classmethod
    def of(cls, review: AccountReview, summary: SignInSummary | None) -> StaffAccountReview:
        account = review.account
        return cls(
            username=account.username,
            roles=account.roles,
            mfa_enabled=account.mfa_enabled,
            enabled=account.enabled,
            created_at=account.created_at,
            last_sign_in_at=review.last_sign_in_at,
            last_sign_in_source_ip=summary.last_source_ip if summary else None,
            last_sign_in_mfa_used=summary.last_mfa_used if summary else None,
            sign_ins=review.sign_ins,
            failures=review.failures,
            last_failure_at=review.last_failure_at,
            never_used=review.never_used,
            idle=review.idle,
            idle_since=review.idle_since,
            warned_at=review.warned_at,
        )


class StaffAccountsReview(BaseModel):
    """The login review of a prefecture: every staff account, by user name."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    prefecture_code: str
    as_of: AwareDatetime = Field(description="the instant the flags were judged at")
    idle_after_days: int = Field(ge=1, description="an account idle this long is flagged")
    warning_days: int = Field(ge=1, description="how long before the limit it is warned")
    accounts: tuple[StaffAccountReview, ...]

    @classmethod
    def of(
        cls,
        prefecture_code: str,
        as_of: AwareDatetime,
        policy: IdlePolicy,
        reviews: Sequence[tuple[AccountReview, SignInSummary | None]],
    ) -> StaffAccountsReview:
        return cls(
            prefecture_code=prefecture_code,
            as_of=as_of,
            idle_after_days=policy.limit.days,
            warning_days=policy.warning.days,
            accounts=tuple(StaffAccountReview.of(r, s) for r, s in reviews),
        )
