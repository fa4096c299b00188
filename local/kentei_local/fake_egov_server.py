"""A local HTTPS fake of e-Gov's completion-notice endpoint (e-Gov 処理完了通知).

It speaks contract version 1 (``kentei/egov_notices/contract.json``) on 127.0.0.1 (an
ephemeral port) as an independent system would: it validates each request against the JSON
Schema (not against our models), keeps notices in memory (:class:`InMemoryEgov`), answers the
same receipt to the same notice, 409 to an id reused for other content, 404 to an application
it does not know, and requires a client certificate signed by the CA it is given (what the two
notice fakes share is :mod:`kentei_local.notice_server`'s).

Faults: :meth:`FakeEgovServer.inject` scripts one :class:`Fault` per request, in order;
:meth:`FakeEgovServer.set_rates` makes a share of requests fail at random. Inspection goes
through :attr:`FakeEgovServer.egov` (``notices_for``, ``register``). The server runs in daemon
threads and stops itself after ``lifetime_s``.
"""

from __future__ import annotations

import ssl
from http import HTTPStatus
from pathlib import Path
from typing import Final

from kentei.egov_notices import contract
from kentei.egov_notices.contract import ProblemType
from kentei.egov_notices.fake import InMemoryEgov
from kentei.egov_notices.model import CompletionNotice
from kentei.egov_notices.port import EgovConflictError, EgovUnknownApplicationError
from kentei_local.mtls_server import FakeServer, Fault, FaultRates, server_context
from kentei_local.notice_server import NoticeHandler, NoticeServer, Refusals

MAX_REQUEST_BYTES: Final = 64 * 1024
_PROBLEMS: Final = {
    HTTPStatus.BAD_REQUEST: ProblemType.INVALID,
    HTTPStatus.UNPROCESSABLE_ENTITY: ProblemType.INVALID,
    HTTPStatus.FORBIDDEN: ProblemType.FORBIDDEN,
    HTTPStatus.NOT_FOUND: ProblemType.INVALID,
    HTTPStatus.CONFLICT: ProblemType.CONFLICT,
    HTTPStatus.TOO_MANY_REQUESTS: ProblemType.THROTTLED,
}
_REFUSALS: Final[Refusals] = {
    EgovUnknownApplicationError: (
        HTTPStatus.NOT_FOUND,
        ProblemType.UNKNOWN_APPLICATION,
        "unknown application",
    ),
    EgovConflictError: (
        HTTPStatus.CONFLICT,
        ProblemType.CONFLICT,
        "the notice id was used for other content",
    ),
}

__all__ = ["FakeEgovServer", "Fault", "FaultRates"]


class FakeEgovServer(FakeServer):
    def __init__(
        self,
        egov: InMemoryEgov | None = None,
        *,
        certfile: Path,
        keyfile: Path,
        client_ca: Path,
        lifetime_s: float = 300.0,
    ) -> None:
        self.egov = egov or InMemoryEgov()
        server = _Server(server_context(certfile, keyfile, client_ca), self.egov)
        super().__init__(server, name="kentei-fake-egov", lifetime_s=lifetime_s)


class _Server(NoticeServer):
    def __init__(self, context: ssl.SSLContext, egov: InMemoryEgov) -> None:
        self.egov = egov
        super().__init__(
            context, _Handler, schema=contract.schema(), definition="CompletionNoticeRequest"
        )


class _Handler(NoticeHandler[CompletionNotice]):
    server_version = "kentei-fake-egov"
    server: _Server
    notices_path = contract.COMPLETION_NOTICES
    max_request_bytes = MAX_REQUEST_BYTES
    problem_types = _PROBLEMS
    otherwise = ProblemType.UNAVAILABLE
    refusals = _REFUSALS

    def parse(self, body: bytes) -> CompletionNotice:
        return contract.parse_notice(body)

    def held(self, notice: CompletionNotice) -> bool:
        return any(held.notice_id == notice.notice_id for held in self.server.egov.all_notices())

    def deliver(self, notice: CompletionNotice) -> bytes:
        return contract.receipt_body(self.server.egov.send(notice))
