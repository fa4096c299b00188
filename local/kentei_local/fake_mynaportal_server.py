"""A local HTTPS fake of the Mynaportal notice port (マイナポータル お知らせ).

It speaks contract version 1 (``kentei/notices/contract.json``) on 127.0.0.1 (an ephemeral
port) as an independent system would: it validates each request against the JSON Schema (not
against our models), keeps notices in memory per recipient (:class:`InMemoryMynaportal`),
answers the same receipt to the same notice, 409 to an id reused for other content, 404 to a
recipient it does not know, and requires a client certificate signed by the CA it is given
(what the two notice fakes share is :mod:`kentei_local.notice_server`'s).

Faults: :meth:`FakeMynaportalServer.inject` scripts one :class:`Fault` per request, in order;
:class:`FaultRates` makes a share of requests fail at random (503, 429 with ``Retry-After``,
slow answers) for fault tests. Inspection for tests and the demo goes through
:attr:`FakeMynaportalServer.mynaportal` (``notices_of``, ``mark_read``, ``register``). The
server runs in daemon threads and stops itself after ``lifetime_s``.
"""

from __future__ import annotations

import re
import ssl
from http import HTTPStatus
from pathlib import Path
from typing import Final

from kentei.notices import contract
from kentei.notices.contract import ProblemType
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.model import Notice
from kentei.notices.port import NoticeConflictError, UnknownRecipientError
from kentei_local.mtls_server import FakeServer, Fault, FaultRates, server_context
from kentei_local.notice_server import NoticeHandler, NoticeServer, Refusals

MAX_REQUEST_BYTES: Final = 4 * 1024 * 1024
_NOTICE_PATH: Final = re.compile(r"^/v1/notices/([^/?#]+)$")
_PROBLEMS: Final = {
    HTTPStatus.BAD_REQUEST: ProblemType.INVALID,
    HTTPStatus.UNPROCESSABLE_ENTITY: ProblemType.INVALID,
    HTTPStatus.FORBIDDEN: ProblemType.FORBIDDEN,
    HTTPStatus.NOT_FOUND: ProblemType.NOT_FOUND,
    HTTPStatus.CONFLICT: ProblemType.CONFLICT,
    HTTPStatus.TOO_MANY_REQUESTS: ProblemType.THROTTLED,
}
_REFUSALS: Final[Refusals] = {
    UnknownRecipientError: (
        HTTPStatus.NOT_FOUND,
        ProblemType.UNKNOWN_RECIPIENT,
        "unknown recipient",
    ),
    NoticeConflictError: (
        HTTPStatus.CONFLICT,
        ProblemType.CONFLICT,
        "the notice id was used for other content",
    ),
}

__all__ = ["FakeMynaportalServer", "Fault", "FaultRates"]


class FakeMynaportalServer(FakeServer):
    def __init__(
        self,
        mynaportal: InMemoryMynaportal | None = None,
        *,
        certfile: Path,
        keyfile: Path,
        client_ca: Path,
        rates: FaultRates | None = None,
        lifetime_s: float = 300.0,
    ) -> None:
        self.mynaportal = mynaportal or InMemoryMynaportal()
        server = _Server(server_context(certfile, keyfile, client_ca), self.mynaportal, rates)
        super().__init__(server, name="kentei-fake-mynaportal", lifetime_s=lifetime_s)


class _Server(NoticeServer):
    def __init__(
        self, context: ssl.SSLContext, mynaportal: InMemoryMynaportal, rates: FaultRates | None
    ) -> None:
        self.mynaportal = mynaportal
        super().__init__(
            context, _Handler, schema=contract.schema(), definition="NoticeRequest", rates=rates
        )


class _Handler(NoticeHandler[Notice]):
    server_version = "kentei-fake-mynaportal"
    server: _Server
    notices_path = contract.NOTICES
    max_request_bytes = MAX_REQUEST_BYTES
    problem_types = _PROBLEMS
    otherwise = ProblemType.UNAVAILABLE
    refusals = _REFUSALS

    def parse(self, body: bytes) -> Notice:
        return contract.parse_notice(body)

    def held(self, notice: Notice) -> bool:
        return self.server.mynaportal.status(notice.notice_id) is not None

    def deliver(self, notice: Notice) -> bytes:
        return contract.receipt_body(self.server.mynaportal.send(notice))

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.record()
        if self.faulted():
            return
        match = _NOTICE_PATH.match(self.path)
        delivery = None if match is None else self.server.mynaportal.status(match.group(1))
        if delivery is None:
            self.problem(HTTPStatus.NOT_FOUND, "no such notice")
            return
        self.send(HTTPStatus.OK, contract.delivery_body(delivery), contract.JSON)
