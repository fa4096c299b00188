"""The REST resolvers: each request's takes only its route's router (:func:`resolver_for`, from
:data:`intake.paths.ROUTERS`), so a cold container imports one router and its models rather
than all of them; every error is mapped to a problem document in one place, the same for each.

:func:`resolve` runs the gate (``intake.gate``: caller, body size, content type) and the
screening of path and query parameters (``intake.screening``: no My Number) before
Powertools routes and validates the request, so those answers never depend on the body.
A refused access to personal data (403, 404) is then written to the audit trail
(``intake.access_audit``).
"""

from __future__ import annotations

import importlib
import json
from functools import cache
from http import HTTPStatus
from typing import Any, Final

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from intake import access_audit, errors, gate, paths, problems, screening
from intake.telemetry import instruments
from kentei.submissions import SubmissionError

OPENAPI_ROUTER: Final = "intake.routes.openapi_document"
"""Served by the whole API's resolver only: the document describes the resolver it is in."""


def _loads(text: str) -> Any:
    """JSON as Powertools reads bodies, where any failure is a JSON error (a 400), never a
    crash: too deep a nesting or too long a number is not JSON we accept."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except (RecursionError, ValueError):
        raise json.JSONDecodeError("the JSON cannot be read", text[:0], 0) from None


@cache
def resolver(modules: tuple[str, ...]) -> APIGatewayRestResolver:
    """A resolver with the routers of ``modules`` (:data:`intake.paths.ROUTERS`' names) and
    every error mapped to its problem document; one per set, kept for the container's life."""
    app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=_loads)
    for module in modules:
        app.include_router(importlib.import_module(module).router)
    _map_errors(app)
    return app


def full_app() -> APIGatewayRestResolver:
    """Every router: the API as its OpenAPI document describes it (``GET /v1/openapi.json``,
    ``make openapi``, and any path no route has, answered exactly as before)."""
    return resolver(tuple(paths.ROUTERS))


def warm() -> None:
    """Every resolver a request may take, built now: with SnapStart, before the snapshot
    (:func:`kentei.snapstart.warm`), so no restored environment imports a router."""
    full_app()
    for module in paths.ROUTERS:
        if module != OPENAPI_ROUTER:
            resolver((module,))


def resolver_for(event: dict[str, Any]) -> APIGatewayRestResolver:
    """The resolver of the request's route: only its router, so a cold container imports
    that router and its models and no other; the whole API for the OpenAPI document and for
    a path no route has."""
    module = paths.router_of(str(event.get("path") or ""), str(event.get("httpMethod") or ""))
    if module is None or module == OPENAPI_ROUTER:
        return full_app()
    return resolver((module,))


def resolve(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    refused = gate.check(event) or _screen_parameters(event)
    if refused is not None:
        _log_refusal(refused)
        response = _proxy_response(refused.problem(), refused.headers)
    else:
        response = resolver_for(event).resolve(event, context)
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


def _api_error(exc: errors.ApiError) -> Response[str]:
    return _refusal(exc)


def _submission_error(exc: SubmissionError) -> Response[str]:
    refusal = errors.refused_submission(exc)
    instruments.logger.info(
        "submission refused", extra={"status": int(refusal.status), "problem": refusal.slug}
    )
    return _problem_response(refusal.problem())


def _session_refused(exc: errors.SessionError) -> Response[str]:
    return _refusal(errors.refused_session(exc))


def _payment_refused(exc: errors.PaymentError) -> Response[str]:
    return _refusal(errors.refused_payment(exc))


def _not_found(_: Exception) -> Response[str]:
    allowed = paths.allowed_methods(BaseRouter.current_event.path)
    if allowed:
        return _refusal(
            errors.MethodNotAllowedError(
                f"this resource takes {', '.join(allowed)}", headers={"Allow": ", ".join(allowed)}
            )
        )
    return _problem_response(problems.make(HTTPStatus.NOT_FOUND, "not-found", "no such resource"))


def _invalid_request(exc: RequestValidationError) -> Response[str]:
    error = errors.from_validation(exc.errors())
    if error is None:
        instruments.logger.error("response failed its own model", extra={"error": "response"})
        return _problem_response(errors.internal())
    return _refusal(error)


def _unexpected(exc: Exception) -> Response[str]:
    # The log line carries the type only: exception text may quote input.
    instruments.logger.error("unhandled error", extra={"error": type(exc).__name__})
    return _problem_response(errors.internal())


def _map_errors(app: APIGatewayRestResolver) -> None:
    """Every error a route raises, as its problem document: the same for every resolver."""
    app.exception_handler(errors.ApiError)(_api_error)
    app.exception_handler(SubmissionError)(_submission_error)
    app.exception_handler(list(errors.SESSION_REFUSALS))(_session_refused)
    app.exception_handler(list(errors.PAYMENT_REFUSALS))(_payment_refused)
    app.not_found(_not_found)
    app.exception_handler(RequestValidationError)(_invalid_request)
    app.exception_handler(Exception)(_unexpected)
