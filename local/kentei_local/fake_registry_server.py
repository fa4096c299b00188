"""A local HTTPS fake of the registry link server (住基連携サーバ), for the adapter's tests.

It speaks the contract of :mod:`kentei.registry.contract` on 127.0.0.1 (an ephemeral port),
answers from a :class:`~kentei.registry.fake.SeededRegistry`, and requires a client
certificate signed by the CA it is given, like the real link server. Tests script failures
with :meth:`FakeRegistryServer.inject`: each injected :class:`Fault` applies to one request,
in order. The server runs in daemon threads and stops itself after ``lifetime_s`` if no one
stops it first.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final, Self

from pydantic import ValidationError

from kentei.registry import contract
from kentei.registry.fake import SeededRegistry

DEMO_SEED: Final = Path(__file__).with_name("registry_seed.json")
"""The demo's registry: a handful of obviously fake persons (``KENTEI_REGISTRY_SEED``)."""
MAX_REQUEST_BYTES: Final = 64 * 1024


@dataclass(frozen=True)
class Fault:
    """How the server misbehaves on one request, instead of answering it normally."""

    delay_s: float = 0.0
    """Wait this long first (then answer normally, unless another field says otherwise)."""
    status: int | None = None
    """Answer with this status and a problem body."""
    body: bytes | None = None
    """Answer 200 with this body."""
    content_type: str = contract.JSON
    retry_after: str | None = None
    disconnect: bool = False
    """Close the connection without answering."""

    @classmethod
    def unavailable(cls, status: int = 503, retry_after: str | None = None) -> Fault:
        return cls(status=status, retry_after=retry_after)

    @classmethod
    def slow(cls, delay_s: float) -> Fault:
        return cls(delay_s=delay_s)

    @classmethod
    def malformed(cls, body: bytes = b'{"status": "current", "person":') -> Fault:
        return cls(body=body)


@dataclass(frozen=True)
class Received:
    """What the server saw of a request: no body, so no personal data."""

    path: str
    request_id: str | None
    client_subject: str | None


class FakeRegistryServer:
    def __init__(
        self,
        registry: SeededRegistry,
        *,
        certfile: Path,
        keyfile: Path,
        client_ca: Path,
        lifetime_s: float = 300.0,
    ) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(certfile=str(certfile), keyfile=str(keyfile))
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cafile=str(client_ca))
        self._server = _Server(("127.0.0.1", 0), context, registry)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="kentei-fake-registry",
            daemon=True,
        )
        self._timer = threading.Timer(lifetime_s, self.stop)
        self._timer.daemon = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"https://{host!s}:{port}"

    @property
    def received(self) -> list[Received]:
        with self._server.lock:
            return list(self._server.received)

    @property
    def handshake_failures(self) -> int:
        with self._server.lock:
            return self._server.handshake_failures

    def inject(self, *faults: Fault) -> None:
        with self._server.lock:
            self._server.faults.extend(faults)

    def start(self) -> Self:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(
        self, address: tuple[str, int], context: ssl.SSLContext, registry: SeededRegistry
    ) -> None:
        self.context = context
        self.registry = registry
        self.lock = threading.Lock()
        self.faults: deque[Fault] = deque()
        self.received: list[Received] = []
        self.handshake_failures = 0
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, a DNS lookup we do not need.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the connection's own thread, so a client that
        # stalls or fails it cannot block the accept loop.
        try:
            request.settimeout(5)
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            with self.lock:
                self.handshake_failures += 1
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()

    def next_fault(self) -> Fault | None:
        with self.lock:
            return self.faults.popleft() if self.faults else None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Silenced: a client that timed out and went away is part of the tests."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kentei-fake-registry"
    timeout = 5
    server: _Server

    def do_POST(self) -> None:
        request_id = self.headers.get(contract.REQUEST_ID_HEADER)
        with self.server.lock:
            self.server.received.append(Received(self.path, request_id, _subject(self)))
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_REQUEST_BYTES:
            self._problem(HTTPStatus.BAD_REQUEST, "a JSON body is required", close=True)
            return
        body = self.rfile.read(length)
        fault = self.server.next_fault()
        if fault is not None and self._misbehave(fault):
            return
        if self.headers.get("Content-Type", "").split(";")[0].strip() != contract.JSON:
            self._problem(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "application/json only")
        elif self.path == contract.BY_MY_NUMBER:
            self._by_my_number(body)
        elif self.path == contract.BY_FOUR_ITEMS:
            self._by_four_items(body)
        else:
            self._problem(HTTPStatus.NOT_FOUND, "no such lookup")

    def _misbehave(self, fault: Fault) -> bool:
        """Apply ``fault``; True when it answered (or dropped) the request itself."""
        if fault.delay_s:
            time.sleep(fault.delay_s)
        if fault.disconnect:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.status is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._problem(HTTPStatus(fault.status), "injected fault", headers=headers)
            return True
        if fault.body is not None:
            self._send(HTTPStatus.OK, fault.body, fault.content_type)
            return True
        return False

    def _by_my_number(self, body: bytes) -> None:
        try:
            request = contract.ByMyNumberRequest.model_validate_json(body)
        except ValidationError:
            self._problem(HTTPStatus.BAD_REQUEST, "invalid by-my-number request")
            return
        record = self.server.registry.by_my_number(request.my_number)
        self._send(HTTPStatus.OK, contract.record_body(record), contract.JSON)

    def _by_four_items(self, body: bytes) -> None:
        try:
            request = contract.ByFourItemsRequest.model_validate_json(body)
        except ValidationError:
            self._problem(HTTPStatus.BAD_REQUEST, "invalid by-four-items request")
            return
        candidates = self.server.registry.by_four_items(
            request.name, request.birth_date, request.sex, request.address
        )
        self._send(HTTPStatus.OK, contract.candidates_body(candidates), contract.JSON)

    def _problem(
        self,
        status: HTTPStatus,
        title: str,
        *,
        headers: dict[str, str] | None = None,
        close: bool = False,
    ) -> None:
        body = contract.problem_body(status.value, title)
        self._send(status, body, contract.PROBLEM_JSON, headers)
        self.close_connection = self.close_connection or close

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        request_id = self.headers.get(contract.REQUEST_ID_HEADER)
        if request_id:
            self.send_header(contract.REQUEST_ID_HEADER, request_id)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the tests read :attr:`FakeRegistryServer.received` instead."""


def _subject(handler: BaseHTTPRequestHandler) -> str | None:
    """The client certificate's subject common name, as the link server would log it."""
    connection = handler.connection
    if not isinstance(connection, ssl.SSLSocket):
        return None
    certificate = connection.getpeercert()
    if not certificate:
        return None
    subject = certificate.get("subject", ())
    for rdn in subject if isinstance(subject, tuple) else ():
        for attribute in rdn:
            if isinstance(attribute, tuple) and attribute[0] == "commonName":
                return str(attribute[1])
    return None
