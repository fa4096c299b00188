"""Every error intake answers with, as an RFC 9457 problem, decided in this one module.

Logic raises :class:`ApiError` (one subclass per kind); the resolver's exception handlers
(``intake.api``) turn it, and the errors of Powertools' validation and idempotency, into
problem documents with a stable ``type``. The domain's refusals (``kentei.*`` raises plain
errors that know no HTTP) are answered through :data:`REFUSALS`, the one table of what
status each kind of refusal is. A problem names fields and what was wrong with
them, never the value sent: validation messages and paths pass through :func:`_safe_text`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, Final

from intake import problems
from intake.problems import Problem
from kentei import redaction, submissions
from kentei.fees.payments import AlreadyPaidError, PaymentConflictError, PaymentRefusedError
from kentei.field_errors import FieldError
from kentei.sessions.errors import (
    SeatRefusedError,
    SessionChangedError,
    SessionNotFoundError,
    SessionRefusedError,
)
from kentei.submissions import RefusalKind, SubmissionError

IDEMPOTENCY_HEADER: Final = "idempotency-key"
_CHANNEL_TAGS: Final = frozenset({"mynaportal", "egov", "paper"})
_MAX_TEXT: Final = 300


class ApiError(Exception):
    """An error the client is told about: its status, stable slug, detail and field errors."""

    status: HTTPStatus = HTTPStatus.BAD_REQUEST
    slug: str = "bad-request"

    def __init__(
        self,
        detail: str,
        errors: Iterable[FieldError] = (),
        *,
        slug: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)
        self.headers = dict(headers or {})
        if slug is not None:
            self.slug = slug

    def problem(self) -> Problem:
        return problems.make(self.status, self.slug, self.detail, self.errors)


class MalformedRequestError(ApiError):
    status, slug = HTTPStatus.BAD_REQUEST, "malformed-request"


class IdempotencyKeyError(ApiError):
    """The ``Idempotency-Key`` header is missing or malformed (as the IETF draft says: 400)."""

    status, slug = HTTPStatus.BAD_REQUEST, "idempotency-key"


class UnauthenticatedError(ApiError):
    status, slug = HTTPStatus.UNAUTHORIZED, "unauthenticated"


class ForbiddenError(ApiError):
    status, slug = HTTPStatus.FORBIDDEN, "forbidden"


class NotFoundError(ApiError):
    status, slug = HTTPStatus.NOT_FOUND, "not-found"


class MethodNotAllowedError(ApiError):
    status, slug = HTTPStatus.METHOD_NOT_ALLOWED, "method-not-allowed"


class ConflictError(ApiError):
    """409: the slug says which conflict (a reused key, a status, a concurrent change)."""

    status, slug = HTTPStatus.CONFLICT, "conflict"


class TooLargeError(ApiError):
    status, slug = HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request-too-large"


class UnsupportedMediaTypeError(ApiError):
    status, slug = HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type"


class InvalidRequestError(ApiError):
    """422: the request is well-formed but does not meet the interface."""

    status, slug = HTTPStatus.UNPROCESSABLE_ENTITY, "validation"


REFUSALS: Final[Mapping[RefusalKind, HTTPStatus]] = {
    RefusalKind.MALFORMED: HTTPStatus.BAD_REQUEST,
    RefusalKind.FORBIDDEN: HTTPStatus.FORBIDDEN,
    RefusalKind.TOO_LARGE: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    RefusalKind.UNSUPPORTED_MEDIA_TYPE: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    RefusalKind.INVALID: HTTPStatus.UNPROCESSABLE_ENTITY,
}
"""The status of each kind of refused submission; the problem ``type`` is the refusal's slug."""


def refused_submission(error: SubmissionError) -> ApiError:
    """The answer to a refused submission: its kind's status, its slug and field errors."""
    refusal = ApiError(error.detail, error.errors, slug=error.slug)
    refusal.status = REFUSALS[error.kind]
    return refusal


SessionError = SessionRefusedError | SessionNotFoundError | SessionChangedError | SeatRefusedError
"""The domain errors of exam sessions and seats (:mod:`kentei.sessions.errors`)."""

SESSION_REFUSALS: Final[Mapping[type[Exception], tuple[HTTPStatus, str, str]]] = {
    SessionRefusedError: (
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "session-refused",
        "the session breaks the rules named in errors",
    ),
    SessionNotFoundError: (
        HTTPStatus.NOT_FOUND,
        "not-found",
        "no such session in the caller's prefecture",
    ),
    SessionChangedError: (
        HTTPStatus.CONFLICT,
        "concurrent-change",
        "the session changed since it was read; read it again and send its new version",
    ),
    SeatRefusedError: (
        HTTPStatus.CONFLICT,
        "seat-refused",
        "the seat cannot be taken or moved as asked",
    ),
}
"""Each session or seat refusal: its status, the problem's slug and its detail."""


def refused_session(error: SessionError) -> ApiError:
    """The answer to a refused session or seat: its status, slug and every field named."""
    status, slug, detail = SESSION_REFUSALS[type(error)]
    if isinstance(error, SessionRefusedError):
        fields = list(error.errors)
    elif isinstance(error, SessionNotFoundError):
        fields = [FieldError(field=error.field, problem="no such session in your prefecture")]
    elif isinstance(error, SessionChangedError):
        fields = [FieldError(field="version", problem="the session changed since it was read")]
    else:
        fields = [FieldError(field=error.field, problem=error.problem)]
    refusal = ApiError(
        detail,
        [FieldError(field=_safe_text(f.field, 64), problem=_safe_text(f.problem)) for f in fields],
        slug=slug,
    )
    refusal.status = status
    return refusal


PaymentError = PaymentRefusedError | AlreadyPaidError | PaymentConflictError
"""The domain errors of fee payments (:mod:`kentei.fees.payments`)."""

PAYMENT_REFUSALS: Final[Mapping[type[Exception], tuple[HTTPStatus, str, str]]] = {
    PaymentRefusedError: (
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "payment-refused",
        "the sitting cannot take the payment as asked",
    ),
    AlreadyPaidError: (
        HTTPStatus.CONFLICT,
        "fee-paid",
        "a part named is paid already, by another payment",
    ),
    PaymentConflictError: (
        HTTPStatus.CONFLICT,
        "concurrent-change",
        "the sitting kept changing while the payment was recorded; try again",
    ),
}
"""Each fee payment refusal: its status, the problem's slug and its detail."""


def refused_payment(error: PaymentError) -> ApiError:
    """The answer to a refused payment: its status, slug and the field named."""
    status, slug, detail = PAYMENT_REFUSALS[type(error)]
    if isinstance(error, PaymentRefusedError):
        fields = [FieldError(field=error.field, problem=error.rule)]
    elif isinstance(error, AlreadyPaidError):
        fields = [FieldError(field="parts", problem=str(error))]
    else:
        fields = []
    refusal = ApiError(
        detail,
        [FieldError(field=_safe_text(f.field, 64), problem=_safe_text(f.problem)) for f in fields],
        slug=slug,
    )
    refusal.status = status
    return refusal


def internal() -> Problem:
    return problems.make(HTTPStatus.INTERNAL_SERVER_ERROR, "internal", "an internal error occurred")


def from_validation(errors: Sequence[Mapping[str, Any]]) -> ApiError | None:
    """The problem for Powertools' request validation errors; None when the errors are about
    the response (our bug, answered as internal)."""
    if any(_location(error)[:1] == ("response",) for error in errors):
        return None
    if any(error.get("type") == "json_invalid" for error in errors):
        return MalformedRequestError(
            "the body is not valid JSON", [FieldError(field="(body)", problem="is not valid JSON")]
        )
    fields = [_field_error(error) for error in errors]
    if any(_location(error)[:2] == ("header", IDEMPOTENCY_HEADER) for error in errors):
        return IdempotencyKeyError(
            "the Idempotency-Key header is required: 8 to 128 visible ASCII characters", fields
        )
    return InvalidRequestError("the request does not match the interface", fields)


def _location(error: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(error.get("loc", ()))


def _field_error(error: Mapping[str, Any]) -> FieldError:
    """Paths in the body are JSON paths in it (``form.name``, ``attachments.0.content``), as
    the submission parser names them; headers and query parameters keep their prefix
    (``header.idempotency-key``, ``query.cursor``). Form items get their English names."""
    location = _location(error)
    form_at: tuple[str, ...] | None = None
    if location[:1] == ("body",):
        location = location[1:]
        # A discriminated union puts the tag in the path: clients know the body, not our
        # union. In a paper request the form's items are named in English, whichever way
        # the client spelt them.
        if location[:1] and location[0] in _CHANNEL_TAGS:
            form_at = ("form",) if location[0] == "paper" else None
            location = location[1:]
    (named,) = submissions.field_errors(
        [
            {
                "type": error.get("type"),
                "loc": location,
                "msg": error.get("msg"),
                "ctx": error.get("ctx"),
            }
        ],
        form_at=form_at,
    )
    return FieldError(
        field=".".join(_safe_text(part, 64) for part in named.field.split(".")),
        problem=_safe_text(named.problem),
    )


def _safe_text(text: str, limit: int = _MAX_TEXT) -> str:
    """Text that came near client input (an unknown key in a path, a message): without
    control characters, My Numbers or residence-card numbers, and short."""
    cleaned = "".join("?" if unicodedata.category(c).startswith("C") else c for c in text)
    cleaned = redaction.redact(cleaned)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
