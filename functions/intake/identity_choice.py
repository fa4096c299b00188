"""Staff choose (or confirm) the applicant among the residents verify found by the four items.

Verify puts an application under review with candidates when the four items alone cannot be
taken as the person (several current residents match, or an e-Gov applicant gave no My
Number: :mod:`kentei.applications.identity`). Staff of the application's prefecture pick one
by its index; the choice is written on the application with its audit event in one
transaction, then an ``identity_chosen`` message (ids only) asks verify to enrol that person.
Staff who cannot tell return the application through the decision route instead.

Refusals: not staff ``403``; another prefecture's (or no) application ``404``; an index that
names no candidate ``422``; an application not awaiting a choice ``409`` (a different choice
once one is made, too). The same choice retried sends the message again and gets the same
answer (verify acknowledges a repeated message without a change).
"""

from __future__ import annotations

from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, InvalidRequestError, NotFoundError
from intake.telemetry import instruments
from intake.views import ApplicationStatus, IdentityChoiceRequest
from kentei import messages
from kentei.applications import identity
from kentei.applications.model import Application
from kentei.callers import Caller
from kentei.data.applications import ConcurrentChangeError
from kentei.data.audit import AuditAction, AuditEvent
from kentei.field_errors import FieldError

_NOT_FOUND = "no such application in the caller's prefecture"


def choose_identity(
    staff: Caller,
    application_id: str,
    request: IdentityChoiceRequest,
    request_id: str,
    deps: Dependencies | None = None,
) -> ApplicationStatus:
    deps = deps or dependencies()
    if staff.prefecture_code is None:
        raise ValueError("a staff caller has a prefecture")
    repository = deps.applications(staff.prefecture_code)
    stored = repository.get(application_id)
    if stored is None:
        raise NotFoundError(_NOT_FOUND)
    application = stored.application
    made = identity.chosen(application)
    if made is not None and identity.unconfirmed(application):
        if made != request.candidate:
            raise ConflictError(
                "another candidate was chosen; verify is enrolling that person",
                slug="identity-already-chosen",
            )
        _send(application, deps)  # a retry: the message again, the same answer
        return ApplicationStatus.of(application)
    if not identity.awaiting_choice(application):
        raise ConflictError(
            "the application is not awaiting a choice of the applicant", slug="invalid-transition"
        )
    if request.candidate >= len(identity.candidates(application)):
        raise InvalidRequestError(
            "no candidate has this index",
            [FieldError(field="body.candidate", problem="not the index of a listed candidate")],
        )
    at = deps.clock()
    choice = {"candidate": request.candidate, "by": staff.id, "at": at.isoformat()}
    updated = application.model_copy(
        update={"verification": {**(application.verification or {}), identity.CHOICE: choice}}
    )
    event = AuditEvent.by(
        staff,
        AuditAction.IDENTITY_CHOSEN,
        record_type="application",
        record_id=application_id,
        prefecture_code=application.prefecture_code,
        request_id=request_id,
        at=at,
        person_id=application.qualification_pseudonym_id,
    )
    try:
        saved = repository.replace(stored, updated, audit=(event,))
    except ConcurrentChangeError:
        raise ConflictError(
            "the application changed while the choice was made; open it again",
            slug="concurrent-change",
        ) from None
    _send(saved.application, deps)
    instruments.count("IdentityChoices")
    instruments.logger.info("identity chosen", extra={"application_id": application_id})
    return ApplicationStatus.of(saved.application)


def _send(application: Application, deps: Dependencies) -> None:
    deps.verify_queue.send(
        messages.IdentityChosen(
            application_id=application.application_id,
            prefecture_code=application.prefecture_code,
        )
    )
