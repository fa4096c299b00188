"""What the accounts review works with: its ports, and their deployed (or local) adapters.

:func:`dependencies` builds them for each scheduled run: the pool's listing is read once per
run (:class:`kentei.data.staff_accounts.CognitoStaffAccounts` keeps it), so a run sees the
accounts as they are when it starts. Tests pass their own :class:`Dependencies` (in-memory
fakes) to :func:`accounts.review.review_accounts`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Protocol

from kentei import catalog
from kentei.accounts import IdlePolicy
from kentei.idle_accounts import Audit, IdleWarnings, StaffAccounts
from kentei.sign_ins import SignInStore

SIGN_IN_EVENTS_ENV: Final = "KENTEI_STAFF_SIGN_IN_EVENTS"
"""Where failed sign-ins come from: ``cognito`` (the pool's authentication events, which
threat protection keeps: deployed) or ``none`` (the local runtime, whose moto pool keeps no
events, records failures where it signs in)."""
SIGN_IN_EVENT_SOURCES: Final = ("cognito", "none")


class AuthEvents(Protocol):
    def events(self, username: str, since: datetime) -> Sequence[Mapping[str, Any]]:
        """The user's authentication events since ``since``, newest first."""
        ...


@dataclass(frozen=True)
class Dependencies:
    accounts: StaffAccounts
    sign_ins: SignInStore
    warnings: IdleWarnings
    audit: Audit
    auth_events: AuthEvents | None
    policy: IdlePolicy


class SettingError(RuntimeError):
    """A setting of the function is missing or wrong: the message is retried, then kept in
    the DLQ until the deployment is fixed."""


def dependencies(environ: Mapping[str, str] | None = None) -> Dependencies:
    from kentei.data.audit import AuditTrail
    from kentei.data.auth_events import CognitoAuthEvents
    from kentei.data.idle_warnings import DynamoIdleWarnings
    from kentei.data.sign_ins import DynamoSignInStore
    from kentei.data.staff_accounts import CognitoStaffAccounts

    env = os.environ if environ is None else environ
    pool = env.get(catalog.user_pool(catalog.STAFF_USER_POOL).env_var)
    if not pool:
        raise SettingError("the staff user pool is not set")
    source = env.get(SIGN_IN_EVENTS_ENV)
    if source not in SIGN_IN_EVENT_SOURCES:
        raise SettingError(f"{SIGN_IN_EVENTS_ENV} is one of {', '.join(SIGN_IN_EVENT_SOURCES)}")
    return Dependencies(
        accounts=CognitoStaffAccounts(pool),
        sign_ins=DynamoSignInStore(),
        warnings=DynamoIdleWarnings(),
        audit=AuditTrail(),
        auth_events=CognitoAuthEvents(pool) if source == "cognito" else None,
        policy=IdlePolicy.from_environment(env),
    )
