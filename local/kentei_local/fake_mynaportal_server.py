"""A local HTTPS fake of the Mynaportal notice port (マイナポータル お知らせ).

It speaks contract version 1 (``kentei/notices/contract.json``) on 127.0.0.1 (an ephemeral
port) as an independent system would: it validates each request against the JSON Schema (not
against our models), keeps notices in memory per recipient (:class:`InMemoryMynaportal`),
answers the same receipt to the same notice, 409 to an id reused for other content, 404 to a
recipient it does not know, and requires a client certificate signed by the CA it is given.

Faults: :meth:`FakeMynaportalServer.inject` scripts one :class:`Fault` per request, in order;
:class:`FaultRates` makes a share of requests fail at random (503, 429 with ``Retry-After``,
slow answers) for fault tests. Inspection for tests and the demo goes through
:attr:`FakeMynaportalServer.mynaportal` (``notices_of``, ``mark_read``, ``register``). The
server runs in daemon threads and stops itself after ``lifetime_s``.
"""

from __future__ import annotations

import json
import random
import re
import threading
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]

from kentei.notices import contract
from kentei.notices.contract import ProblemType
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.port import NoticeConflictError, UnknownRecipientError
from kentei_local.mtls_server import (
    FakeHandler,
    FakeServer,
    Fault,
    MutualTlsServer,
    server_context,
)

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

__all__ = ["FakeMynaportalServer", "Fault", "FaultRates"]


@dataclass(frozen=True)
class FaultRates:
    """Shares of requests that fail at random, after any scripted :class:`Fault`."""

    unavailable: float = 0.0
    """Answered 503."""
    throttled: float = 0.0
    """Answered 429 with ``Retry-After: retry_after``."""
    slow: float = 0.0
    """Answered normally after ``slow_s``."""
    slow_s: float = 1.0
    retry_after: str = "1"
    seed: int | None = None

    def __post_init__(self) -> None:
        shares = (self.unavailable, self.throttled, self.slow)
        if any(share < 0 for share in shares) or sum(shares) > 1:
            raise ValueError("the shares are between 0 and 1 and add up to 1 at most")

    def draw(self, rng: random.Random) -> Fault | None:
        roll = rng.random()
        if roll < self.unavailable:
            return Fault.unavailable(503)
        if roll < self.unavailable + self.throttled:
            return Fault.unavailable(429, retry_after=self.retry_after)
        if roll < self.unavailable + self.throttled + self.slow:
            return Fault.slow(self.slow_s)
        return None


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
        self._notices = _Server(
            server_context(certfile, keyfile, client_ca), self.mynaportal, rates or FaultRates()
        )
        super().__init__(self._notices, name="kentei-fake-mynaportal", lifetime_s=lifetime_s)

    def set_rates(self, rates: FaultRates) -> None:
        """From now on, fail this share of requests at random."""
        self._notices.set_rates(rates)


class _Server(MutualTlsServer):
    def __init__(self, context: Any, mynaportal: InMemoryMynaportal, rates: FaultRates) -> None:
        self.mynaportal = mynaportal
        schema = contract.schema()
        self.validator = jsonschema.Draft202012Validator(
            {**schema, "$ref": "#/$defs/NoticeRequest"}
        )
        self.rates = rates
        self.rng = random.Random(rates.seed)  # noqa: S311 (which requests fail, not a secret)
        self.rates_lock = threading.Lock()
        super().__init__(context, _Handler)

    def set_rates(self, rates: FaultRates) -> None:
        with self.rates_lock:
            self.rates, self.rng = rates, random.Random(rates.seed)  # noqa: S311

    def next_fault(self) -> Fault | None:
        """The next scripted fault, else one drawn at the configured rates."""
        scripted = super().next_fault()
        if scripted is not None:
            return scripted
        with self.rates_lock:
            return self.rates.draw(self.rng)


class _Handler(FakeHandler):
    server_version = "kentei-fake-mynaportal"
    server: _Server

    def _post(self) -> None:
        body = self.read_body(MAX_REQUEST_BYTES)
        if body is None:
            return
        if self.path != contract.NOTICES:
            self.problem(HTTPStatus.NOT_FOUND, "no such resource")
        elif self.headers.get("Content-Type", "").split(";")[0].strip() != contract.JSON:
            self.problem(HTTPStatus.BAD_REQUEST, "application/json only")
        else:
            self._send_notice(body)

    def _get(self) -> None:
        self.record()
        if self.faulted():
            return
        match = _NOTICE_PATH.match(self.path)
        delivery = None if match is None else self.server.mynaportal.status(match.group(1))
        if delivery is None:
            self.problem(HTTPStatus.NOT_FOUND, "no such notice")
            return
        self.send(HTTPStatus.OK, contract.delivery_body(delivery), contract.JSON)

    do_POST = _post  # noqa: N815
    do_GET = _get  # noqa: N815

    def _send_notice(self, body: bytes) -> None:
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.problem(HTTPStatus.BAD_REQUEST, "the body is not JSON")
            return
        error = jsonschema.exceptions.best_match(self.server.validator.iter_errors(document))
        if error is not None:
            # The path only: the validator's message quotes the value, which may be personal.
            where = "/".join(str(part) for part in error.absolute_path) or "body"
            self.problem(HTTPStatus.UNPROCESSABLE_ENTITY, f"invalid at {where} ({error.validator})")
            return
        try:
            notice = contract.parse_notice(body)
        except ValueError as exc:
            self.problem(HTTPStatus.UNPROCESSABLE_ENTITY, str(exc))
            return
        mynaportal = self.server.mynaportal
        replay = mynaportal.status(notice.notice_id) is not None
        try:
            receipt = mynaportal.send(notice)
        except UnknownRecipientError:
            body = contract.problem_body(ProblemType.UNKNOWN_RECIPIENT, 404, "unknown recipient")
            self.send(HTTPStatus.NOT_FOUND, body, contract.PROBLEM_JSON)
            return
        except NoticeConflictError:
            self.problem(HTTPStatus.CONFLICT, "the notice id was used for other content")
            return
        status = HTTPStatus.OK if replay else HTTPStatus.CREATED
        self.send(status, contract.receipt_body(receipt), contract.JSON)

    def problem_document(self, status: HTTPStatus, title: str) -> bytes:
        kind = _PROBLEMS.get(status, ProblemType.UNAVAILABLE)
        return contract.problem_body(kind, status.value, title)
