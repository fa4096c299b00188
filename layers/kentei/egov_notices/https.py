"""The production e-Gov completion-notice adapter: the contract of ``contract.json`` over
mutual TLS, through :class:`kentei.mtls.MutualTlsClient` (timeouts, a budget, bounded retries
honouring ``Retry-After``, a circuit breaker).

The call is idempotent (a notice is sent under its own ``notice_id``), so retries are safe.
Log lines carry the notice id, the outcome, the request id and the attempt: ids only.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Final

from kentei.egov_notices import contract
from kentei.egov_notices.contract import ProblemType
from kentei.egov_notices.model import CompletionNotice, CompletionReceipt
from kentei.egov_notices.port import (
    EgovConfigurationError,
    EgovConflictError,
    EgovRejectedError,
    EgovThrottledError,
    EgovUnavailableError,
    EgovUnknownApplicationError,
)
from kentei.mtls import (
    LinkSettings,
    LinkUnavailableError,
    MutualTlsClient,
    Reply,
    environment_variables,
)
from kentei.registry.backoff import Backoff
from kentei.registry.circuit import CircuitBreaker

logger = logging.getLogger(__name__)

ENVIRONMENT: Final = environment_variables("KENTEI_EGOV")
"""Each setting's environment variable."""
LINK: Final = "e-Gov completion-notice link"


class EgovSettings(LinkSettings):
    """Where e-Gov's completion-notice endpoint is and how to talk to it; read from the
    environment (:class:`~kentei.mtls.LinkSettings`'s defaults)."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> EgovSettings:
        return cls.from_variables(ENVIRONMENT, environ, _configuration_error)


def _configuration_error(problems: str) -> EgovConfigurationError:
    return EgovConfigurationError(f"e-Gov completion-notice settings: {problems}")


class HttpsEgov:
    """The :class:`~kentei.egov_notices.port.CompletionNoticePort` over the e-Gov HTTPS
    contract. Create one per container and reuse it: it keeps the pool and the circuit."""

    def __init__(
        self,
        settings: EgovSettings,
        *,
        breaker: CircuitBreaker | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = MutualTlsClient(
            settings, link=LINK, logger=logger, breaker=breaker, backoff=backoff, clock=clock
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> HttpsEgov:
        return cls(EgovSettings.from_environ(environ))

    def close(self) -> None:
        self.client.close()

    def send(self, notice: CompletionNotice) -> CompletionReceipt:
        what = f"completion notice {notice.notice_id}"
        request_id = str(uuid.uuid4())
        try:
            reply = self.client.call(
                "POST",
                contract.COMPLETION_NOTICES,
                body=contract.notice_body(notice),
                headers={
                    "Accept": contract.JSON,
                    "Content-Type": contract.JSON,
                    contract.REQUEST_ID_HEADER: request_id,
                },
                log={
                    "notice_id": notice.notice_id,
                    "completion_outcome": notice.outcome.value,
                    "egov_request_id": request_id,
                },
            )
        except LinkUnavailableError as exc:
            error = EgovThrottledError if exc.throttled else EgovUnavailableError
            raise error(f"{what}: {exc}", retry_after_s=exc.retry_after_s) from None
        if reply.code in (200, 201):
            receipt = _receipt(reply, what)
            if receipt.notice_id != notice.notice_id:
                raise EgovRejectedError(f"{what}: the receipt is for another notice")
            return receipt
        raise _refusal(reply, what)


def _receipt(reply: Reply, what: str) -> CompletionReceipt:
    if reply.too_large:
        raise EgovRejectedError(f"{what}: the reply is too large")
    if reply.media_type != contract.JSON:
        raise EgovRejectedError(f"{what}: the reply is not application/json")
    try:
        return contract.parse_receipt(reply.body)
    except ValueError as exc:
        raise EgovRejectedError(f"{what}: {exc}") from None


def _problem(reply: Reply) -> ProblemType | None:
    if reply.media_type != contract.PROBLEM_JSON or reply.too_large:
        return None
    problem = contract.parse_problem(reply.body)
    return None if problem is None else problem.problem_type


def _refusal(reply: Reply, what: str) -> Exception:
    """The domain error for a reply that is neither an answer nor worth retrying."""
    problem = _problem(reply)
    if reply.code == 404 and problem is ProblemType.UNKNOWN_APPLICATION:
        return EgovUnknownApplicationError(f"{what}: e-Gov does not know the application")
    if reply.code == 409 and problem is ProblemType.CONFLICT:
        return EgovConflictError(f"{what}: the id was used before for other content")
    kind = problem.value if problem is not None else "no problem document"
    return EgovRejectedError(f"{what}: refused (HTTP {reply.code}, {kind})")
