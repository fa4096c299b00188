"""Errors as RFC 9457 problem details (``application/problem+json``).

Each kind of error has a stable ``type`` URI that clients may switch on. A problem names what
was wrong and where (field paths), never the value that was sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

CONTENT_TYPE: Final = "application/problem+json"
TYPE_PREFIX: Final = "urn:kentei:problem:"


class FieldError(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    field: str = Field(description="path of the offending field, dot-separated")
    problem: str = Field(description="what was wrong, without the value")


class Problem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: tuple[FieldError, ...] = ()


def problem_type(slug: str) -> str:
    return f"{TYPE_PREFIX}{slug}"


def make(
    status: HTTPStatus,
    slug: str,
    detail: str | None = None,
    errors: Iterable[FieldError] = (),
    instance: str | None = None,
) -> Problem:
    return Problem(
        type=problem_type(slug),
        title=status.phrase,
        status=int(status),
        detail=detail,
        instance=instance,
        errors=tuple(errors),
    )


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    """Pydantic-style error dicts as field errors: location and message, never ``input``."""
    return [
        FieldError(
            field=".".join(str(part) for part in error.get("loc", ())) or "(body)",
            problem=str(error.get("msg", "invalid")),
        )
        for error in errors
    ]


def body(problem: Problem) -> str:
    return json.dumps(problem.model_dump(exclude_none=True), ensure_ascii=False)
