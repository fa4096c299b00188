"""A local HTTPS fake of e-Gov's completion-notice endpoint (e-Gov 処理完了通知).

It speaks contract version 1 (``kentei/egov_notices/contract.json``) on 127.0.0.1 (an
ephemeral port) as an independent system would: it validates each request against the JSON
Schema (not against our models), keeps notices in memory (:class:`InMemoryEgov`), answers the
same receipt to the same notice, 409 to an id reused for other content, 404 to an application
it does not know, and requires a client certificate signed by the CA it is given.

Faults: :meth:`FakeEgovServer.inject` scripts one :class:`Fault` per request, in order.
Inspection goes through :attr:`FakeEgovServer.egov` (``notices_for``, ``register``). The server
runs in daemon threads and stops itself after ``lifetime_s``.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]

from kentei.egov_notices import contract
from kentei.egov_notices.contract import ProblemType
from kentei.egov_notices.fake import InMemoryEgov
from kentei.egov_notices.port import EgovConflictError, EgovUnknownApplicationError
from kentei_local.mtls_server import (
    FakeHandler,
    FakeServer,
    Fault,
    MutualTlsServer,
    server_context,
)

MAX_REQUEST_BYTES: Final = 64 * 1024
_PROBLEMS: Final = {
    HTTPStatus.BAD_REQUEST: ProblemType.INVALID,
    HTTPStatus.UNPROCESSABLE_ENTITY: ProblemType.INVALID,
    HTTPStatus.FORBIDDEN: ProblemType.FORBIDDEN,
    HTTPStatus.NOT_FOUND: ProblemType.INVALID,
    HTTPStatus.CONFLICT: ProblemType.CONFLICT,
    HTTPStatus.TOO_MANY_REQUESTS: ProblemType.THROTTLED,
}

__all__ = ["FakeEgovServer", "Fault"]


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


class _Server(MutualTlsServer):
    def __init__(self, context: Any, egov: InMemoryEgov) -> None:
        self.egov = egov
        self.validator = jsonschema.Draft202012Validator(
            {**contract.schema(), "$ref": "#/$defs/CompletionNoticeRequest"}
        )
        super().__init__(context, _Handler)


class _Handler(FakeHandler):
    server_version = "kentei-fake-egov"
    server: _Server

    def _post(self) -> None:
        body = self.read_body(MAX_REQUEST_BYTES)
        if body is None:
            return
        if self.path != contract.COMPLETION_NOTICES:
            self.problem(HTTPStatus.NOT_FOUND, "no such resource")
        elif self.headers.get("Content-Type", "").split(";")[0].strip() != contract.JSON:
            self.problem(HTTPStatus.BAD_REQUEST, "application/json only")
        else:
            self._send_notice(body)

    do_POST = _post  # noqa: N815

    def _send_notice(self, body: bytes) -> None:
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.problem(HTTPStatus.BAD_REQUEST, "the body is not JSON")
            return
        error = jsonschema.exceptions.best_match(self.server.validator.iter_errors(document))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "body"
            self.problem(HTTPStatus.UNPROCESSABLE_ENTITY, f"invalid at {where} ({error.validator})")
            return
        try:
            notice = contract.parse_notice(body)
        except ValueError as exc:
            self.problem(HTTPStatus.UNPROCESSABLE_ENTITY, str(exc))
            return
        egov = self.server.egov
        replay = any(held.notice_id == notice.notice_id for held in egov.all_notices())
        try:
            receipt = egov.send(notice)
        except EgovUnknownApplicationError:
            reply = contract.problem_body(
                ProblemType.UNKNOWN_APPLICATION, 404, "unknown application"
            )
            self.send(HTTPStatus.NOT_FOUND, reply, contract.PROBLEM_JSON)
            return
        except EgovConflictError:
            self.problem(HTTPStatus.CONFLICT, "the notice id was used for other content")
            return
        status = HTTPStatus.OK if replay else HTTPStatus.CREATED
        self.send(status, contract.receipt_body(receipt), contract.JSON)

    def problem_document(self, status: HTTPStatus, title: str) -> bytes:
        kind = _PROBLEMS.get(status, ProblemType.UNAVAILABLE)
        return contract.problem_body(kind, status.value, title)
