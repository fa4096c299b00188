"""What the HTTPS adapters of the two notice ports share (the Mynaportal notice port,
:mod:`kentei.notices.https`; the e-Gov completion-notice port, :mod:`kentei.egov_notices.https`).

Each sends a notice as a JSON document under its own ``notice_id`` (so a retry is safe) over
the :class:`kentei.mtls.MutualTlsClient` of a :class:`kentei.mtls.LinkAdapter` (timeouts, a
budget, bounded retries honouring ``Retry-After``, a circuit breaker; log lines in the
adapter's module logger), with a request id the same across the retries of a call,
and turns what went wrong into the port's own domain errors (:class:`NoticeLink`): an
unavailable or throttling link, a reply outside the contract, a refusal named by its status
and problem type (the 404 of what the port does not know, the 409 ``conflict`` of a reused id,
anything else a rejection). Never an HTTP status in an error; log lines carry what the adapter gives
(ids and kinds) and the request id, never a notice's content.

Each port keeps its own contract module (paths, version, record shapes, problem types) and its
own errors; :class:`NoticeLink` is where an adapter says which is which.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, NamedTuple, Protocol, TypeVar

from kentei import link_contract
from kentei.link_contract import ProblemTypes
from kentei.mtls import LinkAdapter, LinkUnavailableError, Reply

_Parsed = TypeVar("_Parsed")
_Receipt = TypeVar("_Receipt", bound="NoticeReceipt")

CONFLICT = "conflict"
"""The problem type of a notice id used before for other content, in every notice contract."""


class NoticeReceipt(Protocol):
    @property
    def notice_id(self) -> str: ...


class UnavailableError(Protocol):
    """A port's error for a link that could not answer (retry later)."""

    def __call__(self, message: str, *, retry_after_s: float | None = None) -> Exception: ...


class PortErrors(NamedTuple):
    """A notice port's errors, by what went wrong on its link."""

    unavailable: UnavailableError
    throttled: UnavailableError
    rejected: Callable[[str], Exception]
    """Outside the contract: refused as malformed or not admitted, or a reply we cannot read."""
    conflict: Callable[[str], Exception]
    """409 ``conflict``: the notice id was used before for other content."""


@dataclass(frozen=True)
class NoticeLink:
    """One notice port's link: its problem types and its domain errors."""

    request_id_field: str
    """The log field of the request id (``mynaportal_request_id``)."""
    problem_types: type[ProblemTypes]
    errors: PortErrors
    unknown: tuple[ProblemTypes, Callable[[str], Exception], str]
    """The 404 problem type of what the port does not know, its error and what it says."""

    def answer(self, reply: Reply, parse: Callable[[bytes], _Parsed], what: str) -> _Parsed:
        """A JSON answer read by ``parse``; anything else is the port's rejection."""
        if reply.too_large:
            raise self.errors.rejected(f"{what}: the reply is too large")
        if reply.media_type != link_contract.JSON:
            raise self.errors.rejected(f"{what}: the reply is not application/json")
        try:
            return parse(reply.body)
        except ValueError as exc:
            raise self.errors.rejected(f"{what}: {exc}") from None

    def problem(self, reply: Reply) -> ProblemTypes | None:
        """The type of the reply's problem document, if it is one of the contract's."""
        if reply.media_type != link_contract.PROBLEM_JSON or reply.too_large:
            return None
        problem = link_contract.parse_problem(link_contract.Problem, reply.body)
        return None if problem is None else self.problem_types.of(problem.type)

    def refusal(self, reply: Reply, what: str) -> Exception:
        """The domain error for a reply that is neither an answer nor worth retrying."""
        problem = self.problem(reply)
        unknown, error, says = self.unknown
        if reply.code == 404 and problem is unknown:
            return error(f"{what}: {says}")
        if reply.code == 409 and problem == CONFLICT:
            return self.errors.conflict(f"{what}: the id was used before for other content")
        kind = problem.value if problem is not None else "no problem document"
        return self.errors.rejected(f"{what}: refused (HTTP {reply.code}, {kind})")


class HttpsNoticeAdapter(LinkAdapter):
    """The base of a notice port's HTTPS adapter: its calls and their errors (:attr:`link`)."""

    link: ClassVar[NoticeLink]

    def _send(
        self,
        path: str,
        body: bytes,
        parse_receipt: Callable[[bytes], _Receipt],
        *,
        notice_id: str,
        log: dict[str, object],
        what: str,
    ) -> _Receipt:
        """POST a notice; its receipt (200 or 201, for this notice) or the domain error."""
        reply = self._call("POST", path, body, log, what)
        if reply.code in (200, 201):
            receipt = self.link.answer(reply, parse_receipt, what)
            if receipt.notice_id != notice_id:
                raise self.link.errors.rejected(f"{what}: the receipt is for another notice")
            return receipt
        raise self.link.refusal(reply, what)

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None,
        log: dict[str, object],
        what: str,
    ) -> Reply:
        """The first reply not worth retrying; an unavailable link is the port's error."""
        request_id = str(uuid.uuid4())
        headers = {"Accept": link_contract.JSON, link_contract.REQUEST_ID_HEADER: request_id}
        if body is not None:
            headers["Content-Type"] = link_contract.JSON
        try:
            return self.client.call(
                method,
                path,
                body=body,
                headers=headers,
                log={**log, self.link.request_id_field: request_id},
            )
        except LinkUnavailableError as exc:
            errors = self.link.errors
            error = errors.throttled if exc.throttled else errors.unavailable
            raise error(f"{what}: {exc}", retry_after_s=exc.retry_after_s) from None
