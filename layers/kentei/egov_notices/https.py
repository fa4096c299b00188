"""The production e-Gov completion-notice adapter: the contract of ``contract.json`` over
mutual TLS, through :class:`kentei.notice_link.HttpsNoticeAdapter` (the
:class:`kentei.mtls.MutualTlsClient`: timeouts, a budget, bounded retries honouring
``Retry-After``, a circuit breaker; replies turned into this port's errors).

The call is idempotent (a notice is sent under its own ``notice_id``), so retries are safe.
Log lines carry the notice id, the outcome, the request id and the attempt: ids only.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from kentei.mtls import LinkSettings, environment_variables
from kentei.notice_link import HttpsNoticeAdapter, NoticeLink, PortErrors

ENVIRONMENT: Final = environment_variables("KENTEI_EGOV")
"""Each setting's environment variable."""
LINK: Final = NoticeLink(
    request_id_field="egov_request_id",
    problem_types=ProblemType,
    errors=PortErrors(
        EgovUnavailableError, EgovThrottledError, EgovRejectedError, EgovConflictError
    ),
    unknown=(
        ProblemType.UNKNOWN_APPLICATION,
        EgovUnknownApplicationError,
        "e-Gov does not know the application",
    ),
)


class EgovSettings(LinkSettings):
    """Where e-Gov's completion-notice endpoint is and how to talk to it; read from the
    environment (:class:`~kentei.mtls.LinkSettings`'s defaults)."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> EgovSettings:
        return cls.from_variables(ENVIRONMENT, environ, _configuration_error)


def _configuration_error(problems: str) -> EgovConfigurationError:
    return EgovConfigurationError(f"e-Gov completion-notice settings: {problems}")


class HttpsEgov(HttpsNoticeAdapter):
    """The :class:`~kentei.egov_notices.port.CompletionNoticePort` over the e-Gov HTTPS
    contract. Create one per container and reuse it: it keeps the pool and the circuit."""

    link_name = "e-Gov completion-notice link"
    link = LINK

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> HttpsEgov:
        return cls(EgovSettings.from_environ(environ))

    def send(self, notice: CompletionNotice) -> CompletionReceipt:
        return self._send(
            contract.COMPLETION_NOTICES,
            contract.notice_body(notice),
            contract.parse_receipt,
            notice_id=notice.notice_id,
            log={"notice_id": notice.notice_id, "completion_outcome": notice.outcome.value},
            what=f"completion notice {notice.notice_id}",
        )
