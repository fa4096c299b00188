"""The production notice adapter: the contract of ``contract.json`` over mutual TLS to the
Mynaportal notice port, through :class:`kentei.mtls.MutualTlsClient` (timeouts, a budget,
bounded retries honouring ``Retry-After``, a circuit breaker).

Both calls are idempotent (a notice is sent under its own ``notice_id``), so retries are safe.
Log lines carry the notice id, its kind, the request id, the attempt and the outcome: never
the recipient's text, the title, the body or the attachment.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Final, TypeVar

from kentei.mtls import (
    LinkSettings,
    LinkUnavailableError,
    MutualTlsClient,
    Reply,
    environment_variables,
)
from kentei.notices import contract
from kentei.notices.contract import ProblemType
from kentei.notices.model import Delivery, Notice, Receipt
from kentei.notices.port import (
    NoticeConfigurationError,
    NoticeConflictError,
    NoticeRejectedError,
    NoticeThrottledError,
    NoticeUnavailableError,
    UnknownRecipientError,
)
from kentei.registry.backoff import Backoff
from kentei.registry.circuit import CircuitBreaker

logger = logging.getLogger(__name__)

ENVIRONMENT: Final = environment_variables("KENTEI_MYNAPORTAL")
"""Each setting's environment variable."""
LINK: Final = "Mynaportal notice port"
_ID: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")
_Parsed = TypeVar("_Parsed")


class MynaportalSettings(LinkSettings):
    """Where the Mynaportal notice port is and how to talk to it; read from the environment.
    The defaults are :class:`~kentei.mtls.LinkSettings`'s: an attachment of 2 MiB fits the
    read timeout, and a notice's retries fit certify's function timeout."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> MynaportalSettings:
        return cls.from_variables(ENVIRONMENT, environ, _configuration_error)


def _configuration_error(problems: str) -> NoticeConfigurationError:
    return NoticeConfigurationError(f"Mynaportal notice port settings: {problems}")


class HttpsMynaportal:
    """The :class:`~kentei.notices.port.NoticePort` over the Mynaportal HTTPS contract.

    Create one per container and reuse it: it keeps the connection pool and the circuit.
    """

    def __init__(
        self,
        settings: MynaportalSettings,
        *,
        breaker: CircuitBreaker | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = MutualTlsClient(
            settings, link=LINK, logger=logger, breaker=breaker, backoff=backoff, clock=clock
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> HttpsMynaportal:
        return cls(MynaportalSettings.from_environ(environ))

    def close(self) -> None:
        self.client.close()

    def send(self, notice: Notice) -> Receipt:
        what = f"notice {notice.notice_id}"
        reply = self._call(
            "POST",
            contract.NOTICES,
            contract.notice_body(notice),
            {"notice_id": notice.notice_id, "notice_kind": notice.kind.value},
            what,
        )
        if reply.code in (200, 201):
            receipt = _parse(contract.parse_receipt, _json(reply, what), what)
            if receipt.notice_id != notice.notice_id:
                raise NoticeRejectedError(f"{what}: the receipt is for another notice")
            return receipt
        raise _refusal(reply, what)

    def status(self, notice_id: str) -> Delivery | None:
        what = f"notice {notice_id}"
        # The id is validated as an Identifier before it goes into the path.
        if not _ID.fullmatch(notice_id):
            raise NoticeRejectedError(f"{what}: not a notice id")
        reply = self._call(
            "GET", contract.notice_path(notice_id), None, {"notice_id": notice_id}, what
        )
        if reply.code == 200:
            delivery = _parse(contract.parse_delivery, _json(reply, what), what)
            if delivery.notice_id != notice_id:
                raise NoticeRejectedError(f"{what}: the delivery is of another notice")
            return delivery
        problem = _problem(reply)
        if reply.code == 404 and problem is ProblemType.NOT_FOUND:
            return None
        raise _refusal(reply, what)

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None,
        log: dict[str, object],
        what: str,
    ) -> Reply:
        request_id = str(uuid.uuid4())
        headers = {"Accept": contract.JSON, contract.REQUEST_ID_HEADER: request_id}
        if body is not None:
            headers["Content-Type"] = contract.JSON
        try:
            return self.client.call(
                method,
                path,
                body=body,
                headers=headers,
                log={**log, "mynaportal_request_id": request_id},
            )
        except LinkUnavailableError as exc:
            error = NoticeThrottledError if exc.throttled else NoticeUnavailableError
            raise error(f"{what}: {exc}", retry_after_s=exc.retry_after_s) from None


def _json(reply: Reply, what: str) -> bytes:
    if reply.too_large:
        raise NoticeRejectedError(f"{what}: the reply is too large")
    if reply.media_type != contract.JSON:
        raise NoticeRejectedError(f"{what}: the reply is not application/json")
    return reply.body


def _parse(parse: Callable[[bytes], _Parsed], raw: bytes, what: str) -> _Parsed:
    try:
        return parse(raw)
    except ValueError as exc:
        raise NoticeRejectedError(f"{what}: {exc}") from None


def _problem(reply: Reply) -> ProblemType | None:
    if reply.media_type != contract.PROBLEM_JSON or reply.too_large:
        return None
    problem = contract.parse_problem(reply.body)
    return None if problem is None else problem.problem_type


def _refusal(reply: Reply, what: str) -> Exception:
    """The domain error for a reply that is neither an answer nor worth retrying."""
    problem = _problem(reply)
    if reply.code == 404 and problem is ProblemType.UNKNOWN_RECIPIENT:
        return UnknownRecipientError(f"{what}: Mynaportal does not know the recipient")
    if reply.code == 409 and problem is ProblemType.CONFLICT:
        return NoticeConflictError(f"{what}: the id was used before for other content")
    kind = problem.value if problem is not None else "no problem document"
    return NoticeRejectedError(f"{what}: refused (HTTP {reply.code}, {kind})")
