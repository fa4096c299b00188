"""The wire form of the e-Gov completion-notice contract, version 1. The contract itself is
``contract.json`` beside this module (JSON Schema: the endpoint, the request, the receipt and
the problem types).

Our adapter writes its requests and reads e-Gov's replies through these functions. The local
fake e-Gov validates a request against ``contract.json`` with a JSON Schema validator first
and reads it here only then, so a model that drifted from the contract fails a test. The
spelling all our contracts share is :mod:`kentei.link_contract`'s.
"""

from __future__ import annotations

from typing import Any, Final

from kentei import link_contract
from kentei.egov_notices.model import CompletionNotice, CompletionReceipt
from kentei.link_contract import ProblemTypes

VERSION: Final = "1.0.0"
COMPLETION_NOTICES: Final = "/v1/completion-notices"
REQUEST_ID_HEADER: Final = link_contract.REQUEST_ID_HEADER
JSON: Final = link_contract.JSON
PROBLEM_JSON: Final = link_contract.PROBLEM_JSON


class ProblemType(ProblemTypes):
    """The ``type`` of a problem document, after ``urn:kentei:egov:``."""

    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    UNKNOWN_APPLICATION = "unknown-application"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"

    @classmethod
    def namespace(cls) -> str:
        return "urn:kentei:egov:"


class Problem(link_contract.Problem):
    @property
    def problem_type(self) -> ProblemType | None:
        return ProblemType.of(self.type)


def notice_body(notice: CompletionNotice) -> bytes:
    return link_contract.dump(notice.model_dump(mode="json"))


def parse_notice(raw: bytes) -> CompletionNotice:
    """A request body as a :class:`CompletionNotice`; :class:`ValueError` naming fields."""
    return link_contract.parse(CompletionNotice, raw, "completion notice")


def receipt_body(receipt: CompletionReceipt) -> bytes:
    return link_contract.dump(receipt.model_dump(mode="json"))


def parse_receipt(raw: bytes) -> CompletionReceipt:
    return link_contract.parse(CompletionReceipt, raw, "receipt")


problem_body = link_contract.problem_body


def parse_problem(raw: bytes) -> Problem | None:
    return link_contract.parse_problem(Problem, raw)


def schema() -> dict[str, Any]:
    """The contract (``contract.json``), read on each call: only tests and the fake need it."""
    return link_contract.schema("kentei.egov_notices")
