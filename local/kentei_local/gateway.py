"""The local API gateway: HTTP requests in, API Gateway REST proxy events to intake, and back.

It mirrors the deployed APIs (``infra/kentei_infra/api.py``): stage ``prod`` and a Lambda
proxy integration (payload v1); deployed, each route is its own method, locally one greedy
resource, ``/v1/{proxy+}``, stands for them (the function routes). A request under
``/v1/`` becomes the event that API would send: ``path`` is the request path (``/v1/...``,
still percent-encoded, as API Gateway passes it), ``requestContext.path`` adds the stage as
the execute-api endpoint does, query strings and headers come single- (last value) and
multi-valued, and a body whose content type is not text is base64-encoded with
``isBase64Encoded``. Any other path gets API Gateway's own 403, without an invocation. The
response is checked the way API Gateway checks it: an error, a malformed response or a
timeout gives its 502 or 504 answer, never the handler's text.

Two entry points, as deployed (issue 8): the **staff port** (HTTP) is the staff API with its
Cognito user pool authorizer (:class:`StaffEntry`: an ID token verified against the pool's
keys, its claims in ``requestContext.authorizer.claims``; none or a bad one is API Gateway's
``401`` before the function runs; health and the contract are public); the **bridge port**
(HTTPS, mutual TLS with the local CA) is the bridge API (:class:`BridgeEntry`: the verified
client certificate in ``requestContext.identity.clientCert``, the bridges' routes only).
Neither takes a caller from a header. A third, the **public port** (HTTP), is the public
verification API (:class:`PublicEntry`: no authorizer, its routes only, each under the root
rather than ``/v1/``: ``/verify``, ``/.well-known/jwks.json``, ``/credentials/status/...``),
in front of the public function.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import re
import secrets
import socket
import socketserver
import ssl
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from kentei.redaction import redact
from kentei_local.functions import Invocation, LocalFunction
from kentei_local.localca import client_cert_context
from kentei_local.resources import ACCOUNT_ID
from kentei_local.tokens import TokenVerifier
from public import paths as public_paths

# The deployed API's stage and only resource (infra/kentei_infra/settings.py and api.py).
STAGE: Final = "prod"
BASE_PATH: Final = "/v1/"
PROXY_RESOURCE: Final = "/v1/{proxy+}"
API_ID: Final = "kentei0lcl"
MAX_REQUEST_BYTES: Final = 10 * 1024 * 1024
"""API Gateway's payload limit."""
METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_RESPONSE_KEYS: Final = frozenset(
    {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
)
_TEXT_TYPES: Final = re.compile(
    r"^(text/.*|application/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))$"
)
_NOT_FORWARDED: Final = frozenset({"connection", "content-length", "transfer-encoding"})
PUBLIC_PATHS: Final = re.compile(r"^/v1/(?:health|openapi\.json|schemas/[^/]+)$")
"""What the staff API serves without a token: health and the published contract."""
BRIDGE_ROUTES: Final = (
    ("POST", re.compile(r"^/v1/applications$")),
    ("GET", re.compile(r"^/v1/applications/[^/]+$")),
    ("POST", re.compile(r"^/v1/change-requests$")),
    ("GET", re.compile(r"^/v1/change-requests/[^/]+$")),
    ("POST", re.compile(r"^/v1/initial-registrations$")),
    ("GET", re.compile(r"^/v1/initial-registrations/[^/]+$")),
    ("GET", re.compile(r"^/v1/health$")),
)
"""The bridge API's methods: submit (applications, change requests, initial registrations),
status, health; it has no other resource."""
PUBLIC_BASE_PATH: Final = "/"
PUBLIC_PROXY_RESOURCE: Final = "/{proxy+}"


def _template_pattern(template: str) -> re.Pattern[str]:
    """``/credentials/status/{list_number}/{purpose}`` → a pattern matching one path of it."""
    parts = re.split(r"(\{[a-z_]+\})", template)
    return re.compile(
        "^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$"
    )


PUBLIC_ROUTES: Final = tuple(
    (method, _template_pattern(template))
    for template, methods in public_paths.METHODS.items()
    for method in methods
)
"""The public API's methods, from the public function's own table (as deployed,
``infra/kentei_infra/routes.py``); it has no other."""
_TLS_HANDSHAKE_TIMEOUT_S: Final = 10.0
_DRAIN_LIMIT: Final = 4 * MAX_REQUEST_BYTES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str
    """The request target as received: path and query string."""
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    host: str
    client_cert: bytes | None = None
    """The DER of the TLS client certificate the server verified (bridge port only)."""
    scheme: str = "http"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def routed(target: str, base_path: str = BASE_PATH) -> bool:
    """Whether the deployed API has a resource for ``target``: a path below ``base_path``."""
    path = urlsplit(target).path
    return path.startswith(base_path) and len(path) > len(base_path)


def proxy_event(
    request: HttpRequest,
    request_id: str,
    now: datetime,
    caller: Mapping[str, Any] | None = None,
    base_path: str = BASE_PATH,
) -> dict[str, Any]:
    """The API Gateway REST proxy event for ``request`` (a :func:`routed` one); ``caller``
    is what the entry point verified: ``{"claims": ...}`` or ``{"clientCert": ...}``."""
    resource = PROXY_RESOURCE if base_path == BASE_PATH else PUBLIC_PROXY_RESOURCE
    caller = caller or {}
    split = urlsplit(request.target)
    path = split.path
    multi_query = _multi(parse_qsl(split.query, keep_blank_values=True))
    headers = _with_gateway_headers(request, now)
    multi_headers = _multi(headers, fold_case=True)
    user_agent = next((v for k, v in headers if k.lower() == "user-agent"), None)
    body, is_base64 = _event_body(request.body, _content_type(headers))
    return {
        "resource": resource,
        "path": path,
        "httpMethod": request.method,
        "headers": {k: v[-1] for k, v in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": unquote(path.removeprefix(base_path))},
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": request.host,
            "domainPrefix": request.host.split(".")[0],
            "extendedRequestId": base64.urlsafe_b64encode(secrets.token_bytes(12)).decode(),
            "httpMethod": request.method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": request.source_ip,
                "user": None,
                "userAgent": user_agent,
                "userArn": None,
                "clientCert": caller.get("clientCert"),
            },
            **({"authorizer": {"claims": caller["claims"]}} if "claims" in caller else {}),
            "path": f"/{STAGE}{path}",
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "resourceId": "local0",
            "resourcePath": resource,
            "stage": STAGE,
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def http_response(invocation: Invocation) -> HttpResponse:
    """What API Gateway answers for ``invocation``'s outcome."""
    if invocation.error == "Sandbox.Timedout":
        return _gateway_error(HTTPStatus.GATEWAY_TIMEOUT, "Endpoint request timed out")
    if not invocation.ok:
        return _gateway_error(HTTPStatus.BAD_GATEWAY, "Internal server error")
    try:
        return _proxy_response(invocation.response)
    except (TypeError, ValueError, KeyError) as exc:
        logger.error("intake %s: Malformed Lambda proxy response: %s", invocation.request_id, exc)
        return _gateway_error(HTTPStatus.BAD_GATEWAY, "Internal server error")


class Entry(Protocol):
    """One API in front of the function: what it lets through, and who it says calls."""

    name: str

    def admit(self, request: HttpRequest) -> dict[str, Any] | HttpResponse:
        """The caller context for the event, or the gateway's own refusal."""
        ...


class OpenEntry:
    """No authorizer: every routed request goes through with no caller (stub tests only)."""

    name = "open"

    def admit(self, request: HttpRequest) -> dict[str, Any] | HttpResponse:
        return {}


class StaffEntry:
    """The staff API: a Cognito user pool authorizer on every method but the public ones."""

    name = "staff"

    def __init__(self, verifier: TokenVerifier) -> None:
        self.verifier = verifier

    def admit(self, request: HttpRequest) -> dict[str, Any] | HttpResponse:
        if PUBLIC_PATHS.match(urlsplit(request.target).path):
            return {}
        authorization = next((v for k, v in request.headers if k.lower() == "authorization"), None)
        claims = self.verifier.claims(authorization)
        if claims is None:
            response = _gateway_error(HTTPStatus.UNAUTHORIZED, "Unauthorized")
            response.headers.append(("x-amzn-ErrorType", "UnauthorizedException"))
            return response
        return {"claims": claims}


class BridgeEntry:
    """The bridge API: mutual TLS (the server verified the certificate), its routes only."""

    name = "bridge"

    def admit(self, request: HttpRequest) -> dict[str, Any] | HttpResponse:
        path = urlsplit(request.target).path
        if not any(m == request.method and p.match(path) for m, p in BRIDGE_ROUTES):
            return _missing_token()
        if request.client_cert is None:
            return _gateway_error(HTTPStatus.FORBIDDEN, "Forbidden")
        return {"clientCert": client_cert_context(request.client_cert)}


class PublicEntry:
    """The public API: no authorizer, its routes only (:data:`PUBLIC_ROUTES`)."""

    name = "public"
    base_path = PUBLIC_BASE_PATH

    def admit(self, request: HttpRequest) -> dict[str, Any] | HttpResponse:
        path = urlsplit(request.target).path
        if not any(m == request.method and p.match(path) for m, p in PUBLIC_ROUTES):
            return _missing_token()
        return {}


class Gateway:
    """Turns requests into invocations of the API's function; thread-safe (the function
    serialises them). The entry's ``base_path`` (``/v1/`` unless it says otherwise) is where
    its API's resources are."""

    def __init__(self, function: LocalFunction, entry: Entry | None = None) -> None:
        self.function = function
        self.entry: Entry = entry or OpenEntry()
        self.base_path: str = getattr(self.entry, "base_path", BASE_PATH)

    def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        started = time.perf_counter()
        if routed(request.target, self.base_path):
            admitted = self.entry.admit(request)
            if isinstance(admitted, HttpResponse):
                response = admitted
            else:
                event = proxy_event(
                    request, request_id, datetime.now(UTC), admitted, self.base_path
                )
                response = http_response(self.function.invoke(event))
        else:
            response = _missing_token()
        response.headers.append(("x-amzn-RequestId", request_id))
        # The path is the gateway's own log line: masked, since a client may put anything there.
        logger.info(
            "%s: %s %s -> %d (%.0f ms)",
            self.entry.name,
            request.method,
            redact(urlsplit(request.target).path),
            response.status,
            (time.perf_counter() - started) * 1000,
        )
        return response


class GatewayServer:
    """The gateway behind a threaded HTTP server on ``host``:``port`` (0 picks a free port);
    HTTPS when given a server-side ``tls`` context (its handshake runs in the connection's
    thread, so a client that fails it holds up no one)."""

    def __init__(
        self, gateway: Gateway, host: str, port: int, tls: ssl.SSLContext | None = None
    ) -> None:
        self._server = _Server((host, port), gateway, tls)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="kentei-local-gateway",
            daemon=True,
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        scheme = "https" if self._server.tls is not None else "http"
        return f"{scheme}://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], gateway: Gateway, tls: ssl.SSLContext | None
    ) -> None:
        self.gateway = gateway
        self.tls = tls
        super().__init__(address, _RequestHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(_TLS_HANDSHAKE_TIMEOUT_S)
        try:
            connection = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            # No certificate, one of another CA, or no TLS at all: no request is read.
            logger.info("TLS handshake refused for %s: %s", client_address[0], exc)
            return
        try:
            super().finish_request(connection, client_address)
        finally:
            _close(connection)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, a DNS lookup we do not need.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kentei-local-gateway"
    timeout = 60
    # The headers and the body go out in two writes; with Nagle's algorithm the second waits
    # for the client's delayed ACK (about 40 ms) on every answer of a kept-alive connection.
    disable_nagle_algorithm = True
    server: _Server

    def _handle(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._reject(HTTPStatus.LENGTH_REQUIRED, "Length Required")
        elif length < 0:
            self._reject(HTTPStatus.BAD_REQUEST, "Bad Request")
        elif length > MAX_REQUEST_BYTES:
            if isinstance(self.connection, ssl.SSLSocket) and length <= _DRAIN_LIMIT:
                # A TLS client still sending when the server closes sees a broken handshake
                # record, not the answer: read what it announced, then refuse.
                _drain(self.rfile, length)
            self._reject(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Too Long")
        else:
            self._forward(self.rfile.read(length) if length else b"")

    def _forward(self, body: bytes) -> None:
        client_cert = (
            self.connection.getpeercert(binary_form=True)
            if isinstance(self.connection, ssl.SSLSocket)
            else None
        )
        request = HttpRequest(
            method=self.command,
            target=self.path,
            headers=[(k, v) for k, v in self.headers.items() if k.lower() not in _NOT_FORWARDED],
            body=body,
            source_ip=self.client_address[0],
            host=self.headers.get("Host") or f"{self.server.server_name}:{self.server.server_port}",
            client_cert=client_cert,
            scheme="https" if client_cert is not None else "http",
        )
        try:
            response = self.server.gateway.handle(request)
        except Exception:
            logger.exception("the local gateway failed on %s", request.method)
            response = _gateway_error(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal server error")
        self._send(response)

    # http.server dispatches on do_<METHOD>; API Gateway's ANY method takes them all.
    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle  # noqa: N815

    def _reject(self, status: HTTPStatus, message: str) -> None:
        """Answer without reading the body, so the connection cannot be reused."""
        self._send(_gateway_error(status, message))
        self.close_connection = True

    def _send(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: :class:`Gateway` logs each request itself, with the path masked."""


def _multi(pairs: list[tuple[str, str]], *, fold_case: bool = False) -> dict[str, list[str]]:
    """Group values by name, keeping the first spelling of a name when ``fold_case``."""
    grouped: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}
    for name, value in pairs:
        key = spelling.setdefault(name.lower(), name) if fold_case else name
        grouped.setdefault(key, []).append(value)
    return grouped


def _with_gateway_headers(request: HttpRequest, now: datetime) -> list[tuple[str, str]]:
    """The client's headers plus those API Gateway adds; X-Forwarded-For gets the client."""
    present = {k.lower() for k, _ in request.headers}
    forwarded = [v for k, v in request.headers if k.lower() == "x-forwarded-for"]
    _, colon, port = request.host.rpartition(":")
    added = [
        ("X-Amzn-Trace-Id", f"Root=1-{int(now.timestamp()):08x}-{secrets.token_hex(12)}"),
        ("X-Forwarded-Port", port if colon else ("443" if request.scheme == "https" else "80")),
        ("X-Forwarded-Proto", request.scheme),
    ]
    return [
        *((k, v) for k, v in request.headers if k.lower() != "x-forwarded-for"),
        *((k, v) for k, v in added if k.lower() not in present),
        ("X-Forwarded-For", ", ".join([*forwarded, request.source_ip])),
    ]


def _content_type(headers: list[tuple[str, str]]) -> str:
    raw = next((v for k, v in headers if k.lower() == "content-type"), "")
    return raw.split(";", 1)[0].strip().lower()


def _event_body(body: bytes, content_type: str) -> tuple[str | None, bool]:
    if not body:
        return None, False
    if _TEXT_TYPES.match(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def _proxy_response(response: Any) -> HttpResponse:
    if not isinstance(response, dict):
        raise TypeError("the response is not a JSON object")
    unknown = set(response) - _RESPONSE_KEYS
    if unknown:
        raise ValueError(f"unexpected fields {sorted(unknown)}")
    status = response["statusCode"]
    if isinstance(status, bool) or not isinstance(status, int | str):
        raise TypeError("statusCode is not an integer")
    status = int(status)
    if not 100 <= status <= 599:
        raise ValueError(f"statusCode {status} is out of range")
    body = response.get("body")
    if body is not None and not isinstance(body, str):
        raise TypeError("body is not a string")
    raw = (body or "").encode("utf-8")
    if response.get("isBase64Encoded"):
        raw = base64.b64decode(raw, validate=True)
    headers = _response_headers(response.get("headers"), response.get("multiValueHeaders"))
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return HttpResponse(status, headers, raw)


def _response_headers(single: Any, multi: Any) -> list[tuple[str, str]]:
    """``headers`` and ``multiValueHeaders`` merged; a name in both takes the multi values."""
    for value, what in ((single, "headers"), (multi, "multiValueHeaders")):
        if value is not None and not isinstance(value, dict):
            raise TypeError(f"{what} is not an object")
    merged: list[tuple[str, str]] = []
    multi_names = {str(name).lower() for name in multi or {}}
    for name, values in (multi or {}).items():
        if not isinstance(values, list):
            raise TypeError(f"multiValueHeaders[{name!r}] is not a list")
        merged.extend((name, _header_value(v)) for v in values)
    merged.extend(
        (name, _header_value(value))
        for name, value in (single or {}).items()
        if name.lower() not in multi_names
    )
    return [(n, v) for n, v in merged if n.lower() not in _NOT_FORWARDED]


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError("a header value is not a scalar")


def _drain(stream: Any, length: int) -> None:
    while length > 0:
        chunk = stream.read(min(length, 1 << 20))
        if not chunk:
            return
        length -= len(chunk)


def _missing_token() -> HttpResponse:
    """API Gateway's answer for a resource or method the API does not have."""
    response = _gateway_error(HTTPStatus.FORBIDDEN, "Missing Authentication Token")
    response.headers.append(("x-amzn-ErrorType", "MissingAuthenticationTokenException"))
    return response


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.close()


def server_tls(cert: str, key: str, client_cas: str) -> ssl.SSLContext:
    """The bridge port's TLS: its server certificate, a client certificate of ``client_cas``
    required (the truststore of the deployed custom domain), TLS 1.2 at least."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    context.load_verify_locations(client_cas)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def _gateway_error(status: HTTPStatus, message: str) -> HttpResponse:
    body = json.dumps({"message": message}).encode()
    return HttpResponse(status.value, [("Content-Type", "application/json")], body)
