"""Checks on the raw event, before routing and before any body is parsed.

Powertools validates a request before any route code runs, so what must come first is
checked here: an unauthenticated caller gets ``401`` whatever it sent, a caller the route's
rule does not admit ``403`` (:mod:`intake.authorization`); a body larger than
:data:`~kentei.submissions.limits.MAX_REQUEST_BYTES` is a ``413`` and is never parsed; a body
that is not ``application/json`` is a ``415``; a body that is not UTF-8 is a ``400``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, Final

from intake import paths
from intake.authorization import authorize
from intake.errors import (
    ApiError,
    MalformedRequestError,
    TooLargeError,
    UnsupportedMediaTypeError,
)
from kentei.submissions.limits import MAX_REQUEST_BYTES

JSON: Final = "application/json"
_WITH_BODY: Final = frozenset({"POST", "PUT", "PATCH"})


def check(event: Mapping[str, Any]) -> ApiError | None:
    """The error to answer ``event`` with before routing, or None to route it."""
    path = str(event.get("path") or "")
    try:
        authorize(event)
        if str(event.get("httpMethod") or "").upper() in _WITH_BODY and paths.allowed_methods(path):
            _check_body(event)
    except ApiError as error:
        return error
    return None


def _check_body(event: Mapping[str, Any]) -> None:
    body = event.get("body") or ""
    if not isinstance(body, str):
        raise MalformedRequestError("the body could not be read")
    if _too_large(body, encoded=bool(event.get("isBase64Encoded"))):
        raise TooLargeError(f"the request body is larger than {MAX_REQUEST_BYTES} bytes")
    if media_type(_header(event, "content-type")) != JSON:
        raise UnsupportedMediaTypeError(f"the body must be {JSON}")
    if event.get("isBase64Encoded"):
        try:
            base64.b64decode(body, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise MalformedRequestError("the body is not UTF-8 JSON") from None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _too_large(body: str, *, encoded: bool) -> bool:
    if encoded:
        return len(body) * 3 // 4 > MAX_REQUEST_BYTES
    # A character is one to four bytes in UTF-8: measure only when the bounds disagree.
    if len(body) > MAX_REQUEST_BYTES:
        return True
    if len(body) * 4 <= MAX_REQUEST_BYTES:
        return False
    return len(body.encode("utf-8", "surrogatepass")) > MAX_REQUEST_BYTES


def _header(event: Mapping[str, Any], name: str) -> str | None:
    headers = event.get("headers") or {}
    return next((str(v) for k, v in headers.items() if str(k).lower() == name), None)
