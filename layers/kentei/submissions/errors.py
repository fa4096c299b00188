"""Why a submission was refused: one exception type, the kind of refusal and a stable slug.

The kind says what sort of refusal it is (malformed, forbidden, too large, of an unsupported
media type, invalid); the API edge (``intake.errors``) decides, in one table, which HTTP
status and problem type each kind is answered with. Neither the detail nor the field errors
ever quote a submitted value: they name where the problem is (a dotted path) and what is
wrong with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Final

from kentei.field_errors import FieldError

TOO_LARGE: Final = "too-large"


class RefusalKind(StrEnum):
    """What sort of refusal: the API maps each to its status."""

    MALFORMED = "malformed"
    """The request cannot be read at all."""
    FORBIDDEN = "forbidden"
    """The caller may not submit this (staff of another prefecture, say)."""
    TOO_LARGE = "too_large"
    """A part, or the whole, is beyond its limit."""
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    """A file is not of a type accepted, or not what it says it is."""
    INVALID = "invalid"
    """Readable, but it does not meet the interface or its rules."""


class SubmissionError(Exception):
    """A submission the service refuses, with what to tell the client.

    ``slug`` is stable kebab-case (the API makes it the last part of the problem ``type``);
    ``str(exc)`` is ``detail``.
    """

    def __init__(
        self, kind: RefusalKind, slug: str, detail: str, errors: Iterable[FieldError] = ()
    ) -> None:
        super().__init__(detail)
        self.kind = RefusalKind(kind)
        self.slug = slug
        self.detail = detail
        self.errors = tuple(errors)

    def __str__(self) -> str:
        return self.detail

    def __repr__(self) -> str:
        return f"SubmissionError({self.kind.value!r}, {self.slug!r})"


def error(kind: RefusalKind, slug: str, detail: str, field: str, problem: str) -> SubmissionError:
    """A submission error about one field."""
    return SubmissionError(kind, slug, detail, [FieldError(field=field, problem=problem)])


def refuse(found: Sequence[SubmissionError]) -> None:
    """Raise one error for several, if any: the first one's kind and slug, with the field
    errors of every error of that kind and slug."""
    if not found:
        return
    first = found[0]
    same = [e for e in found if (e.kind, e.slug) == (first.kind, first.slug)]
    raise SubmissionError(first.kind, first.slug, first.detail, [f for e in same for f in e.errors])


def too_large(limit: int, location: str, what: str = "bytes") -> SubmissionError:
    """The refusal of a part beyond its limit (``limit`` bytes, or files if ``what`` says so)."""
    return error(
        RefusalKind.TOO_LARGE,
        TOO_LARGE,
        "the submission exceeds a size limit",
        location,
        f"must be at most {limit} {what}",
    )
