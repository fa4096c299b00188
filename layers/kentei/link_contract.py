"""What our JSON contracts with outside systems share (the registry link, the Mynaportal notice
port, the e-Gov completion-notice port): the media types, the request id header, compact JSON,
problem documents (RFC 9457) whose ``type`` is a URN in the contract's own namespace, and
parse errors that name fields, never values.

Each contract keeps its own module (paths, version, record shapes, its problem types) and its
own ``contract.json``; this module holds only the mechanics they spell the same way.
"""

from __future__ import annotations

import json
from enum import StrEnum
from importlib import resources
from typing import Any, Final, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

JSON: Final = "application/json"
PROBLEM_JSON: Final = "application/problem+json"
REQUEST_ID_HEADER: Final = "X-Request-Id"
"""A UUID the client sends with a call, the same across its retries; the server echoes it."""
SCHEMA_FILE: Final = "contract.json"

_Model = TypeVar("_Model", bound=BaseModel)


class ProblemTypes(StrEnum):
    """The ``type`` of a contract's problem documents, after its namespace. A contract
    subclasses this with its members and :meth:`namespace`."""

    @classmethod
    def namespace(cls) -> str:
        """The URN prefix of the contract's problem types (``urn:kentei:<system>:``)."""
        raise NotImplementedError

    @property
    def uri(self) -> str:
        return f"{self.namespace()}{self.value}"

    @classmethod
    def of(cls, uri: str) -> Self | None:
        """The member whose URI is ``uri``; None for a type outside the contract."""
        return next((member for member in cls if member.uri == uri), None)


class Problem(BaseModel):
    """A problem document as it travels: ``type``, ``title`` and ``status`` only."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    type: str
    title: str
    status: int


def dump(document: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, as every contract writes it."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def problem_body(problem: ProblemTypes, code: int, title: str) -> bytes:
    return dump({"type": problem.uri, "title": title, "status": code})


def parse_problem(model: type[_Model], raw: bytes) -> _Model | None:
    """A problem document read as ``model``, or None when the body is not one."""
    try:
        return model.model_validate_json(raw)
    except ValidationError:
        return None


def parse(model: type[_Model], raw: bytes, what: str) -> _Model:
    """``raw`` read as ``model``; :class:`ValueError` ``malformed <what>: ...`` naming the
    fields at fault, never their values."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise ValueError(f"malformed {what}: {describe(exc)}") from None


def describe(exc: ValidationError) -> str:
    """Where and what failed validation, without pydantic's ``input`` (a personal value)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
        for error in exc.errors(include_input=False, include_url=False)
    )


def schema(package: str) -> dict[str, Any]:
    """A contract's JSON Schema (``contract.json`` in ``package``), read on each call: only
    tests and the local fakes need it."""
    loaded: dict[str, Any] = json.loads(
        resources.files(package).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return loaded
