"""Receiving an application (受付): parse, store, queue for verification.

The flow, over intake's ports (:mod:`intake.dependencies`):

1. Parse the request by channel, and refuse a My Number where it has no business.
2. The application id is derived from (prefecture, caller id, key)
   (:mod:`intake.application_ids`), so a retry after a failure part-way (objects written,
   record not; record written, message not) converges on the same application instead of
   creating a second one: the inbox objects are overwritten with the same bytes, the record
   is created once (conditional write), and the message is sent again while the application
   is still ``received`` (verify is idempotent per id). A key names one application for its
   caller: the same request finds it, another request is a ``409``.
3. A corrected resubmission names the returned application it corrects
   (:mod:`intake.resubmission`); it starts with a history of its own, and the returned one is
   not touched here (verify links them once it has confirmed the same person).
4. Every application's arrival (a bridge's delivery, staff's entry of a paper form) is
   audited in the same write as the application.

Replays within the idempotency window never get here: :mod:`intake.submit` answers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake import paths, screening
from intake.application_ids import application_id_for
from intake.dependencies import Dependencies
from intake.errors import ConflictError
from intake.resubmission import naming, returned_application
from intake.telemetry import instruments
from intake.views import ApplicationAccepted
from kentei import messages
from kentei.applications.model import (
    Application,
    AttachmentRecord,
    Channel,
    Status,
    StatusChange,
)
from kentei.callers import Caller
from kentei.data import inbox
from kentei.data.applications import IdTakenError, StoredApplication
from kentei.data.audit import AuditAction, AuditEvent
from kentei.submissions import (
    ApplicationRequest,
    EgovRequest,
    MynaportalRequest,
    ParsedSubmission,
    parse_egov,
    parse_mynaportal,
    parse_paper,
)


@dataclass(frozen=True)
class Submission:
    """A validated ``POST /v1/applications``: who sent it, its key, the request as parsed by
    the interface, and the body exactly as sent (what its fingerprint covers)."""

    caller: Caller
    idempotency_key: str
    request: ApplicationRequest
    resubmission_of: str | None
    body: bytes
    request_id: str


def receive(submission: Submission, fingerprint: str, deps: Dependencies) -> dict[str, Any]:
    """Receive ``submission`` (whose fingerprint is ``fingerprint``); the ``202`` body, ids
    only (it is what the idempotency record keeps)."""
    caller = submission.caller
    parsed = _parse(submission.request, caller)
    screening.refuse_in_submission(parsed)
    application_id = application_id_for(
        parsed.prefecture_code, caller.id, submission.idempotency_key
    )
    store = deps.applications(parsed.prefecture_code)
    existing = store.get(application_id)
    if existing is not None:
        return _converge(existing, fingerprint, deps)
    now = deps.clock()
    application = _application(application_id, parsed, caller, now)
    returned = returned_application(caller, submission.resubmission_of, deps)
    application = naming(returned, application)
    deps.inbox.put_parts(application_id, parsed.raw_parts)
    for attachment in parsed.attachments:
        deps.attachments.put(application_id, attachment)
    audit = (_audit_entry(application, caller, submission.request_id, now),)
    try:
        store.create(application, fingerprint, audit)
    except IdTakenError:
        raise key_reused() from None
    _queue(application, deps)
    instruments.count("ApplicationsReceived", channel=application.channel.value)
    if returned is not None:
        instruments.count("ApplicationsResubmitted", channel=application.channel.value)
    instruments.logger.info(
        "application received",
        extra={"application_id": application_id, "channel": application.channel.value},
    )
    return _accepted(application_id)


def key_reused() -> ConflictError:
    return ConflictError(
        "this Idempotency-Key was used for another request; use a new key for a new application",
        slug="idempotency-key-reused",
    )


def _parse(request: ApplicationRequest, caller: Caller) -> ParsedSubmission:
    if isinstance(request, MynaportalRequest):
        return parse_mynaportal(request)
    if isinstance(request, EgovRequest):
        return parse_egov(request)
    return parse_paper(request, caller)


def _application(
    application_id: str, parsed: ParsedSubmission, caller: Caller, now: datetime
) -> Application:
    # 申請受付ID is the application id; the My Number stays in the inbox, for verify only.
    form = parsed.form.to_applicant(application_id).model_copy(update={"my_number": None})
    return Application(
        application_id=application_id,
        prefecture_code=parsed.prefecture_code,
        channel=parsed.channel,
        status=Status.RECEIVED,
        received_at=now,
        form=form,
        attachments=tuple(
            AttachmentRecord(
                name=a.name,
                sha256=a.sha256,
                media_type=a.media_type,
                size=len(a.content),
                object_key=inbox.attachment_key(application_id, a.sha256),
            )
            for a in parsed.attachments
        ),
        inbox_key=inbox.prefix(application_id),
        mynaportal_pseudonym_id=parsed.mynaportal_pseudonym_id,
        paper=parsed.paper,
        group=parsed.group,
        submitted_by=caller.id,
        history=(StatusChange(status=Status.RECEIVED, at=now, by=caller.id),),
    )


def _converge(existing: StoredApplication, fingerprint: str, deps: Dependencies) -> dict[str, Any]:
    """A retry of a request that was stored before: finish what may be missing. An
    application stored before fingerprints were keyed has none: its key names it, but the
    request cannot be matched, so it is a ``409`` (never a second application)."""
    if existing.request_fingerprint != fingerprint:
        raise key_reused()
    if existing.application.status is Status.RECEIVED:
        _queue(existing.application, deps)
    return _accepted(existing.application.application_id)


def _queue(application: Application, deps: Dependencies) -> None:
    deps.verify_queue.send(
        messages.ApplicationReceived(
            application_id=application.application_id,
            prefecture_code=application.prefecture_code,
        )
    )


def _audit_entry(
    application: Application, caller: Caller, request_id: str, at: datetime
) -> AuditEvent:
    """Staff keyed in a paper application, or a bridge delivered one: recorded with the
    application, in one write."""
    return AuditEvent.by(
        caller,
        AuditAction.APPLICATION_ENTERED
        if application.channel is Channel.PAPER
        else AuditAction.APPLICATION_RECEIVED,
        record_type="application",
        record_id=application.application_id,
        prefecture_code=application.prefecture_code,
        request_id=request_id,
        at=at,
    )


def _accepted(application_id: str) -> dict[str, Any]:
    return ApplicationAccepted(
        application_id=application_id,
        status="received",
        status_url=paths.status_url(application_id),
    ).model_dump(mode="json")
