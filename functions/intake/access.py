"""The caller of a request, and the rules finer than a route's: channels.

A request without a caller is a ``401``. Which callers a route admits (bridges, staff
roles) is the one table of :mod:`intake.authorization`, enforced before routing; here, each
bridge submits only its own channel and only staff submit paper (anything else ``403``).
What staff may see (their prefecture) is enforced by the data layer
(``kentei.data.applications``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from intake.errors import ForbiddenError, UnauthenticatedError
from kentei.callers import Caller, CallerKind, caller_from_event
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome

PAPER = "paper"


def request_id(event: Mapping[str, Any]) -> str:
    """API Gateway's id of the request (``x-amzn-RequestId``): for the audit trail."""
    context = event.get("requestContext") or {}
    return str(context.get("requestId") or "unknown")


def require_caller(event: Mapping[str, Any]) -> Caller:
    caller = caller_from_event(event)
    if caller is None:
        raise UnauthenticatedError("the request does not say who is calling")
    return caller


def authorize_submission(caller: Caller, channel: str) -> None:
    """Raise unless ``caller`` may submit an application through ``channel``."""
    if caller.kind is CallerKind.BRIDGE:
        if channel != caller.bridge:
            raise ForbiddenError(
                f"the {caller.bridge} bridge submits {caller.bridge} applications only"
            )
        return
    if channel != PAPER:
        raise ForbiddenError("staff submit paper applications only; the bridges submit online ones")


def require_staff(caller: Caller) -> Caller:
    if caller.kind is not CallerKind.STAFF or caller.prefecture_code is None:
        raise ForbiddenError("review is for association staff")
    return caller


def staff_prefecture(staff: Caller) -> str:
    """The prefecture a staff caller works in (every staff read and write is scoped to it);
    the routes admit staff only with one, so its absence is a programming error."""
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    return staff.prefecture_code


def staff_event(
    staff: Caller,
    action: AuditAction,
    record: tuple[str, str],
    *,
    person: str | None,
    at: datetime,
    request_id: str,
    outcome: AuditOutcome = AuditOutcome.SUCCEEDED,
) -> AuditEvent:
    """The audit entry of what ``staff`` did to ``record`` (its type and id) in their
    prefecture: ``ALLOWED`` for a read, ``SUCCEEDED`` (the default) for a write."""
    return AuditEvent.by(
        staff,
        action,
        record_type=record[0],
        record_id=record[1],
        prefecture_code=staff_prefecture(staff),
        request_id=request_id,
        at=at,
        outcome=outcome,
        person_id=person,
    )
