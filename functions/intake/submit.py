"""Receiving an application (受付): parse, store, queue for verification; exactly once per key.

Idempotency, in two layers:

1. Powertools' idempotency (``idempotent_function`` on the catalog's idempotency table),
   keyed by the caller's id and the ``Idempotency-Key`` and validated on a SHA-256 of the
   request (body and ``resubmission_of``): a replay within :data:`KEY_TTL_S` gets the stored
   response without running anything; the same key with another request is a ``409``;
   a replay while the first is still running is a ``409`` too. The stored response is the
   ``202`` body: ids only.
2. The application id is derived from (prefecture, caller id, key), so a retry after a
   failure part-way (objects written, record not; record written, message not) converges on
   the same application instead of creating a second one: the inbox objects are overwritten
   with the same bytes, the record is created once (conditional write), and the message is
   sent again while the application is still ``received`` (verify is idempotent per id).
   After the Powertools record expires, a key still names one application for that caller:
   the same request finds it, another request is a ``409``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from intake import paths, screening
from intake.errors import ConflictError, InvalidRequestError
from intake.telemetry import instruments
from intake.views import ApplicationAccepted
from kentei import messages
from kentei.applications import lifecycle
from kentei.applications.model import (
    Application,
    AttachmentRecord,
    Channel,
    Status,
    StatusChange,
)
from kentei.callers import Caller
from kentei.data import inbox, queues
from kentei.data.applications import (
    ConcurrentChangeError,
    IdTakenError,
    PrefectureApplications,
    StoredApplication,
    applications_for,
)
from kentei.data.audit import AuditAction, AuditEvent
from kentei.problems import FieldError
from kentei.submissions import (
    ApplicationRequest,
    EgovRequest,
    MynaportalRequest,
    ParsedSubmission,
    parse_egov,
    parse_mynaportal,
    parse_paper,
)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

KEY_TTL_S: Final = 24 * 60 * 60
"""How long a replay gets the stored response (Powertools' record)."""
_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID_CHARS: Final = 26


@dataclass(frozen=True)
class Submission:
    """A validated ``POST /v1/applications``, with who sent it and its fingerprint."""

    caller: Caller
    idempotency_key: str
    request: ApplicationRequest
    resubmission_of: str | None
    fingerprint: str
    request_id: str


def fingerprint(body: bytes, resubmission_of: str | None) -> str:
    """SHA-256 of what makes a request the same request: its body and what it replaces."""
    digest = hashlib.sha256(f"resubmission_of={resubmission_of or ''}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def application_id_for(prefecture_code: str, caller_id: str, idempotency_key: str) -> str:
    """``PP-<26 Crockford base32 characters>`` from SHA-256 of the caller and its key."""
    digest = hashlib.sha256(
        "\0".join(("kentei-application-id", prefecture_code, caller_id, idempotency_key)).encode()
    ).digest()
    value = int.from_bytes(digest, "big") >> (256 - 5 * _ID_CHARS)
    chars = [_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(_ID_CHARS))]
    return f"{prefecture_code}-{''.join(chars)}"


def submit(submission: Submission, context: LambdaContext) -> ApplicationAccepted:
    """Receive ``submission`` once; a replay of it gets the same answer."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config, receive = _idempotent()
    config.register_lambda_context(context)
    key = {
        "caller": submission.caller.id,
        "key": submission.idempotency_key,
        "fingerprint": submission.fingerprint,
    }
    try:
        answer = receive(submission=submission, idempotency=key)
    except IdempotencyValidationError:
        raise _key_reused() from None
    except IdempotencyAlreadyInProgressError:
        raise ConflictError(
            "a request with this Idempotency-Key is still being processed; retry shortly",
            slug="request-in-progress",
            headers={"Retry-After": "1"},
        ) from None
    return ApplicationAccepted.model_validate(answer)


@cache
def _idempotent() -> tuple[IdempotencyConfig, Callable[..., dict[str, Any]]]:
    # Made on first use: the idempotency utility and its DynamoDB store are not needed at
    # import, and the table's name is read from the environment only now.
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    from kentei.data.idempotency import persistence_layer

    config = IdempotencyConfig(
        event_key_jmespath="[caller, key]",
        payload_validation_jmespath="fingerprint",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=KEY_TTL_S,
        hash_function="sha256",
    )
    receive = idempotent_function(
        _receive,
        data_keyword_argument="idempotency",
        persistence_store=persistence_layer(),
        config=config,
        key_prefix="intake.submit",
    )
    return config, receive


def _receive(*, submission: Submission, idempotency: dict[str, str]) -> dict[str, Any]:
    del idempotency  # the key of the stored response; the submission has it all
    caller = submission.caller
    parsed = _parse(submission.request, caller)
    screening.refuse_in_submission(parsed)
    application_id = application_id_for(
        parsed.prefecture_code, caller.id, submission.idempotency_key
    )
    store = PrefectureApplications(parsed.prefecture_code)
    existing = store.get(application_id)
    if existing is not None:
        return _converge(existing, submission)
    now = datetime.now(UTC)
    application = _application(application_id, parsed, caller, now)
    returned = _returned(caller, submission.resubmission_of)
    if returned is not None:
        replaced, application = _link(returned.application, application, now)
    inbox.Inbox().put_parts(application_id, parsed.raw_parts)
    attachments = inbox.Attachments()
    for attachment in parsed.attachments:
        attachments.put(application_id, attachment)
    audit = (
        (_audit_entry(application, caller, submission.request_id, now),)
        if application.channel is Channel.PAPER
        else ()
    )
    try:
        if returned is None:
            store.create(application, submission.fingerprint, audit)
        else:
            store.create_resubmission(
                returned, replaced, application, submission.fingerprint, audit
            )
    except IdTakenError:
        raise _key_reused() from None
    except ConcurrentChangeError:
        raise ConflictError(
            "the application to replace changed meanwhile; retry with the same key",
            slug="concurrent-change",
        ) from None
    _queue(application)
    instruments.count("ApplicationsReceived", channel=application.channel.value)
    if returned is not None:
        instruments.count("ApplicationsResubmitted", channel=application.channel.value)
    instruments.logger.info(
        "application received",
        extra={"application_id": application_id, "channel": application.channel.value},
    )
    return _accepted(application_id)


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
        submitted_by=caller.id,
        history=(StatusChange(status=Status.RECEIVED, at=now, by=caller.id),),
    )


def _returned(caller: Caller, resubmission_of: str | None) -> StoredApplication | None:
    """The returned application a resubmission replaces, if the caller may see it."""
    if resubmission_of is None:
        return None
    returned = applications_for(caller).get(resubmission_of)
    if returned is None:
        raise InvalidRequestError(
            "the application to replace was not found",
            [
                FieldError(
                    field="query.resubmission_of",
                    problem="names no application the caller submitted or may review",
                )
            ],
        )
    return returned


def _link(
    returned: Application, resubmission: Application, now: datetime
) -> tuple[Application, Application]:
    try:
        return lifecycle.link_resubmission(returned, resubmission, now)
    except lifecycle.ResubmissionError as exc:
        raise ConflictError(str(exc), slug="resubmission-refused") from None


def _converge(existing: StoredApplication, submission: Submission) -> dict[str, Any]:
    """A retry of a request that was stored before: finish what may be missing."""
    if existing.request_sha256 != submission.fingerprint:
        raise _key_reused()
    if existing.application.status is Status.RECEIVED:
        _queue(existing.application)
    return _accepted(existing.application.application_id)


def _queue(application: Application) -> None:
    queues.send(
        "verify",
        messages.ApplicationReceived(
            application_id=application.application_id,
            prefecture_code=application.prefecture_code,
        ),
    )


def _audit_entry(
    application: Application, caller: Caller, request_id: str, at: datetime
) -> AuditEvent:
    """Staff keyed in a paper application: recorded with the application, in one write."""
    return AuditEvent(
        actor=caller.id,
        action=AuditAction.APPLICATION_ENTERED,
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


def _key_reused() -> ConflictError:
    return ConflictError(
        "this Idempotency-Key was used for another request; use a new key for a new application",
        slug="idempotency-key-reused",
    )
