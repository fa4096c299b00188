"""The production notice adapter: the contract of ``contract.json`` over mutual TLS to the
Mynaportal notice port, through :class:`kentei.notice_link.HttpsNoticeAdapter` (the
:class:`kentei.mtls.MutualTlsClient`: timeouts, a budget, bounded retries honouring
``Retry-After``, a circuit breaker; replies turned into this port's errors).

Both calls are idempotent (a notice is sent under its own ``notice_id``), so retries are safe.
Log lines carry the notice id, its kind, the request id, the attempt and the outcome: never
the recipient's text, the title, the body or the attachment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from kentei.mtls import LinkSettings, environment_variables
from kentei.notice_link import HttpsNoticeAdapter, NoticeLink, PortErrors
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

ENVIRONMENT: Final = environment_variables("KENTEI_MYNAPORTAL")
"""Each setting's environment variable."""
LINK: Final = NoticeLink(
    request_id_field="mynaportal_request_id",
    problem_types=ProblemType,
    errors=PortErrors(
        NoticeUnavailableError, NoticeThrottledError, NoticeRejectedError, NoticeConflictError
    ),
    unknown=(
        ProblemType.UNKNOWN_RECIPIENT,
        UnknownRecipientError,
        "Mynaportal does not know the recipient",
    ),
)
_ID: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")


class MynaportalSettings(LinkSettings):
    """Where the Mynaportal notice port is and how to talk to it; read from the environment.
    The defaults are :class:`~kentei.mtls.LinkSettings`'s: an attachment of 2 MiB fits the
    read timeout, and a notice's retries fit certify's function timeout."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> MynaportalSettings:
        return cls.from_variables(ENVIRONMENT, environ, _configuration_error)


def _configuration_error(problems: str) -> NoticeConfigurationError:
    return NoticeConfigurationError(f"Mynaportal notice port settings: {problems}")


class HttpsMynaportal(HttpsNoticeAdapter):
    """The :class:`~kentei.notices.port.NoticePort` over the Mynaportal HTTPS contract.

    Create one per container and reuse it: it keeps the connection pool and the circuit.
    """

    link_name = "Mynaportal notice port"
    link = LINK

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> HttpsMynaportal:
        return cls(MynaportalSettings.from_environ(environ))

    def send(self, notice: Notice) -> Receipt:
        return self._send(
            contract.NOTICES,
            contract.notice_body(notice),
            contract.parse_receipt,
            notice_id=notice.notice_id,
            log={"notice_id": notice.notice_id, "notice_kind": notice.kind.value},
            what=f"notice {notice.notice_id}",
        )

    def status(self, notice_id: str) -> Delivery | None:
        what = f"notice {notice_id}"
        # The id is validated as an Identifier before it goes into the path.
        if not _ID.fullmatch(notice_id):
            raise NoticeRejectedError(f"{what}: not a notice id")
        reply = self._call(
            "GET", contract.notice_path(notice_id), None, {"notice_id": notice_id}, what
        )
        if reply.code == 200:
            delivery = self.link.answer(reply, contract.parse_delivery, what)
            if delivery.notice_id != notice_id:
                raise NoticeRejectedError(f"{what}: the delivery is of another notice")
            return delivery
        if reply.code == 404 and self.link.problem(reply) is ProblemType.NOT_FOUND:
            return None
        raise self.link.refusal(reply, what)
