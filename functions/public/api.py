"""The public API's edge: API Gateway proxy events in, responses out; HTTP lives only here.

Routes (no login; each is its own method on the public REST API, ``infra``):

- ``GET /verify``: the page (:mod:`public.page`), in Japanese or English (``?lang=`` first,
  then ``Accept-Language``);
- ``POST /verify``: the form (``credential``, ``lang``), answered with the page and its verdict;
- ``POST /v1/verifications``: ``{"credential": "..."}`` → the verdict as JSON
  (:mod:`public.verdicts`);
- ``GET /.well-known/jwks.json``, ``GET /credentials/status/{n}/{purpose}`` (the URLs the
  credentials name under the issuer's id) and ``GET /v1/status-lists/{n}/{purpose}``: the
  published documents with their stored content type and ``Cache-Control``;
- ``GET /v1/health``: ``ok`` and the issuer configured.

A small table of routes rather than Powertools' resolver: seven routes, no models to validate
but one, and the cold start of a page anyone may open. Refusals are RFC 9457 problem documents
(the API) or the page with the reason (the form): 400 unreadable, 413 too large, 415 another
content type, 422 a field refused, 503 the issuer's keys unreadable. The log holds the route,
the verdict's outcome and form, never what was presented nor a claim.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import parse_qsl

from aws_lambda_powertools.utilities.typing import LambdaContext

from public import page, paths
from public.dependencies import Dependencies, dependencies
from public.telemetry import instruments
from public.wording import Language, choose

MAX_BODY_BYTES: Final = 64 * 1024
"""The largest body read: four times the longest text verified, URL-encoded."""
PROBLEM_TYPE: Final = "application/problem+json"
PROBLEM_PREFIX: Final = "urn:kentei:problem:"
JSON_TYPE: Final = "application/json"
HTML_TYPE: Final = "text/html; charset=utf-8"
FORM_TYPE: Final = "application/x-www-form-urlencoded"
FORM_FIELDS: Final = frozenset({"credential", "lang"})
STATUS_LIST_PATH: Final = re.compile(
    r"^/(?:credentials/status|v1/status-lists)/([1-9][0-9]{0,8})/(revocation|message)$"
)
DOCUMENT_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    # Public documents an employer's browser-based software may fetch from anywhere.
    "Access-Control-Allow-Origin": "*",
}


class _RefusedError(Exception):
    def __init__(self, status: HTTPStatus, slug: str, detail: str, field: str = "") -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.field = field


class _Request:
    def __init__(self, event: Mapping[str, Any]) -> None:
        self.method = str(event.get("httpMethod") or "").upper()
        self.path = str(event.get("path") or "/")
        self.headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
        self.query = {str(k): str(v) for k, v in (event.get("queryStringParameters") or {}).items()}
        self._body = event.get("body")
        self._base64 = bool(event.get("isBase64Encoded"))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def language(self) -> Language:
        return choose(self.query.get("lang"), self.headers.get("accept-language"))

    def body(self) -> bytes:
        raw = self._body or ""
        if self._base64:
            try:
                data = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                raise _RefusedError(
                    HTTPStatus.BAD_REQUEST, "bad-request", "the body cannot be read"
                ) from None
        else:
            data = str(raw).encode("utf-8")
        if len(data) > MAX_BODY_BYTES:
            raise _RefusedError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "too-large",
                f"the body is larger than {MAX_BODY_BYTES} bytes",
            )
        return data


def _response(
    status: int, body: str, content_type: str, headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_type, **(headers or {})},
        "body": body,
        "isBase64Encoded": False,
    }


def _json(status: int, document: Any, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return _response(status, body, JSON_TYPE, {"Cache-Control": "no-store", **(headers or {})})


def _problem(refused: _RefusedError) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": f"{PROBLEM_PREFIX}{refused.slug}",
        "title": refused.status.phrase,
        "status": int(refused.status),
        "detail": refused.detail,
    }
    if refused.field:
        document["errors"] = [{"field": refused.field, "rule": refused.slug}]
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return _response(int(refused.status), body, PROBLEM_TYPE, {"Cache-Control": "no-store"})


def _page(status: int, language: Language, *, result: str = "", value: str = "") -> dict[str, Any]:
    html = page.render(language, result=result, value=value)
    return _response(status, html, HTML_TYPE, page.HEADERS)


def _check(raw: str | None, deps: Dependencies) -> dict[str, Any]:
    """The verdict document of ``raw``; refusals as :class:`_RefusedError`."""
    from public.verdicts import verdict_document
    from public.verification import KeysUnavailableError, PresentedError, check

    try:
        checked = check(raw, deps)
    except PresentedError as exc:
        raise _RefusedError(
            HTTPStatus.UNPROCESSABLE_ENTITY, exc.rule, str(exc), field=exc.field
        ) from None
    except KeysUnavailableError as exc:
        raise _RefusedError(HTTPStatus.SERVICE_UNAVAILABLE, "keys-unavailable", str(exc)) from None
    verdict = checked.verdict
    # The outcome and form only: never the text presented nor what the certificate says.
    instruments.logger.info(
        "verified",
        extra={
            "outcome": verdict.outcome.value,
            "form": None if verdict.form is None else verdict.form.value,
            "statusListFailures": list(checked.failures),
        },
    )
    instruments.count("CertificateVerified", outcome=verdict.outcome.value)
    return verdict_document(checked)


def _page_get(request: _Request, deps: Dependencies) -> dict[str, Any]:
    return _page(HTTPStatus.OK, request.language)


def _form(request: _Request) -> dict[str, str]:
    if request.content_type != FORM_TYPE:
        raise _RefusedError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", f"send {FORM_TYPE}"
        )
    try:
        text = request.body().decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=len(FORM_FIELDS))
    except (UnicodeDecodeError, ValueError):
        raise _RefusedError(
            HTTPStatus.UNPROCESSABLE_ENTITY, "unknown-field", "the form cannot be read"
        ) from None
    names = [name for name, _ in pairs]
    if not set(names) <= FORM_FIELDS or len(set(names)) != len(names):
        raise _RefusedError(
            HTTPStatus.UNPROCESSABLE_ENTITY, "unknown-field", "the form takes credential and lang"
        )
    return dict(pairs)


def _page_post(request: _Request, deps: Dependencies) -> dict[str, Any]:
    language = request.language
    try:
        fields = _form(request)
        language = choose(
            fields.get("lang") or request.query.get("lang"), request.headers.get("accept-language")
        )
        value = fields.get("credential", "")
        document = _check(value, deps)
    except _RefusedError as refused:
        _log_refusal(refused)
        key = refused.slug if refused.slug in page.ERROR_KEYS else "unknown-field"
        # Nothing refused is echoed back (it may hold a My Number, or be anything at all).
        return _page(int(refused.status), language, result=page.error_html(key, language))
    return _page(HTTPStatus.OK, language, result=page.verdict_html(document, language), value=value)


def _verifications(request: _Request, deps: Dependencies) -> dict[str, Any]:
    if request.content_type != JSON_TYPE:
        raise _RefusedError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", f"send {JSON_TYPE}"
        )
    try:
        payload = json.loads(request.body())
    except (RecursionError, UnicodeDecodeError, ValueError):
        raise _RefusedError(HTTPStatus.BAD_REQUEST, "bad-request", "the body is not JSON") from None
    if not isinstance(payload, dict):
        raise _RefusedError(
            HTTPStatus.UNPROCESSABLE_ENTITY, "invalid", "the body is an object", field="body"
        )
    unknown = sorted(set(payload) - {"credential"})
    if unknown:
        raise _RefusedError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "unknown-field",
            "the body takes credential only",
            field=f"body.{unknown[0]}"[:64],
        )
    credential = payload.get("credential")
    if not isinstance(credential, str):
        raise _RefusedError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "missing" if credential is None else "invalid",
            "credential is a string: the 2D code's text or the VC-JWT",
            field="credential",
        )
    return _json(HTTPStatus.OK, _check(credential, deps))


def _served(key: str, default_cache: str, deps: Dependencies) -> dict[str, Any]:
    document = deps.documents.get(key)
    if document is None:
        raise _RefusedError(HTTPStatus.NOT_FOUND, "not-found", "not published")
    headers = {**DOCUMENT_HEADERS, "Cache-Control": document.cache_control or default_cache}
    body = document.body.decode("utf-8")
    return _response(HTTPStatus.OK, body, document.content_type, headers)


def _jwks(request: _Request, deps: Dependencies) -> dict[str, Any]:
    from kentei.credentials.jwks import JWKS_CACHE_SECONDS
    from kentei.data.published import JWKS_KEY

    return _served(JWKS_KEY, f"public, max-age={JWKS_CACHE_SECONDS}", deps)


def _status_list(request: _Request, deps: Dependencies) -> dict[str, Any]:
    from kentei.credentials.status import CACHE_CONTROL
    from kentei.data.published import status_list_key

    match = STATUS_LIST_PATH.match(request.path)
    assert match is not None, "routed by the same pattern"
    return _served(status_list_key(int(match.group(1)), match.group(2)), CACHE_CONTROL, deps)


def _health(request: _Request, deps: Dependencies) -> dict[str, Any]:
    # The issuer is public (every credential names it): monitoring sees what is configured.
    issuer = {"id": deps.issuer.id, "name": deps.issuer.name}
    return _json(HTTPStatus.OK, {"status": "ok", "issuer": issuer})


_Route = Callable[[_Request, Dependencies], dict[str, Any]]
ROUTES: Final[Mapping[str, Mapping[str, _Route]]] = {
    paths.PAGE: {"GET": _page_get, "POST": _page_post},
    paths.VERIFICATIONS: {"POST": _verifications},
    paths.JWKS: {"GET": _jwks},
    paths.HEALTH: {"GET": _health},
}
STATUS_LIST_METHODS: Final[Mapping[str, _Route]] = {"GET": _status_list}
"""For both templates of :data:`STATUS_LIST_PATH` (``paths.STATUS_LIST``, ``STATUS_LIST_V1``)."""


def _methods(path: str) -> Mapping[str, _Route]:
    if path in ROUTES:
        return ROUTES[path]
    return STATUS_LIST_METHODS if STATUS_LIST_PATH.match(path) else {}


def _log_refusal(refused: _RefusedError) -> None:
    instruments.logger.info(
        "request refused", extra={"status": int(refused.status), "problem": refused.slug}
    )


def respond(event: Mapping[str, Any], deps: Callable[[], Dependencies]) -> dict[str, Any]:
    """The response to ``event``; ``deps`` builds the dependencies when a route needs them."""
    request = _Request(event)
    methods = _methods(request.path)
    try:
        if not methods:
            raise _RefusedError(HTTPStatus.NOT_FOUND, "not-found", "no such resource")
        route = methods.get(request.method)
        if route is None:
            allowed = ", ".join(sorted(methods))
            refused = _RefusedError(
                HTTPStatus.METHOD_NOT_ALLOWED, "method-not-allowed", f"this takes {allowed}"
            )
            _log_refusal(refused)
            response = _problem(refused)
            response["headers"]["Allow"] = allowed
            return response
        return route(request, deps())
    except _RefusedError as refused:
        _log_refusal(refused)
        return _problem(refused)
    except Exception as exc:
        # The type only: an exception's text may quote what was presented.
        instruments.logger.error("unhandled error", extra={"error": type(exc).__name__})
        return _problem(
            _RefusedError(HTTPStatus.INTERNAL_SERVER_ERROR, "internal", "an unexpected error")
        )


def resolve(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(event, dependencies)
