"""Staff sign-ins: what a sign-in record holds, read from Cognito's trigger event.

Each sign-in (and each failure a caller reports) of a staff user is recorded under the user's
prefecture: the user name (the staff user's own id, no other personal data), the instant, the
source address where one is known, and whether a second factor was used. The record of a
user keeps the last sign-in and counts sign-ins and failures; ``GET /v1/admin/accounts``
and the idle job read it.

Deployed, Cognito's post-authentication trigger calls :func:`record_sign_in` with
:func:`sign_in_from_event`, and the hourly accounts review records failures from the pool's
authentication events (:func:`failures_from_auth_events`). The trigger's event carries
neither the source address nor the challenges passed, so the address is taken from the
event when present and MFA is what the pool enforces (required: the trigger runs only after
every challenge passed). Locally, moto runs no triggers and the local runtime records the
same way after ``InitiateAuth`` succeeds or fails.

Pure: no I/O; the store is a port.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final, Protocol

from kentei.callers import PREFECTURE_CLAIM

POST_AUTHENTICATION: Final = "PostAuthentication_Authentication"


class Outcome(StrEnum):
    SIGNED_IN = "signed-in"
    FAILED = "failed"


class SignInEventError(ValueError):
    """The trigger's event does not name a user and a prefecture (``field`` names what)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"sign-in event lacks {field}")
        self.field = field


@dataclass(frozen=True)
class SignIn:
    """One attempt to sign in by a staff user."""

    username: str
    prefecture_code: str
    at: datetime
    outcome: Outcome
    source_ip: str | None
    mfa_used: bool


@dataclass(frozen=True)
class SignInSummary:
    """What is kept per user: the last sign-in and the counts."""

    username: str
    prefecture_code: str
    last_sign_in_at: datetime | None
    last_source_ip: str | None
    last_mfa_used: bool | None
    sign_ins: int
    failures: int
    last_failure_at: datetime | None


class SignInStore(Protocol):
    def record(self, sign_in: SignIn) -> bool:
        """Keep the attempt and update the user's summary, atomically; False (and nothing
        changed) if this attempt (user, instant and outcome) was kept already."""

    def summaries(self, prefecture_code: str) -> list[SignInSummary]:
        """Every user's summary in ``prefecture_code`` (and no other prefecture)."""


def _is_prefecture(value: object) -> bool:
    return isinstance(value, str) and len(value) == 2 and value.isascii() and value.isdigit()


def sign_in_from_event(event: Mapping[str, Any], at: datetime, *, mfa_required: bool) -> SignIn:
    """The sign-in a post-authentication event reports, at ``at`` (the trigger's clock).

    ``mfa_required``: the pool's MFA setting (deployed, required: every sign-in reaching the
    trigger passed the TOTP challenge)."""
    username = event.get("userName")
    if not isinstance(username, str) or not username:
        raise SignInEventError("userName")
    request = event.get("request") or {}
    attributes = request.get("userAttributes") or {}
    prefecture = attributes.get(PREFECTURE_CLAIM)
    if not _is_prefecture(prefecture):
        raise SignInEventError(PREFECTURE_CLAIM)
    context = request.get("userContextData") or {}
    source_ip = context.get("sourceIp") or context.get("ipAddress")
    return SignIn(
        username=username,
        prefecture_code=str(prefecture),
        at=at,
        outcome=Outcome.SIGNED_IN,
        source_ip=str(source_ip) if source_ip else None,
        mfa_used=mfa_required,
    )


def record_sign_in(store: SignInStore, sign_in: SignIn) -> bool:
    """Record ``sign_in`` (the trigger's, the sweep's and the local runtime's one entry
    point); False if it was recorded already."""
    if not _is_prefecture(sign_in.prefecture_code):
        raise SignInEventError("prefecture_code")
    return store.record(sign_in)


FAILURE_LOOKBACK: Final = timedelta(days=7)
"""How far back each sweep reads a user's sign-in events. The sweep runs hourly and a failure
already recorded is not counted twice, so a week covers a schedule stopped for days."""


def failures_from_auth_events(
    username: str, prefecture_code: str, events: Iterable[Mapping[str, Any]]
) -> list[SignIn]:
    """The failed sign-ins among a user's Cognito authentication events
    (``AdminListUserAuthEvents``'s ``AuthEvents``, threat protection's record of every
    attempt: the trigger only sees those that succeeded).

    A sign-in event whose response is ``Fail`` is a failure; ``mfa_used`` says the attempt
    reached the TOTP challenge (its password was right). Other events (sign-up, password
    change) and attempts still in progress are not sign-in failures."""
    failures = []
    for event in events:
        if event.get("EventType") != "SignIn" or event.get("EventResponse") != "Fail":
            continue
        at = event.get("CreationDate")
        if not isinstance(at, datetime):
            continue
        challenges = event.get("ChallengeResponses") or []
        context = event.get("EventContextData") or {}
        address = context.get("IpAddress")
        failures.append(
            SignIn(
                username=username,
                prefecture_code=prefecture_code,
                at=at,
                outcome=Outcome.FAILED,
                source_ip=str(address) if address else None,
                mfa_used=any(c.get("ChallengeName") == "Mfa" for c in challenges),
            )
        )
    return failures
