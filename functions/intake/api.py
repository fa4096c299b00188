"""The REST resolver: the routers, and every error mapped to a problem document in one place.

:func:`resolve` runs the gate (``intake.gate``: caller, body size, content type) and the
screening of path and query parameters (``intake.screening``: no My Number) before
Powertools routes and validates the request, so those answers never depend on the body.
A refused access to personal data (403, 404) is then written to the audit trail
(``intake.access_audit``).
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from intake import access_audit, errors, gate, health, paths, problems, screening
from intake.routes import (
    admin,
    applications,
    audit,
    certificates,
    change_requests,
    changes,
    corrections,
    deletions,
    documents,
    exams,
    fees,
    identity,
    incidents,
    initial_registrations,
    national_conflicts,
    notices,
    passer_reviews,
    person_requests,
    result_imports,
    results,
    review,
    sessions,
    signed_change_requests,
    statistics,
)
from intake.telemetry import instruments
from kentei.submissions import SubmissionError


def _loads(text: str) -> Any:
    """JSON as Powertools reads bodies, where any failure is a JSON error (a 400), never a
    crash: too deep a nesting or too long a number is not JSON we accept."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except (RecursionError, ValueError):
        raise json.JSONDecodeError("the JSON cannot be read", text[:0], 0) from None


app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=_loads)
app.include_router(health.router)
app.include_router(documents.router)
app.include_router(applications.router)
app.include_router(review.router)
app.include_router(identity.router)
app.include_router(audit.router)
app.include_router(incidents.router)
app.include_router(admin.router)
app.include_router(exams.router)
app.include_router(sessions.router)
app.include_router(deletions.router)
app.include_router(fees.router)
app.include_router(changes.router)
app.include_router(national_conflicts.router)
app.include_router(person_requests.router)
app.include_router(corrections.router)
app.include_router(change_requests.router)
app.include_router(signed_change_requests.router)
app.include_router(initial_registrations.router)
app.include_router(passer_reviews.router)
app.include_router(results.router)
app.include_router(result_imports.router)
app.include_router(notices.router)
app.include_router(certificates.router)
app.include_router(statistics.router)


def resolve(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    refused = gate.check(event) or _screen_parameters(event)
    if refused is not None:
        _log_refusal(refused)
        response = _proxy_response(refused.problem(), refused.headers)
    else:
        response = app.resolve(event, context)
    access_audit.record_refusal(event, int(response["statusCode"]))
    return response


def _screen_parameters(event: dict[str, Any]) -> errors.ApiError | None:
    """A My Number in a path or query parameter: refused before routing, so no route, log
    line or problem quotes it."""
    try:
        screening.refuse_in_parameters(event)
    except errors.ApiError as error:
        return error
    return None


def _problem_response(
    problem: problems.Problem, headers: dict[str, str] | None = None
) -> Response[str]:
    return Response(
        status_code=problem.status,
        content_type=problems.CONTENT_TYPE,
        body=problems.body(problem),
        headers=headers or None,
    )


def _proxy_response(problem: problems.Problem, headers: dict[str, str]) -> dict[str, Any]:
    """The proxy response for a problem answered before routing (no Powertools response)."""
    multi = {"Content-Type": [problems.CONTENT_TYPE]} | {k: [v] for k, v in headers.items()}
    return {
        "statusCode": problem.status,
        "multiValueHeaders": multi,
        "body": problems.body(problem),
        "isBase64Encoded": False,
    }


def _log_refusal(error: errors.ApiError) -> None:
    # Slug and status only: details and field paths stay out of the logs.
    instruments.logger.info(
        "request refused", extra={"status": int(error.status), "problem": error.slug}
    )


def _refusal(error: errors.ApiError) -> Response[str]:
    _log_refusal(error)
    return _problem_response(error.problem(), error.headers)


@app.exception_handler(errors.ApiError)  # type: ignore[untyped-decorator]
def _api_error(exc: errors.ApiError) -> Response[str]:
    return _refusal(exc)


@app.exception_handler(SubmissionError)  # type: ignore[untyped-decorator]
def _submission_error(exc: SubmissionError) -> Response[str]:
    refusal = errors.refused_submission(exc)
    instruments.logger.info(
        "submission refused", extra={"status": int(refusal.status), "problem": refusal.slug}
    )
    return _problem_response(refusal.problem())


@app.exception_handler(list(errors.SESSION_REFUSALS))  # type: ignore[untyped-decorator]
def _session_refused(exc: errors.SessionError) -> Response[str]:
    return _refusal(errors.refused_session(exc))


@app.exception_handler(list(errors.PAYMENT_REFUSALS))  # type: ignore[untyped-decorator]
def _payment_refused(exc: errors.PaymentError) -> Response[str]:
    return _refusal(errors.refused_payment(exc))


@app.not_found
def _not_found(_: Exception) -> Response[str]:
    allowed = paths.allowed_methods(app.current_event.path)
    if allowed:
        return _refusal(
            errors.MethodNotAllowedError(
                f"this resource takes {', '.join(allowed)}", headers={"Allow": ", ".join(allowed)}
            )
        )
    return _problem_response(problems.make(HTTPStatus.NOT_FOUND, "not-found", "no such resource"))


@app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
def _invalid_request(exc: RequestValidationError) -> Response[str]:
    error = errors.from_validation(exc.errors())
    if error is None:
        instruments.logger.error("response failed its own model", extra={"error": "response"})
        return _problem_response(errors.internal())
    return _refusal(error)


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def _unexpected(exc: Exception) -> Response[str]:
    # The log line carries the type only: exception text may quote input.
    instruments.logger.error("unhandled error", extra={"error": type(exc).__name__})
    return _problem_response(errors.internal())
