"""The REST resolver: routes, and every error mapped to a problem document in one place."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from intake import health
from kentei import problems
from kentei.instrumentation import Instruments

instruments = Instruments.for_service("intake")
app = APIGatewayRestResolver(enable_validation=True)
app.include_router(health.router)


def _problem_response(problem: problems.Problem) -> Response[str]:
    return Response(
        status_code=problem.status,
        content_type=problems.CONTENT_TYPE,
        body=problems.body(problem),
    )


@app.not_found
def _not_found(_: Exception) -> Response[str]:
    return _problem_response(problems.make(HTTPStatus.NOT_FOUND, "not-found", "no such resource"))


@app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
def _invalid_request(exc: RequestValidationError) -> Response[str]:
    return _problem_response(
        problems.make(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "validation",
            "the request does not match the interface",
            problems.field_errors(exc.errors()),
        )
    )


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def _unexpected(exc: Exception) -> Response[str]:
    # The log line carries the type only: exception text may quote input.
    instruments.logger.error("unhandled error", extra={"error": type(exc).__name__})
    return _problem_response(
        problems.make(HTTPStatus.INTERNAL_SERVER_ERROR, "internal", "an internal error occurred")
    )
