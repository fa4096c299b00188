"""The responses each route declares in the OpenAPI document: its success, and its problems.

Every error is ``application/problem+json`` (RFC 9457, :class:`intake.problems.Problem`);
declaring each status a route can answer lets a schema-driven client (or fuzzer) expect the
real shapes. It also replaces Powertools' default ``422`` declaration, whose schema is not
what the API sends.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Final

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from intake.problems import CONTENT_TYPE, Problem

_WHEN: Final[dict[int, str]] = {
    400: "Malformed request: the body is not JSON, or the Idempotency-Key header is missing "
    "or malformed",
    401: "No authenticated caller",
    403: "The caller may not do this",
    404: "No such resource, or none the caller may see",
    409: "Conflict with the current state (a reused Idempotency-Key, a request in progress, "
    "a status that does not allow it, a concurrent change)",
    413: "The request or one of its parts is too large",
    415: "The body is not application/json, or an attachment is not PDF, JPEG or PNG",
    422: "The request does not meet the interface: field paths and what is wrong, never the "
    "value sent",
    500: "Internal error",
}


def documented(
    status: int, description: str, *problems: int, headers: dict[str, Any] | None = None
) -> dict[int, OpenAPIResponse]:
    """The success ``status`` (its body is the route's return type) and each problem status
    (422 and 500 always)."""
    success: OpenAPIResponse = {"description": description}
    if headers:
        success["headers"] = headers
    declared: dict[int, OpenAPIResponse] = {status: success}
    for code in sorted({*problems, 422, 500}):
        declared[code] = {
            "description": _WHEN.get(code, HTTPStatus(code).phrase),
            "content": {CONTENT_TYPE: {"model": Problem}},
        }
    return declared


def with_content(
    status: int, description: str, media_type: str, schema: dict[str, Any], *problems: int
) -> dict[int, OpenAPIResponse]:
    """Like :func:`documented`, for a success whose body is not a model (a JSON document)."""
    declared = documented(status, description, *problems)
    declared[status]["content"] = {media_type: {"schema": schema}}
    return declared


SUBMITTED: Final = documented(
    202,
    "Received: stored and queued for verification",
    400,
    401,
    403,
    409,
    413,
    415,
    headers={"Location": {"description": "the status URL", "schema": {"type": "string"}}},
)
"""The answers of a submission received for verification (an application, a signed
request): ``202`` with the status URL in ``Location``."""


def idempotency_key_header(description: str) -> Header:
    """The ``Idempotency-Key`` header of a submission (an application, a signed request):
    8-128 visible ASCII characters, ``description`` saying what it is new for."""
    return Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=128,
        pattern=r"^[\x21-\x7e]+$",
        description=description,
    )


CSV: Final = "text/csv"


def csv_attachment(body: str, filename: str) -> Response[str]:
    """A CSV download (UTF-8) the browser saves as ``filename``."""
    return Response(
        status_code=200,
        content_type=f"{CSV}; charset=utf-8",
        body=body,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
