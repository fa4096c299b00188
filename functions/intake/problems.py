"""Errors as RFC 9457 problem details (``application/problem+json``), built at the API edge.

Each kind of error has a stable ``type`` URI that clients may switch on. A problem names what
was wrong and where (field paths, :class:`kentei.field_errors.FieldError`), never the value
that was sent. Only the API builds these: the domain (``kentei.*``) knows no HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from http import HTTPStatus
from typing import Final

from pydantic import BaseModel, ConfigDict

from kentei.field_errors import FieldError

CONTENT_TYPE: Final = "application/problem+json"
TYPE_PREFIX: Final = "urn:kentei:problem:"


class Problem(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
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


def body(problem: Problem) -> str:
    return json.dumps(problem.model_dump(exclude_none=True), ensure_ascii=False)
