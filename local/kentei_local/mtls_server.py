"""What the local HTTPS fakes of outside systems share: a threaded server on 127.0.0.1 that
requires a client certificate from a given CA, scripted faults (:meth:`FakeServer.inject`),
faults at random rates (:meth:`FakeServer.set_rates`), and a lifetime.

A fake is a :class:`FakeServer` around a :class:`MutualTlsServer` whose handler derives from
:class:`FakeHandler`. It runs in daemon threads and stops itself after ``lifetime_s`` if no
one stops it first (``with`` stops it on exit).
"""

from __future__ import annotations

import random
import socket
import socketserver
import ssl
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final, Self

JSON: Final = "application/json"
REQUEST_ID_HEADER: Final = "X-Request-Id"


@dataclass(frozen=True)
class Fault:
    """How the server misbehaves on one request, instead of answering it normally."""

    delay_s: float = 0.0
    """Wait this long first (then answer normally, unless another field says otherwise)."""
    status: int | None = None
    """Answer with this status and a problem body."""
    body: bytes | None = None
    """Answer 200 with this body."""
    content_type: str = JSON
    retry_after: str | None = None
    disconnect: bool = False
    """Close the connection without answering."""
    answer_lost: bool = False
    """Handle the request as usual, then close the connection instead of answering: the
    server did the work, the client never hears of it (a reply lost on the way)."""

    @classmethod
    def unavailable(cls, status: int = 503, retry_after: str | None = None) -> Fault:
        return cls(status=status, retry_after=retry_after)

    @classmethod
    def slow(cls, delay_s: float) -> Fault:
        return cls(delay_s=delay_s)

    @classmethod
    def malformed(cls, body: bytes = b'{"truncated": ') -> Fault:
        return cls(body=body)

    @classmethod
    def reset(cls) -> Fault:
        """The connection closed before the request is handled."""
        return cls(disconnect=True)

    @classmethod
    def lost(cls) -> Fault:
        """The request handled, its answer lost with the connection."""
        return cls(answer_lost=True)


@dataclass(frozen=True)
class FaultRates:
    """Shares of requests that fail at random, after any scripted :class:`Fault`."""

    unavailable: float = 0.0
    """Answered 503."""
    throttled: float = 0.0
    """Answered 429 with ``Retry-After: retry_after``."""
    slow: float = 0.0
    """Answered normally after ``slow_s``."""
    reset: float = 0.0
    """The connection closed without an answer, before the request is handled."""
    lost: float = 0.0
    """Handled, then the connection closed instead of the answer (the client never hears)."""
    slow_s: float = 1.0
    retry_after: str = "1"
    seed: int | None = None

    def __post_init__(self) -> None:
        shares = (self.unavailable, self.throttled, self.slow, self.reset, self.lost)
        if any(share < 0 for share in shares) or sum(shares) > 1:
            raise ValueError("the shares are between 0 and 1 and add up to 1 at most")

    def draw(self, rng: random.Random) -> Fault | None:
        roll = rng.random()
        return pick(
            roll,
            (
                (self.unavailable, Fault.unavailable(503)),
                (self.throttled, Fault.unavailable(429, retry_after=self.retry_after)),
                (self.slow, Fault.slow(self.slow_s)),
                (self.reset, Fault.reset()),
                (self.lost, Fault.lost()),
            ),
        )


def pick(roll: float, shares: Iterable[tuple[float, Fault]], *, start: float = 0.0) -> Fault | None:
    """The fault whose share a ``roll`` in [0, 1) falls in, the shares laid end to end from
    ``start``; None past the last."""
    bound = start
    for share, fault in shares:
        bound += share
        if roll < bound:
            return fault
    return None


def fault_kind(fault: Fault) -> str:
    """What a fault does, as the fakes count it: ``throttled`` (429), ``failing`` (another
    status), ``reset``, ``lost``, ``malformed`` or ``slow``."""
    if fault.answer_lost:
        return "lost"
    if fault.disconnect:
        return "reset"
    if fault.status == HTTPStatus.TOO_MANY_REQUESTS:
        return "throttled"
    if fault.status is not None:
        return "failing"
    if fault.body is not None:
        return "malformed"
    return "slow"


@dataclass(frozen=True)
class Received:
    """What the server saw of a request: no body, so no personal data."""

    path: str
    request_id: str | None
    client_subject: str | None
    method: str = "POST"
    at: float = field(default=0.0, compare=False)
    """When (``time.monotonic()``): how far apart a client's attempts were."""


def server_context(certfile: Path, keyfile: Path, client_ca: Path) -> ssl.SSLContext:
    """TLS 1.2+, the server's pair, and a client certificate required from ``client_ca``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile=str(certfile), keyfile=str(keyfile))
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cafile=str(client_ca))
    return context


class MutualTlsServer(ThreadingHTTPServer):
    """Accepts on 127.0.0.1, runs each TLS handshake in the connection's thread, keeps the
    scripted faults and the fault rates, what it received and how many handshakes failed."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        context: ssl.SSLContext,
        handler: type[BaseHTTPRequestHandler],
        address: tuple[str, int] = ("127.0.0.1", 0),
        *,
        rates: FaultRates | None = None,
    ) -> None:
        self.context = context
        self.lock = threading.Lock()
        self.faults: deque[Fault] = deque()
        self.rates = rates or FaultRates()
        self.rng = random.Random(self.rates.seed)  # noqa: S311 (which requests fail, not a secret)
        self.received: list[Received] = []
        self.handshake_failures = 0
        self.fault_kinds: Counter[str] = Counter()
        super().__init__(address, handler)

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

    def set_rates(self, rates: FaultRates) -> None:
        with self.lock:
            self.rates, self.rng = rates, random.Random(rates.seed)  # noqa: S311

    def next_fault(self) -> Fault | None:
        """The next scripted fault, else one drawn at the configured rates."""
        with self.lock:
            fault = self.faults.popleft() if self.faults else self.rates.draw(self.rng)
            if fault is not None:
                self.fault_kinds[fault_kind(fault)] += 1
            return fault

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Silenced: a client that timed out and went away is part of the tests."""


class FakeServer:
    """The life of a :class:`MutualTlsServer`: its thread, its URL, its lifetime."""

    def __init__(self, server: MutualTlsServer, *, name: str, lifetime_s: float) -> None:
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
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

    @property
    def fault_counts(self) -> dict[str, int]:
        """The faults applied so far by kind (:func:`fault_kind`), scripted or drawn."""
        with self._server.lock:
            return dict(self._server.fault_kinds)

    def inject(self, *faults: Fault) -> None:
        """Faults for the next requests, one each, in order."""
        with self._server.lock:
            self._server.faults.extend(faults)

    def set_rates(self, rates: FaultRates) -> None:
        """From now on, fail this share of requests at random (after any scripted fault)."""
        self._server.set_rates(rates)

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


class FakeHandler(BaseHTTPRequestHandler):
    """Receiving, faults, problem documents and replies; subclasses answer requests."""

    protocol_version = "HTTP/1.1"
    timeout = 5
    # The headers and the body go out in two writes; with Nagle's algorithm the second waits
    # for the client's delayed ACK (about 40 ms) on every answer of a kept-alive connection.
    disable_nagle_algorithm = True
    server: MutualTlsServer
    answer_lost = False
    """Set for the request being handled when its fault loses the answer."""

    def record(self) -> None:
        request_id = self.headers.get(REQUEST_ID_HEADER)
        with self.server.lock:
            self.server.received.append(
                Received(
                    self.path, request_id, client_subject(self), self.command, time.monotonic()
                )
            )

    def read_body(self, max_bytes: int) -> bytes | None:
        """Record the request, read its body and apply the next fault; None when the request
        is answered already (no body, too large, or a fault answered or dropped it)."""
        self.record()
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= max_bytes:
            self.problem(HTTPStatus.BAD_REQUEST, "a JSON body is required", close=True)
            return None
        body = self.rfile.read(length)
        return None if self.faulted() else body

    def faulted(self) -> bool:
        """Apply the server's next fault; True when it answered (or dropped) the request."""
        fault = self.server.next_fault()
        return fault is not None and self.misbehave(fault)

    def misbehave(self, fault: Fault) -> bool:
        """Apply ``fault``; True when it answered (or dropped) the request itself."""
        if fault.delay_s:
            time.sleep(fault.delay_s)
        if fault.answer_lost:
            self.answer_lost = True
            return False
        if fault.disconnect:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.status is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self.problem(HTTPStatus(fault.status), "injected fault", headers=headers)
            return True
        if fault.body is not None:
            self.send(HTTPStatus.OK, fault.body, fault.content_type)
            return True
        return False

    def problem_document(self, status: HTTPStatus, title: str) -> bytes:
        raise NotImplementedError

    def problem(
        self,
        status: HTTPStatus,
        title: str,
        *,
        headers: dict[str, str] | None = None,
        close: bool = False,
    ) -> None:
        body = self.problem_document(status, title)
        self.send(status, body, "application/problem+json", headers)
        self.close_connection = self.close_connection or close

    def send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        if self.answer_lost:
            # The work is done; the client never hears of it.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        request_id = self.headers.get(REQUEST_ID_HEADER)
        if request_id:
            self.send_header(REQUEST_ID_HEADER, request_id)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: tests read :attr:`FakeServer.received` instead."""


def client_subject(handler: BaseHTTPRequestHandler) -> str | None:
    """The client certificate's subject common name, as a real server would log it."""
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
