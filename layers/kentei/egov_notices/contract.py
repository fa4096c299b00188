"""The wire form of the e-Gov completion-notice contract, version 1 (``contract.json`` beside
this module is the contract itself, as JSON Schema: read it for the endpoint and the errors).

The production adapter writes requests and reads replies here; the local fake server reads
requests here after validating them against ``contract.json`` (with a JSON Schema validator,
not these models, so the two sides can disagree and a test sees it).
"""

from __future__ import annotations

import json
from enum import StrEnum
from importlib import resources
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, ValidationError

from kentei.egov_notices.model import CompletionNotice, CompletionReceipt
from kentei.registry.contract import describe

VERSION: Final = "1.0.0"
COMPLETION_NOTICES: Final = "/v1/completion-notices"
REQUEST_ID_HEADER: Final = "X-Request-Id"
JSON: Final = "application/json"
PROBLEM_JSON: Final = "application/problem+json"
SCHEMA_FILE: Final = "contract.json"


class ProblemType(StrEnum):
    """The ``type`` of a problem document, after ``urn:kentei:egov:``."""

    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    UNKNOWN_APPLICATION = "unknown-application"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"

    @property
    def uri(self) -> str:
        return f"urn:kentei:egov:{self.value}"


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    title: str
    status: int

    @property
    def problem_type(self) -> ProblemType | None:
        return next((member for member in ProblemType if member.uri == self.type), None)


def notice_body(notice: CompletionNotice) -> bytes:
    return _dump(notice.model_dump(mode="json"))


def parse_notice(raw: bytes) -> CompletionNotice:
    """A request body as a :class:`CompletionNotice`; :class:`ValueError` naming fields."""
    try:
        return CompletionNotice.model_validate_json(raw)
    except ValidationError as exc:
        raise ValueError(f"malformed completion notice: {describe(exc)}") from None


def receipt_body(receipt: CompletionReceipt) -> bytes:
    return _dump(receipt.model_dump(mode="json"))


def parse_receipt(raw: bytes) -> CompletionReceipt:
    try:
        return CompletionReceipt.model_validate_json(raw)
    except ValidationError as exc:
        raise ValueError(f"malformed receipt: {describe(exc)}") from None


def problem_body(problem: ProblemType, code: int, title: str) -> bytes:
    return _dump({"type": problem.uri, "title": title, "status": code})


def parse_problem(raw: bytes) -> Problem | None:
    try:
        return Problem.model_validate_json(raw)
    except ValidationError:
        return None


def schema() -> dict[str, Any]:
    """The contract (``contract.json``), read on each call: only tests and the fake need it."""
    loaded: dict[str, Any] = json.loads(
        resources.files("kentei.egov_notices").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return loaded


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
