"""What the local fakes of the two notice ports share (Mynaportal,
:mod:`kentei_local.fake_mynaportal_server`; e-Gov, :mod:`kentei_local.fake_egov_server`).

A notice is POSTed as JSON to one path. The fake answers as an independent system would: it
validates the body against the contract's JSON Schema (not against our models, so the two
sides can disagree and a test sees it), naming where it failed and never the value, then reads
it with the contract module, hands it to its in-memory store and answers the receipt: 201 for
a new notice, 200 for the same notice again, the contract's problem document for a refusal
the store raises. Faults (scripted and at random rates) are :mod:`kentei_local.mtls_server`'s.

A fake is a :class:`NoticeServer` whose handler derives from :class:`NoticeHandler` and names
its path, its problem types and its refusals, and reads, finds and delivers a notice.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar, Generic, TypeVar

import jsonschema  # type: ignore[import-untyped]

from kentei import link_contract
from kentei.link_contract import ProblemTypes
from kentei_local.mtls_server import FakeHandler, FaultRates, MutualTlsServer

_Notice = TypeVar("_Notice")

Refusals = Mapping[type[Exception], tuple[HTTPStatus, ProblemTypes, str]]
"""A store's errors, and the status, problem type and title each is answered with."""


class NoticeServer(MutualTlsServer):
    """A notice port's fake server: the validator of the notice its contract defines."""

    def __init__(
        self,
        context: ssl.SSLContext,
        handler: type[BaseHTTPRequestHandler],
        *,
        schema: dict[str, Any],
        definition: str,
        rates: FaultRates | None = None,
    ) -> None:
        self.validator = jsonschema.Draft202012Validator(
            {**schema, "$ref": f"#/$defs/{definition}"}
        )
        super().__init__(context, handler, rates=rates)


class NoticeHandler(FakeHandler, Generic[_Notice]):
    """POST of one notice to :attr:`notices_path`; subclasses say how the contract reads it
    (:meth:`parse`), whether the store holds it (:meth:`held`) and deliver it (:meth:`deliver`,
    the receipt's body)."""

    server: NoticeServer
    notices_path: ClassVar[str]
    max_request_bytes: ClassVar[int]
    problem_types: ClassVar[Mapping[HTTPStatus, ProblemTypes]]
    """The problem type of each status the fake answers itself."""
    otherwise: ClassVar[ProblemTypes]
    """The problem type of any other status (an injected 5xx)."""
    refusals: ClassVar[Refusals]

    def parse(self, body: bytes) -> _Notice:
        raise NotImplementedError

    def held(self, notice: _Notice) -> bool:
        raise NotImplementedError

    def deliver(self, notice: _Notice) -> bytes:
        raise NotImplementedError

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.read_body(self.max_request_bytes)
        if body is None:
            return
        if self.path != self.notices_path:
            self.problem(HTTPStatus.NOT_FOUND, "no such resource")
        elif self.headers.get("Content-Type", "").split(";")[0].strip() != link_contract.JSON:
            self.problem(HTTPStatus.BAD_REQUEST, "application/json only")
        elif self.conforms(body):
            self.accept(body)

    def conforms(self, body: bytes) -> bool:
        """Whether ``body`` is JSON valid against the schema; else answered 400 or 422."""
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.problem(HTTPStatus.BAD_REQUEST, "the body is not JSON")
            return False
        error = jsonschema.exceptions.best_match(self.server.validator.iter_errors(document))
        if error is not None:
            # The path only: the validator's message quotes the value, which may be personal.
            where = "/".join(str(part) for part in error.absolute_path) or "body"
            self.problem(HTTPStatus.UNPROCESSABLE_ENTITY, f"invalid at {where} ({error.validator})")
            return False
        return True

    def accept(self, body: bytes) -> None:
        try:
            notice = self.parse(body)
        except ValueError as exc:
            self.problem(HTTPStatus.UNPROCESSABLE_ENTITY, str(exc))
            return
        replay = self.held(notice)
        try:
            receipt = self.deliver(notice)
        except tuple(self.refusals) as exc:
            status, problem, title = next(
                answer for error, answer in self.refusals.items() if isinstance(exc, error)
            )
            reply = link_contract.problem_body(problem, status.value, title)
            self.send(status, reply, link_contract.PROBLEM_JSON)
            return
        self.send(HTTPStatus.OK if replay else HTTPStatus.CREATED, receipt, link_contract.JSON)

    def problem_document(self, status: HTTPStatus, title: str) -> bytes:
        problem = self.problem_types.get(status, self.otherwise)
        return link_contract.problem_body(problem, status.value, title)
