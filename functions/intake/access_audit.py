"""Refused accesses in the audit trail: a ``403`` by role and a ``404`` outside the caller's
scope, on a route that touches personal data (:attr:`intake.authorization.Rule.action`).

Recorded after the answer is decided and without personal data: the caller, the route's
action, the application (or session) id from the path only when it is a well-formed id (a
malformed one is client text and is not kept), and the outcome. Staff refusals go to their
prefecture's trail; a bridge's to the prefecture of the application (or change request)
it named, and are not recorded when it named none (a bridge has no prefecture; the gateway's
access log has those requests).
A refusal's entry must not change the refusal: if it cannot be written, the error is
logged (type only) and the answer goes out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Final

from intake import paths
from intake.access import request_id
from intake.authorization import route_of
from intake.dependencies import Dependencies, dependencies
from intake.telemetry import instruments
from kentei.applications.model import prefecture_of
from kentei.callers import Caller, CallerKind, caller_from_event
from kentei.change_requests import prefecture_of_request
from kentei.data.audit import AuditEvent, AuditOutcome
from kentei.initial_registrations import prefecture_of_initial_registration
from kentei.messages import IMPORT_ID_PATTERN
from kentei.sessions.model import SESSION_ID_PATTERN

_SESSION_ID: Final = re.compile(SESSION_ID_PATTERN)
_OUTCOMES: Final = {
    HTTPStatus.FORBIDDEN: AuditOutcome.DENIED,
    HTTPStatus.NOT_FOUND: AuditOutcome.NOT_FOUND,
}


def refusal_event(
    event: Mapping[str, Any], status: int, deps: Dependencies | None = None
) -> AuditEvent | None:
    """The audit event of a refused access to personal data, or None when there is none."""
    outcome = _OUTCOMES.get(HTTPStatus(status)) if status in _OUTCOMES else None
    route = route_of(event)
    if outcome is None or route is None or route.rule is None or route.rule.action is None:
        return None
    caller = caller_from_event(event)
    if caller is None:
        return None
    application_id = paths.parameter(route.template, str(event.get("path")), "application_id")
    if application_id is not None and prefecture_of(application_id) is None:
        application_id = None
    change_request_id = paths.parameter(route.template, str(event.get("path")), "request_id")
    if change_request_id is not None and prefecture_of_request(change_request_id) is None:
        change_request_id = None
    registration_id = paths.parameter(route.template, str(event.get("path")), "registration_id")
    if registration_id is not None and prefecture_of_initial_registration(registration_id):
        change_request_id = registration_id  # read as a signed request's id, as below
    prefecture = _prefecture(caller, application_id, change_request_id)
    if prefecture is None:
        return None
    session_id = paths.parameter(route.template, str(event.get("path")), "session_id")
    if session_id is not None and not _SESSION_ID.match(session_id):
        session_id = None
    import_id = paths.parameter(route.template, str(event.get("path")), "import_id")
    if import_id is not None and not IMPORT_ID_PATTERN.match(import_id):
        import_id = None
    return AuditEvent.by(
        caller,
        route.rule.action,
        record_type=route.rule.record_type,
        record_id=application_id or change_request_id or session_id or import_id or "-",
        prefecture_code=prefecture,
        request_id=request_id(event),
        at=(deps or dependencies()).clock(),
        outcome=outcome,
    )


def record_refusal(event: Mapping[str, Any], status: int) -> None:
    """Record a refused access (see the module); never raises."""
    if status not in _OUTCOMES:
        return
    try:
        deps = dependencies()
        refused = refusal_event(event, status, deps)
        if refused is not None:
            deps.audit.record(refused)
    except Exception as exc:
        instruments.logger.error("refusal not audited", extra={"error": type(exc).__name__})
        instruments.count("AuditRefusalsNotRecorded")


def _prefecture(
    caller: Caller, application_id: str | None, change_request_id: str | None
) -> str | None:
    if caller.kind is CallerKind.STAFF:
        return caller.prefecture_code
    if change_request_id is not None:
        return prefecture_of_request(change_request_id) or prefecture_of_initial_registration(
            change_request_id
        )
    return None if application_id is None else prefecture_of(application_id)
