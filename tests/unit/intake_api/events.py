"""REST proxy events as the local gateway (and API Gateway) builds them, and the handler.

``caller`` names who calls in the local tooling's shorthand (``bridge:mynaportal``,
``staff:13:user``, ``staff:13:user:reviewer,auditor``): the event carries what the gateway
would have verified, an ID token's claims or a client certificate, in the request context.
No header says who calls."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from kentei_local.context import LocalContext
from kentei_local.gateway import HttpRequest, proxy_event
from kentei_local.identities import request_context


def event(
    method: str,
    path: str,
    *,
    body: bytes | str | Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    caller: str | None = None,
) -> dict[str, Any]:
    if isinstance(body, Mapping):
        raw = json.dumps(body).encode()
    elif isinstance(body, str):
        raw = body.encode()
    else:
        raw = body or b""
    request = HttpRequest(
        method=method,
        target=path,
        headers=list((headers or {}).items()),
        body=raw,
        source_ip="127.0.0.1",
        host="127.0.0.1:8000",
    )
    context = request_context(caller) if caller is not None else {}
    return proxy_event(request, "req-unit", datetime.now(UTC), context)


def invoke(proxy_event: dict[str, Any]) -> tuple[int, dict[str, list[str]], Any]:
    """Status, headers and parsed body of intake's answer to ``proxy_event``."""
    from intake.handler import handler

    response = handler(proxy_event, LocalContext.for_function("intake"))
    body = response.get("body") or ""
    return response["statusCode"], response.get("multiValueHeaders") or {}, json.loads(body)
