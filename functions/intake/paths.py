"""The API's routes, named once: the routers register them, the resolver answers ``405``
for a known path with another method, and the gate knows which paths need a caller."""

from __future__ import annotations

import re
from typing import Final

HEALTH: Final = "/v1/health"
OPENAPI: Final = "/v1/openapi.json"
DOCUMENT_SCHEMA: Final = "/v1/schemas/application-document.json"
CHANGE_DOCUMENT_SCHEMA: Final = "/v1/schemas/change-document.json"
APPLICATIONS: Final = "/v1/applications"
APPLICATION: Final = "/v1/applications/<application_id>"
REVIEW_APPLICATIONS: Final = "/v1/review/applications"
REVIEW_APPLICATION: Final = "/v1/review/applications/<application_id>"
REVIEW_DECISION: Final = "/v1/review/applications/<application_id>/decision"
REVIEW_IDENTITY: Final = "/v1/review/applications/<application_id>/identity"
AUDIT: Final = "/v1/audit"
AUDIT_EXPORT: Final = "/v1/audit/export"
AUDIT_VERIFICATION: Final = "/v1/audit/verification"
INCIDENT_TRACE: Final = "/v1/incidents/trace"
INCIDENT_TRACE_EXPORT: Final = "/v1/incidents/trace/export"
INCIDENT_REPORT: Final = "/v1/incidents/report"
ADMIN_ACCOUNTS: Final = "/v1/admin/accounts"
EXAM_CATALOGUE: Final = "/v1/exams/catalogue"
EXAM_ROUNDS: Final = "/v1/exams/rounds"
ROSTER_EXAMINEE: Final = "/v1/roster/examinees/<qualification_pseudonym_id>"
SITTING_TICKET: Final = "/v1/roster/sittings/<application_id>/ticket"
ROSTER_SEAT: Final = "/v1/roster/sittings/<application_id>/seat"
SITTING_PAYMENTS: Final = "/v1/roster/sittings/<application_id>/payments"
SESSIONS: Final = "/v1/sessions"
SESSIONS_SEATING: Final = "/v1/sessions/seating"
SESSION: Final = "/v1/sessions/<session_id>"
SESSION_SEATS: Final = "/v1/sessions/<session_id>/seats"
SITTING_DELETION: Final = "/v1/roster/sittings/<application_id>/deletion"
ROSTER_DELETIONS: Final = "/v1/roster/deletions"
ROSTER_PAYMENTS: Final = "/v1/roster/payments"
ROSTER_CHANGES: Final = "/v1/roster/changes"
ROSTER_CHANGE_ACCEPT: Final = "/v1/roster/changes/<proposal_id>/accept"
ROSTER_CHANGE_REJECT: Final = "/v1/roster/changes/<proposal_id>/reject"
ROSTER_RECHECKS: Final = "/v1/roster/rechecks"
NATIONAL_CONFLICTS: Final = "/v1/roster/national-conflicts"
NATIONAL_CONFLICT_RESOLVE: Final = "/v1/roster/national-conflicts/<conflict_id>/resolve"
NATIONAL_RECONCILIATIONS: Final = "/v1/roster/national-reconciliations"
PERSON_REQUESTS: Final = "/v1/person-requests"
PERSON_REQUEST: Final = "/v1/person-requests/<person_request_id>"
PERSON_REQUEST_EXTENSION: Final = "/v1/person-requests/<person_request_id>/extension"
PERSON_REQUEST_DECISION: Final = "/v1/person-requests/<person_request_id>/decision"
PERSON_REQUEST_WITHDRAWAL: Final = "/v1/person-requests/<person_request_id>/withdrawal"
PERSON_REQUEST_DISCLOSURE: Final = "/v1/person-requests/<person_request_id>/disclosure"
PERSON_REQUEST_PASSPHRASE: Final = "/v1/person-requests/<person_request_id>/disclosure/passphrase"  # noqa: S105 (a path)
PERSON_REQUEST_CORRECTION: Final = "/v1/person-requests/<person_request_id>/correction"
PERSON_SUSPENSION_LIFT: Final = "/v1/person-suspensions/<qualification_pseudonym_id>/lift"
ROSTER_CHANGE_REQUESTS: Final = "/v1/roster/examinees/<qualification_pseudonym_id>/change-requests"
CHANGE_REQUESTS: Final = "/v1/change-requests"
RESULTS_DECISIONS: Final = "/v1/results/decisions"
RESULTS_ANNOUNCEMENTS: Final = "/v1/results/announcements"
RESULTS_CORRECTIONS: Final = "/v1/results/sittings/<application_id>/corrections"
APPLICATION_NOTICES: Final = "/v1/notices/applications/<application_id>"
EXAMINEE_NOTICES: Final = "/v1/notices/examinees/<qualification_pseudonym_id>"
POST_LIST: Final = "/v1/notices/post-list"
CHANGE_REQUEST: Final = "/v1/change-requests/<request_id>"
RESULT_IMPORTS: Final = "/v1/results/imports"
RESULT_IMPORT: Final = "/v1/results/imports/<import_id>"
RESULT_IMPORT_COMMIT: Final = "/v1/results/imports/<import_id>/commit"
RESULT_IMPORT_DISCARD: Final = "/v1/results/imports/<import_id>/discard"
INITIAL_REGISTRATIONS: Final = "/v1/initial-registrations"
INITIAL_REGISTRATION: Final = "/v1/initial-registrations/<registration_id>"
REVIEW_INITIAL_REGISTRATIONS: Final = "/v1/review/initial-registrations"
REVIEW_INITIAL_REGISTRATION: Final = "/v1/review/initial-registrations/<registration_id>"
REVIEW_INITIAL_REGISTRATION_DECISION: Final = (
    "/v1/review/initial-registrations/<registration_id>/decision"
)
CERTIFICATES: Final = "/v1/certificates"
CERTIFICATE_HOLDS: Final = "/v1/certificates/holds"
CERTIFICATE_PROOFS: Final = "/v1/certificates/proofs"
CERTIFICATE_COUNTS: Final = "/v1/certificates/counts"
CERTIFICATE_PDF: Final = "/v1/certificates/<certificate_id>/pdf"
CERTIFICATE_HOLD_RESOLUTION: Final = "/v1/certificates/holds/<application_id>/resolution"
CERTIFICATE_REISSUE: Final = "/v1/certificates/<certificate_id>/reissue"
REVOCATIONS: Final = "/v1/certificates/revocations"
REVOCATION: Final = "/v1/certificates/revocations/<application_id>"
REVOCATION_RETURN: Final = "/v1/certificates/revocations/<application_id>/return"
STATISTICS: Final = "/v1/statistics"

METHODS: Final[dict[str, tuple[str, ...]]] = {
    HEALTH: ("GET",),
    OPENAPI: ("GET",),
    DOCUMENT_SCHEMA: ("GET",),
    CHANGE_DOCUMENT_SCHEMA: ("GET",),
    APPLICATIONS: ("POST",),
    APPLICATION: ("GET",),
    REVIEW_APPLICATIONS: ("GET",),
    REVIEW_APPLICATION: ("GET",),
    REVIEW_DECISION: ("POST",),
    REVIEW_IDENTITY: ("POST",),
    AUDIT: ("GET",),
    AUDIT_EXPORT: ("GET",),
    AUDIT_VERIFICATION: ("GET",),
    INCIDENT_TRACE: ("GET",),
    INCIDENT_TRACE_EXPORT: ("GET",),
    INCIDENT_REPORT: ("GET",),
    ADMIN_ACCOUNTS: ("GET",),
    EXAM_CATALOGUE: ("GET",),
    EXAM_ROUNDS: ("GET",),
    ROSTER_EXAMINEE: ("GET",),
    SITTING_TICKET: ("GET", "POST"),
    ROSTER_SEAT: ("POST",),
    SITTING_PAYMENTS: ("POST",),
    SESSIONS: ("GET", "POST"),
    # Before SESSION: its parameter would match "seating" too (a session id is a ULID, never
    # "seating"), and the first template matching a path names it (:func:`template_of`).
    SESSIONS_SEATING: ("POST",),
    SESSION: ("PATCH",),
    SESSION_SEATS: ("GET",),
    SITTING_DELETION: ("POST",),
    ROSTER_DELETIONS: ("GET",),
    ROSTER_PAYMENTS: ("POST",),
    ROSTER_CHANGES: ("GET",),
    ROSTER_CHANGE_ACCEPT: ("POST",),
    ROSTER_CHANGE_REJECT: ("POST",),
    ROSTER_RECHECKS: ("GET",),
    NATIONAL_CONFLICTS: ("GET",),
    NATIONAL_CONFLICT_RESOLVE: ("POST",),
    NATIONAL_RECONCILIATIONS: ("GET",),
    PERSON_REQUESTS: ("GET", "POST"),
    PERSON_REQUEST: ("GET",),
    PERSON_REQUEST_EXTENSION: ("POST",),
    PERSON_REQUEST_DECISION: ("POST",),
    PERSON_REQUEST_WITHDRAWAL: ("POST",),
    PERSON_REQUEST_DISCLOSURE: ("GET",),
    PERSON_REQUEST_PASSPHRASE: ("POST",),
    PERSON_REQUEST_CORRECTION: ("POST",),
    PERSON_SUSPENSION_LIFT: ("POST",),
    ROSTER_CHANGE_REQUESTS: ("POST",),
    CHANGE_REQUESTS: ("POST",),
    CHANGE_REQUEST: ("GET",),
    INITIAL_REGISTRATIONS: ("POST",),
    INITIAL_REGISTRATION: ("GET",),
    REVIEW_INITIAL_REGISTRATIONS: ("GET",),
    REVIEW_INITIAL_REGISTRATION: ("GET",),
    REVIEW_INITIAL_REGISTRATION_DECISION: ("POST",),
    RESULTS_DECISIONS: ("GET", "POST"),
    RESULTS_ANNOUNCEMENTS: ("GET", "POST"),
    RESULTS_CORRECTIONS: ("POST",),
    APPLICATION_NOTICES: ("GET",),
    EXAMINEE_NOTICES: ("GET",),
    POST_LIST: ("GET",),
    RESULT_IMPORTS: ("POST",),
    RESULT_IMPORT: ("GET",),
    RESULT_IMPORT_COMMIT: ("POST",),
    RESULT_IMPORT_DISCARD: ("POST",),
    CERTIFICATES: ("GET",),
    CERTIFICATE_HOLDS: ("GET",),
    CERTIFICATE_PROOFS: ("POST",),
    CERTIFICATE_COUNTS: ("GET",),
    CERTIFICATE_PDF: ("GET",),
    CERTIFICATE_HOLD_RESOLUTION: ("POST",),
    CERTIFICATE_REISSUE: ("POST",),
    REVOCATIONS: ("GET", "POST"),
    REVOCATION: ("GET",),
    REVOCATION_RETURN: ("POST",),
    STATISTICS: ("GET",),
}

ROUTERS: Final[dict[str, tuple[str, ...]]] = {
    "intake.health": (HEALTH,),
    "intake.routes.openapi_document": (OPENAPI,),
    "intake.routes.documents": (DOCUMENT_SCHEMA, CHANGE_DOCUMENT_SCHEMA),
    "intake.routes.applications": (APPLICATIONS, APPLICATION),
    "intake.routes.review": (REVIEW_APPLICATIONS, REVIEW_APPLICATION, REVIEW_DECISION),
    "intake.routes.identity": (REVIEW_IDENTITY,),
    "intake.routes.audit": (AUDIT, AUDIT_EXPORT, AUDIT_VERIFICATION),
    "intake.routes.incidents": (INCIDENT_TRACE, INCIDENT_TRACE_EXPORT, INCIDENT_REPORT),
    "intake.routes.admin": (ADMIN_ACCOUNTS,),
    "intake.routes.exams": (EXAM_CATALOGUE, EXAM_ROUNDS, ROSTER_EXAMINEE, SITTING_TICKET),
    "intake.routes.sessions": (SESSIONS, SESSIONS_SEATING, SESSION, SESSION_SEATS, ROSTER_SEAT),
    "intake.routes.deletions": (SITTING_DELETION, ROSTER_DELETIONS),
    "intake.routes.fees": (SITTING_PAYMENTS, ROSTER_PAYMENTS),
    "intake.routes.changes": (
        ROSTER_CHANGES,
        ROSTER_CHANGE_ACCEPT,
        ROSTER_CHANGE_REJECT,
        ROSTER_RECHECKS,
    ),
    "intake.routes.national_conflicts": (
        NATIONAL_CONFLICTS,
        NATIONAL_CONFLICT_RESOLVE,
        NATIONAL_RECONCILIATIONS,
    ),
    "intake.routes.person_requests": (
        PERSON_REQUESTS,
        PERSON_REQUEST,
        PERSON_REQUEST_EXTENSION,
        PERSON_REQUEST_DECISION,
        PERSON_REQUEST_WITHDRAWAL,
        PERSON_REQUEST_DISCLOSURE,
        PERSON_REQUEST_PASSPHRASE,
        PERSON_SUSPENSION_LIFT,
    ),
    "intake.routes.corrections": (PERSON_REQUEST_CORRECTION,),
    "intake.routes.change_requests": (ROSTER_CHANGE_REQUESTS,),
    "intake.routes.signed_change_requests": (CHANGE_REQUESTS, CHANGE_REQUEST),
    "intake.routes.initial_registrations": (INITIAL_REGISTRATIONS, INITIAL_REGISTRATION),
    "intake.routes.passer_reviews": (
        REVIEW_INITIAL_REGISTRATIONS,
        REVIEW_INITIAL_REGISTRATION,
        REVIEW_INITIAL_REGISTRATION_DECISION,
    ),
    "intake.routes.results": (RESULTS_DECISIONS, RESULTS_ANNOUNCEMENTS, RESULTS_CORRECTIONS),
    "intake.routes.result_imports": (
        RESULT_IMPORTS,
        RESULT_IMPORT,
        RESULT_IMPORT_COMMIT,
        RESULT_IMPORT_DISCARD,
    ),
    "intake.routes.notices": (APPLICATION_NOTICES, EXAMINEE_NOTICES, POST_LIST),
    "intake.routes.certificates": (
        CERTIFICATES,
        CERTIFICATE_HOLDS,
        CERTIFICATE_PROOFS,
        CERTIFICATE_COUNTS,
        CERTIFICATE_PDF,
        CERTIFICATE_HOLD_RESOLUTION,
        CERTIFICATE_REISSUE,
        REVOCATIONS,
        REVOCATION,
        REVOCATION_RETURN,
    ),
    "intake.routes.statistics": (STATISTICS,),
}
"""Each router's module and the route templates it serves, in the order the API includes them
(the OpenAPI document's). A request's resolver takes only the router of its route
(:func:`router_of`, :mod:`intake.api`): a cold container imports one router and its models, not
all of them. ``tests/unit/intake_api/test_routing.py`` checks the table against the routers."""
_ROUTER_OF: Final = {template: module for module, ts in ROUTERS.items() for template in ts}

PROTECTED: Final = re.compile(
    r"^/v1/(?:applications|review|audit|admin|roster|sessions|change-requests|initial-registrations|results"
    r"|notices|certificates|statistics|person-requests|person-suspensions|incidents)"
    r"(?:/|$)"
)
"""Paths that answer only an authenticated caller: everything but health and documents."""


def status_url(application_id: str) -> str:
    return APPLICATION.replace("<application_id>", application_id)


def change_request_url(request_id: str) -> str:
    return CHANGE_REQUEST.replace("<request_id>", request_id)


def initial_registration_url(registration_id: str) -> str:
    return INITIAL_REGISTRATION.replace("<registration_id>", registration_id)


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"<[a-z_]+>", "[^/]+", re.escape(template)) + "$")


_PATTERNS: Final = tuple((_pattern(template), methods) for template, methods in METHODS.items())


_TEMPLATES: Final = tuple((_pattern(template), template) for template in METHODS)
_PARAMETER: Final = re.compile(r"<([a-z_]+)>")


def allowed_methods(path: str) -> tuple[str, ...]:
    """The methods a path takes; empty when no route has it."""
    return next((methods for pattern, methods in _PATTERNS if pattern.match(path)), ())


def template_of(path: str) -> str | None:
    """The route template a concrete path belongs to, or None."""
    return next((template for pattern, template in _TEMPLATES if pattern.match(path)), None)


def template_for(path: str, method: str) -> str | None:
    """The route template of a concrete path that takes ``method``, or None: a path two
    templates match (``/v1/sessions/seating``) belongs to the one with the method."""
    return next(
        (t for pattern, t in _TEMPLATES if pattern.match(path) and method in METHODS[t]), None
    )


def router_of(path: str, method: str) -> str | None:
    """The module of the router that serves ``path`` (with ``method`` if two templates match
    it), or None when no route has the path."""
    template = template_for(path, method) or template_of(path)
    return None if template is None else _ROUTER_OF[template]


def parameter(template: str, path: str, name: str) -> str | None:
    """The value of the path parameter ``name`` of ``path`` under ``template``."""
    names = _PARAMETER.findall(template)
    if name not in names:
        return None
    match = re.match("^" + _PARAMETER.sub(r"([^/]+)", re.escape(template)) + "$", path)
    return None if match is None else match.group(names.index(name) + 1)
