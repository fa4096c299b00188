"""Review (審査, R4) by association staff: list, open, decide; always within their prefecture.

An e-Gov application accepted or returned is owed a completion notice: after the write,
``completion_notice_due`` goes to certify (R2).

The store (``Dependencies.applications``, ``PrefectureApplications`` deployed) is bound to the
staff member's prefecture, so an application of another prefecture is simply not there:
``404``, never its data. Opening an
application (its form) and deciding on it are written to the audit trail first: if the
audit cannot be written, nothing is shown or changed.
"""

from __future__ import annotations

from intake import screening
from intake.dependencies import ApplicationStore, Dependencies, dependencies
from intake.errors import ConflictError, InvalidRequestError, NotFoundError
from intake.suspension_gate import refuse_while_suspended
from intake.telemetry import instruments
from intake.views import ApplicationStatus, DecisionRequest, ReviewApplication, ReviewPage
from kentei.applications import lifecycle
from kentei.applications.model import Application, Channel, Status
from kentei.callers import Caller
from kentei.data.applications import ConcurrentChangeError, InvalidCursorError, StoredApplication
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.field_errors import FieldError
from kentei.messages import CompletionNoticeDue
from kentei.person_requests.suspension import UseCondition
from kentei.review import automatic_checks
from kentei.roster.registration import NotRegistrableError, registration_of

_NOT_FOUND = "no such application in the caller's prefecture"


def list_applications(
    staff: Caller,
    status: Status,
    limit: int,
    cursor: str | None,
    request_id: str,
    *,
    deps: Dependencies | None = None,
) -> ReviewPage:
    """One page of the prefecture's applications; the listing (one entry per page, naming
    the status listed) is written to the audit trail before the page is returned."""
    deps = deps or dependencies()
    try:
        page = _repository(staff, deps).list(status, limit, cursor)
    except InvalidCursorError as exc:
        raise InvalidRequestError(
            "the cursor is not valid for this listing",
            [FieldError(field="query.cursor", problem=str(exc))],
        ) from None
    deps.audit.record(
        AuditEvent.by(
            staff,
            AuditAction.APPLICATION_LISTED,
            record_type="application_list",
            record_id=status.value,
            prefecture_code=_prefecture(staff),
            request_id=request_id,
            at=deps.clock(),
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return ReviewPage.of(page)


def open_application(
    staff: Caller, application_id: str, request_id: str, deps: Dependencies | None = None
) -> ReviewApplication:
    deps = deps or dependencies()
    stored = _find(staff, application_id, deps)
    deps.audit.record(
        _event(
            staff,
            AuditAction.APPLICATION_OPENED,
            stored,
            request_id,
            deps,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    application = stored.application
    return ReviewApplication.of(application, automatic_checks(application))


def decide_application(
    staff: Caller,
    application_id: str,
    request: DecisionRequest,
    request_id: str,
    deps: Dependencies | None = None,
) -> ApplicationStatus:
    screening.refuse_in_reasons(request.reasons)
    deps = deps or dependencies()
    stored = _find(staff, application_id, deps)
    decision = lifecycle.Decision(request.decision)
    if _is_repeat(stored, decision, request, staff):
        # A client retrying a decision that was made (its answer lost) gets the same answer,
        # and certify the completion notice again (the first send may be what was lost).
        _owe_completion(stored.application, deps)
        return ApplicationStatus.of(stored.application)
    try:
        decided = lifecycle.decide(
            stored.application, decision, request.reasons, staff, deps.clock()
        )
    except lifecycle.IdentityUnconfirmedError as exc:
        raise ConflictError(str(exc), slug="identity-unconfirmed") from None
    except lifecycle.InvalidTransitionError as exc:
        raise ConflictError(str(exc), slug="invalid-transition") from None
    except lifecycle.ReasonsRequiredError as exc:
        raise InvalidRequestError(
            str(exc), [FieldError(field="body.reasons", problem="at least one reason is needed")]
        ) from None
    except lifecycle.OutsidePrefectureError:
        raise NotFoundError(_NOT_FOUND) from None
    try:
        if decision is lifecycle.Decision.ACCEPT:
            saved = _accept(staff, stored, decided, request_id, deps)
        else:
            saved = _repository(staff, deps).replace(
                stored,
                decided,
                audit=(_event(staff, AuditAction.APPLICATION_RETURNED, stored, request_id, deps),),
            )
    except ConcurrentChangeError:
        raise ConflictError(
            "the application changed while the decision was made; open it again",
            slug="concurrent-change",
        ) from None
    _owe_completion(saved.application, deps)
    instruments.count("ReviewDecisions", decision=decision.value)
    instruments.logger.info(
        "review decision",
        extra={"application_id": application_id, "decision": decision.value},
    )
    return ApplicationStatus.of(saved.application)


def _accept(
    staff: Caller,
    stored: StoredApplication,
    accepted: Application,
    request_id: str,
    deps: Dependencies,
) -> StoredApplication:
    """Accept and register (R7): the person and a sitting with its exam number go on the
    roster in the transaction that accepts, each audited."""
    person = accepted.qualification_pseudonym_id
    refuse_while_suspended(deps, accepted.prefecture_code, person, "the application's acceptance")
    try:
        # Exemptions are decided on the person's own pass records in the prefecture.
        registration = registration_of(accepted, deps.results(accepted.prefecture_code))
    except NotRegistrableError as exc:
        raise ConflictError(
            "the application cannot go on the roster without "
            f"{', '.join(exc.missing)}: return it for correction",
            slug="not-registrable",
        ) from None
    registered = AuditEvent.by(
        staff,
        AuditAction.EXAMINEE_REGISTERED,
        record_type="sitting",
        record_id=accepted.application_id,
        prefecture_code=accepted.prefecture_code,
        request_id=request_id,
        at=deps.clock(),
        person_id=registration.qualification_pseudonym_id,
    )
    saved, sitting = _repository(staff, deps).accept(
        stored,
        accepted,
        registration,
        by=staff.id,
        audit=(
            _event(staff, AuditAction.APPLICATION_ACCEPTED, stored, request_id, deps),
            registered,
        ),
        # A suspension granted since it was read fails the write (a concurrent change).
        use=None if person is None else UseCondition(person=person, suspended=False),
    )
    instruments.logger.info(
        "sitting registered",
        extra={"application_id": accepted.application_id, "round": sitting.exam_round.key},
    )
    return saved


def _owe_completion(application: Application, deps: Dependencies) -> None:
    """After the write that accepted or returned it: an e-Gov application's processing has
    ended, and e-Gov is owed a completion notice (R2; certify sends it once)."""
    if application.channel is Channel.EGOV and application.status in _DECIDED.values():
        deps.certify_queue.send(
            CompletionNoticeDue(
                application_id=application.application_id,
                prefecture_code=application.prefecture_code,
            )
        )


_DECIDED: dict[lifecycle.Decision, Status] = {
    lifecycle.Decision.ACCEPT: Status.ACCEPTED,
    lifecycle.Decision.RETURN: Status.RETURNED,
}


def _is_repeat(
    stored: StoredApplication, decision: lifecycle.Decision, request: DecisionRequest, staff: Caller
) -> bool:
    """Whether this exact decision, by this staff member, is the application's latest change."""
    application = stored.application
    last = application.history[-1] if application.history else None
    return (
        last is not None
        and application.status is _DECIDED[decision]
        and last.status is application.status
        and last.by == staff.id
        and tuple(last.reasons) == tuple(request.reasons)
    )


def _prefecture(staff: Caller) -> str:
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    return staff.prefecture_code


def _repository(staff: Caller, deps: Dependencies) -> ApplicationStore:
    return deps.applications(_prefecture(staff))


def _find(staff: Caller, application_id: str, deps: Dependencies) -> StoredApplication:
    stored = _repository(staff, deps).get(application_id)
    if stored is None:
        raise NotFoundError(_NOT_FOUND)
    return stored


def _event(
    staff: Caller,
    action: AuditAction,
    stored: StoredApplication,
    request_id: str,
    deps: Dependencies,
    *,
    outcome: AuditOutcome = AuditOutcome.SUCCEEDED,
) -> AuditEvent:
    return AuditEvent.by(
        staff,
        action,
        record_type="application",
        record_id=stored.application.application_id,
        prefecture_code=stored.application.prefecture_code,
        request_id=request_id,
        at=deps.clock(),
        outcome=outcome,
        person_id=stored.application.qualification_pseudonym_id,
    )
