"""Who may call which route: one table, enforced in one place before any route runs.

Each route (method and path template of :mod:`intake.paths`) has a :class:`Rule`: public,
or the callers it admits (bridges, and staff holding one of its roles). The gate
(:mod:`intake.gate`) consults :func:`authorize` for every request to a known route: no
caller is ``401``, a caller the rule does not admit is ``403``. A route without a rule is
refused (``403``) and fails a test. What a caller may then see is the data layer's scope:
staff reach their prefecture only, a bridge its own submissions (another prefecture's
application is ``404``, as if it did not exist). Finer rules stay with their route: a
bridge submits only its own channel and staff submit only paper
(:func:`intake.access.authorize_submission`).

The rule also names what an access to personal data records in the audit trail
(``action``); :mod:`intake.access_audit` records refusals with it, and each route's logic
records what it allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from intake import paths
from intake.access import require_caller
from intake.errors import ForbiddenError
from kentei import staff_networks
from kentei.callers import Caller, CallerKind, Role
from kentei.data.audit import AuditAction


@dataclass(frozen=True)
class Rule:
    """Who may call a route, and what an access to it is in the audit trail."""

    public: bool = False
    bridges: bool = False
    """Any bridge (its channel is checked by the route where it matters)."""
    roles: frozenset[Role] = field(default_factory=frozenset)
    """Staff holding any one of these roles."""
    action: AuditAction | None = None
    """The audit action of an access (None: the route touches no personal data)."""
    record_type: str = "application"

    def admits(self, caller: Caller) -> bool:
        if self.public:
            return True
        if caller.kind is CallerKind.BRIDGE:
            return self.bridges
        return caller.prefecture_code is not None and bool(self.roles & caller.roles)

    @property
    def personal_data(self) -> bool:
        return self.action is not None


PUBLIC: Final = Rule(public=True)
_APPLICATION_STAFF: Final = frozenset({Role.CLERK, Role.REVIEWER})
"""Staff who work with applications: the counter (窓口) and review (審査)."""
_RESULTS_OFFICE: Final = frozenset({Role.RESULTS})
"""The results office: scores, decisions and announcements (R11, R12)."""
_PRIVACY_OFFICE: Final = frozenset({Role.PRIVACY})
_ROSTER_STAFF: Final = frozenset({Role.REVIEWER, Role.EXAM_ADMIN, Role.RESULTS, Role.CERTIFICATES})
"""Staff who work with the roster: review (it registers), the exam office, results and
certificates."""
_EXAM_OFFICE: Final = frozenset({Role.EXAM_ADMIN})
_FEE_STAFF: Final = frozenset({Role.CLERK, Role.EXAM_ADMIN})
"""Staff who take fee payments: the counter (窓口, where payments are made and slips come in)
and the exam office."""
"""The exam office (試験担当): sessions, venues and seats."""
_RESULTS: Final = frozenset({Role.RESULTS})
"""The results office (成績担当): result files, their reports and commits."""

_NOTICE_READERS: Final = frozenset({Role.CERTIFICATES, Role.AUDITOR})
"""Who reads notice records: the certificates office (証明書担当) and auditors."""
_CERTIFICATES_OFFICE: Final = frozenset({Role.CERTIFICATES})
"""The certificates office (証書担当): issued certificates, holds and counts (issue 11)."""

RULES: Final[Mapping[tuple[str, str], Rule]] = {
    ("GET", paths.HEALTH): PUBLIC,
    ("GET", paths.OPENAPI): PUBLIC,
    ("GET", paths.DOCUMENT_SCHEMA): PUBLIC,
    ("GET", paths.CHANGE_DOCUMENT_SCHEMA): PUBLIC,
    ("GET", paths.EXAM_CATALOGUE): PUBLIC,
    ("GET", paths.EXAM_ROUNDS): PUBLIC,
    ("POST", paths.APPLICATIONS): Rule(
        bridges=True, roles=frozenset({Role.CLERK}), action=AuditAction.APPLICATION_RECEIVED
    ),
    ("GET", paths.APPLICATION): Rule(
        bridges=True, roles=_APPLICATION_STAFF, action=AuditAction.APPLICATION_STATUS_READ
    ),
    ("GET", paths.REVIEW_APPLICATIONS): Rule(
        roles=frozenset({Role.REVIEWER}),
        action=AuditAction.APPLICATION_LISTED,
        record_type="application_list",
    ),
    ("GET", paths.REVIEW_APPLICATION): Rule(
        roles=frozenset({Role.REVIEWER}), action=AuditAction.APPLICATION_OPENED
    ),
    ("POST", paths.REVIEW_DECISION): Rule(
        roles=frozenset({Role.REVIEWER}), action=AuditAction.APPLICATION_DECIDED
    ),
    ("POST", paths.REVIEW_IDENTITY): Rule(
        roles=frozenset({Role.REVIEWER}), action=AuditAction.IDENTITY_CHOSEN
    ),
    ("GET", paths.AUDIT): Rule(
        roles=frozenset({Role.AUDITOR}), action=AuditAction.AUDIT_SEARCHED, record_type="audit"
    ),
    ("GET", paths.AUDIT_EXPORT): Rule(
        roles=frozenset({Role.AUDITOR}), action=AuditAction.AUDIT_EXPORTED, record_type="audit"
    ),
    ("GET", paths.AUDIT_VERIFICATION): Rule(
        roles=frozenset({Role.AUDITOR}), action=AuditAction.AUDIT_VERIFIED, record_type="audit"
    ),
    ("GET", paths.INCIDENT_TRACE): Rule(
        roles=frozenset({Role.AUDITOR}), action=AuditAction.INCIDENT_TRACED, record_type="incident"
    ),
    ("GET", paths.INCIDENT_TRACE_EXPORT): Rule(
        roles=frozenset({Role.AUDITOR}),
        action=AuditAction.INCIDENT_EXPORTED,
        record_type="incident",
    ),
    ("GET", paths.INCIDENT_REPORT): Rule(
        roles=frozenset({Role.AUDITOR}),
        action=AuditAction.INCIDENT_REPORTED,
        record_type="incident",
    ),
    ("GET", paths.ROSTER_EXAMINEE): Rule(
        roles=_ROSTER_STAFF, action=AuditAction.EXAMINEE_OPENED, record_type="examinee"
    ),
    ("POST", paths.SITTING_TICKET): Rule(
        roles=_EXAM_OFFICE,
        action=AuditAction.TICKET_REQUESTED,
        record_type="sitting",
    ),
    ("GET", paths.SITTING_TICKET): Rule(
        roles=_EXAM_OFFICE,
        action=AuditAction.TICKET_DOWNLOADED,
        record_type="ticket",
    ),
    ("POST", paths.SESSIONS): Rule(
        roles=_EXAM_OFFICE, action=AuditAction.SESSION_CREATED, record_type="session"
    ),
    ("GET", paths.SESSIONS): Rule(
        roles=_EXAM_OFFICE, action=AuditAction.SESSIONS_LISTED, record_type="session_list"
    ),
    ("PATCH", paths.SESSION): Rule(
        roles=_EXAM_OFFICE, action=AuditAction.SESSION_CHANGED, record_type="session"
    ),
    ("POST", paths.SESSIONS_SEATING): Rule(
        roles=_EXAM_OFFICE, action=AuditAction.SEATS_ASSIGNED, record_type="session_family"
    ),
    ("GET", paths.SESSION_SEATS): Rule(
        roles=_EXAM_OFFICE, action=AuditAction.SEATS_LISTED, record_type="session"
    ),
    ("POST", paths.ROSTER_SEAT): Rule(
        roles=_EXAM_OFFICE, action=AuditAction.SEAT_MOVED, record_type="sitting"
    ),
    ("POST", paths.SITTING_PAYMENTS): Rule(
        roles=_FEE_STAFF, action=AuditAction.FEE_PAYMENT_RECORDED, record_type="sitting"
    ),
    ("POST", paths.ROSTER_PAYMENTS): Rule(
        roles=_FEE_STAFF, action=AuditAction.FEE_PAYMENT_RECORDED, record_type="sitting"
    ),
    ("POST", paths.SITTING_DELETION): Rule(
        roles=frozenset({Role.EXAM_ADMIN}),
        action=AuditAction.SITTING_DELETED,
        record_type="sitting",
    ),
    ("GET", paths.ROSTER_DELETIONS): Rule(
        roles=frozenset({Role.EXAM_ADMIN, Role.AUDITOR}),
        action=AuditAction.DELETIONS_LISTED,
        record_type="deletion_list",
    ),
    ("POST", paths.RESULTS_DECISIONS): Rule(
        roles=_RESULTS_OFFICE,
        action=AuditAction.RESULTS_DECISIONS_REQUESTED,
        record_type="results_group",
    ),
    ("GET", paths.RESULTS_DECISIONS): Rule(
        roles=frozenset({Role.RESULTS, Role.AUDITOR}),
        action=AuditAction.RESULTS_LISTED,
        record_type="results_group",
    ),
    ("POST", paths.RESULTS_ANNOUNCEMENTS): Rule(
        roles=_RESULTS_OFFICE,
        action=AuditAction.RESULTS_ANNOUNCEMENT_REQUESTED,
        record_type="results_group",
    ),
    ("POST", paths.RESULTS_CORRECTIONS): Rule(
        roles=_RESULTS_OFFICE,
        action=AuditAction.RESULTS_SCORE_CORRECTED,
        record_type="sitting",
    ),
    ("GET", paths.RESULTS_ANNOUNCEMENTS): Rule(
        roles=frozenset({Role.RESULTS, Role.CERTIFICATES}),
        action=AuditAction.ANNOUNCEMENT_DOWNLOADED,
        record_type="results_group",
    ),
    # Notices (R13, R2): the certificates office follows them up; auditors read them.
    ("GET", paths.APPLICATION_NOTICES): Rule(
        roles=_NOTICE_READERS, action=AuditAction.NOTICES_READ, record_type="notice_list"
    ),
    ("GET", paths.EXAMINEE_NOTICES): Rule(
        roles=_NOTICE_READERS, action=AuditAction.NOTICES_READ, record_type="notice_list"
    ),
    ("GET", paths.POST_LIST): Rule(
        roles=frozenset({Role.CERTIFICATES}),
        action=AuditAction.POST_LIST_DOWNLOADED,
        record_type="post_list",
    ),
    ("GET", paths.CERTIFICATES): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.CERTIFICATES_LISTED,
        record_type="sitting",
    ),
    ("GET", paths.CERTIFICATE_PDF): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.CERTIFICATE_DOWNLOADED,
        record_type="certificate",
    ),
    ("GET", paths.CERTIFICATE_HOLDS): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.CERTIFICATE_HOLDS_LISTED,
        record_type="certificate_hold",
    ),
    ("POST", paths.CERTIFICATE_HOLD_RESOLUTION): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.CERTIFICATE_HOLD_RESOLVED,
        record_type="certificate_hold",
    ),
    ("POST", paths.CERTIFICATE_PROOFS): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.CERTIFICATE_PROOF_REQUESTED,
        record_type="sitting",
    ),
    ("GET", paths.STATISTICS): Rule(
        roles=frozenset({Role.RESULTS, Role.AUDITOR}),
        action=AuditAction.STATISTICS_READ,
        record_type="statistics",
    ),
    ("GET", paths.CERTIFICATE_COUNTS): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.CERTIFICATE_COUNTS_READ,
        record_type="certificate_count",
    ),
    ("POST", paths.CERTIFICATE_REISSUE): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.CERTIFICATE_REISSUE_REQUESTED,
        record_type="certificate",
    ),
    ("POST", paths.REVOCATIONS): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.PASS_REVOCATION,
        record_type="sitting",
    ),
    ("GET", paths.REVOCATIONS): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.PASS_REVOCATIONS_LISTED,
        record_type="pass_revocation",
    ),
    ("GET", paths.REVOCATION): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.PASS_REVOCATIONS_LISTED,
        record_type="sitting",
    ),
    ("POST", paths.REVOCATION_RETURN): Rule(
        roles=_CERTIFICATES_OFFICE,
        action=AuditAction.CERTIFICATE_RETURN_RECORDED,
        record_type="sitting",
    ),
    ("GET", paths.ROSTER_CHANGES): Rule(
        roles=frozenset({Role.REVIEWER}),
        action=AuditAction.EXAMINEE_CHANGES_LISTED,
        record_type="change_list",
    ),
    ("POST", paths.ROSTER_CHANGE_ACCEPT): Rule(
        roles=frozenset({Role.REVIEWER}),
        action=AuditAction.EXAMINEE_CHANGE_DECIDED,
        record_type="change_proposal",
    ),
    ("POST", paths.ROSTER_CHANGE_REJECT): Rule(
        roles=frozenset({Role.REVIEWER}),
        action=AuditAction.EXAMINEE_CHANGE_DECIDED,
        record_type="change_proposal",
    ),
    ("GET", paths.NATIONAL_CONFLICTS): Rule(
        roles=frozenset({Role.REVIEWER}),
        action=AuditAction.NATIONAL_CONFLICTS_LISTED,
        record_type="national_conflict_list",
    ),
    ("POST", paths.NATIONAL_CONFLICT_RESOLVE): Rule(
        roles=frozenset({Role.REVIEWER}),
        action=AuditAction.NATIONAL_CONFLICT_RESOLVED,
        record_type="national_conflict",
    ),
    ("GET", paths.NATIONAL_RECONCILIATIONS): Rule(
        roles=frozenset({Role.REVIEWER, Role.AUDITOR}),
        action=AuditAction.NATIONAL_RECONCILIATIONS_READ,
        record_type="national_reconcile",
    ),
    ("POST", paths.PERSON_REQUESTS): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.PERSON_REQUEST_RECEIVED,
        record_type="person_request",
    ),
    ("GET", paths.PERSON_REQUESTS): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.PERSON_REQUESTS_LISTED,
        record_type="person_request_list",
    ),
    ("GET", paths.PERSON_REQUEST): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.PERSON_REQUEST_READ,
        record_type="person_request",
    ),
    ("POST", paths.PERSON_REQUEST_EXTENSION): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.PERSON_REQUEST_CHANGED,
        record_type="person_request",
    ),
    ("POST", paths.PERSON_REQUEST_DECISION): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.PERSON_REQUEST_CHANGED,
        record_type="person_request",
    ),
    ("POST", paths.PERSON_REQUEST_WITHDRAWAL): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.PERSON_REQUEST_CHANGED,
        record_type="person_request",
    ),
    ("GET", paths.PERSON_REQUEST_DISCLOSURE): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.DISCLOSURE_READ,
        record_type="person_request",
    ),
    ("POST", paths.PERSON_REQUEST_PASSPHRASE): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.DISCLOSURE_PASSPHRASE_TAKEN,
        record_type="person_request",
    ),
    ("POST", paths.PERSON_REQUEST_CORRECTION): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.PERSON_REQUEST_CHANGED,
        record_type="person_request",
    ),
    ("POST", paths.PERSON_SUSPENSION_LIFT): Rule(
        roles=_PRIVACY_OFFICE,
        action=AuditAction.SUSPENSION_LIFTED,
        record_type="suspension",
    ),
    ("GET", paths.ROSTER_RECHECKS): Rule(
        roles=frozenset({Role.REVIEWER}),
        action=AuditAction.RECHECK_RUNS_LISTED,
        record_type="recheck_run",
    ),
    ("GET", paths.ADMIN_ACCOUNTS): Rule(
        roles=frozenset({Role.ADMIN}),
        action=AuditAction.ACCOUNTS_REVIEWED,
        record_type="staff_account",
    ),
    ("POST", paths.ROSTER_CHANGE_REQUESTS): Rule(
        roles=_APPLICATION_STAFF,
        action=AuditAction.EXAMINEE_CHANGE_PROPOSED,
        record_type="examinee",
    ),
    ("POST", paths.CHANGE_REQUESTS): Rule(
        bridges=True,
        action=AuditAction.CHANGE_REQUEST_RECEIVED,
        record_type="change_request",
    ),
    # The answer holds a status and reason codes, no personal data; a bridge polling its own
    # request is not recorded (like an application's status), a refused read is.
    ("GET", paths.CHANGE_REQUEST): Rule(
        bridges=True,
        action=AuditAction.CHANGE_REQUEST_STATUS_READ,
        record_type="change_request",
    ),
    # Result files hold exam numbers, scores and perhaps names: every access is audited.
    ("POST", paths.RESULT_IMPORTS): Rule(
        roles=_RESULTS, action=AuditAction.RESULT_IMPORT_CREATED, record_type="result_import"
    ),
    ("GET", paths.RESULT_IMPORT): Rule(
        roles=_RESULTS, action=AuditAction.RESULT_IMPORT_READ, record_type="result_import"
    ),
    ("POST", paths.RESULT_IMPORT_COMMIT): Rule(
        roles=_RESULTS,
        action=AuditAction.RESULT_IMPORT_COMMIT_REQUESTED,
        record_type="result_import",
    ),
    ("POST", paths.RESULT_IMPORT_DISCARD): Rule(
        roles=_RESULTS, action=AuditAction.RESULT_IMPORT_DISCARDED, record_type="result_import"
    ),
    ("POST", paths.INITIAL_REGISTRATIONS): Rule(
        bridges=True,
        action=AuditAction.INITIAL_REGISTRATION_RECEIVED,
        record_type="initial_registration",
    ),
    ("GET", paths.INITIAL_REGISTRATION): Rule(
        bridges=True,
        action=AuditAction.INITIAL_REGISTRATION_STATUS_READ,
        record_type="initial_registration",
    ),
    # Staff review of past passers' claims: the claimant's and the record's names and birth
    # dates, so every access is audited.
    ("GET", paths.REVIEW_INITIAL_REGISTRATIONS): Rule(
        roles=_RESULTS,
        action=AuditAction.INITIAL_REGISTRATIONS_LISTED,
        record_type="initial_registration_list",
    ),
    ("GET", paths.REVIEW_INITIAL_REGISTRATION): Rule(
        roles=_RESULTS,
        action=AuditAction.INITIAL_REGISTRATION_OPENED,
        record_type="initial_registration",
    ),
    ("POST", paths.REVIEW_INITIAL_REGISTRATION_DECISION): Rule(
        roles=_RESULTS,
        action=AuditAction.INITIAL_REGISTRATION_REVIEWED,
        record_type="initial_registration",
    ),
}
"""The one route → callers table. ``operator`` appears nowhere: the contractor's operators
reach no route that touches personal data (health and the documents are public)."""


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    rule: Rule | None


def route_of(event: Mapping[str, Any]) -> Route | None:
    """The route a request is for (its rule None if the table lacks one), or None when no
    route has this method and path (the resolver answers 404 or 405)."""
    method = str(event.get("httpMethod") or "").upper()
    template = paths.template_for(str(event.get("path") or ""), method)
    if template is None:
        return None
    return Route(method, template, RULES.get((method, template)))


def authorize(event: Mapping[str, Any]) -> Caller | None:
    """The caller admitted to the request's route (None for a public route or no route);
    raises ``UnauthenticatedError`` (401) or ``ForbiddenError`` (403)."""
    route = route_of(event)
    if route is None:
        if paths.PROTECTED.match(str(event.get("path") or "")):
            require_caller(event)
        return None
    if route.rule is not None and route.rule.public:
        return None
    caller = require_caller(event)
    if route.rule is None:
        raise ForbiddenError("no rule admits callers to this route")
    if not route.rule.admits(caller):
        raise ForbiddenError(_refusal(route.rule, caller))
    if caller.kind is CallerKind.STAFF and not staff_networks.admits(
        staff_networks.configured(), str(caller.prefecture_code), caller.source_ip
    ):
        # The web ACL admits every prefecture's offices together; a user of one prefecture
        # works only from their own prefecture's (kentei.staff_networks).
        raise ForbiddenError("this terminal is not on a network of your prefecture's offices")
    return caller


def _refusal(rule: Rule, caller: Caller) -> str:
    if caller.kind is CallerKind.BRIDGE:
        return "this route is for association staff"
    if rule.bridges and not rule.roles:
        return "this route is for the bridges"
    needed = " or ".join(sorted(role.value for role in rule.roles))
    return f"this route needs the role {needed}"
