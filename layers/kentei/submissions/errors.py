"""Why a submission was refused: one exception type, its HTTP status and a stable slug.

Neither the detail nor the field errors ever quote a submitted value: they name where the
problem is (a dotted path) and what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Final

from kentei import problems
from kentei.problems import FieldError

STATUSES: Final = frozenset({400, 403, 413, 415, 422})
TOO_LARGE: Final = "too-large"


class SubmissionError(Exception):
    """A submission the service refuses, with what to tell the client.

    ``slug`` is stable kebab-case, the last part of the problem ``type``
    (``urn:kentei:problem:<slug>``); ``str(exc)`` is ``detail``.
    """

    def __init__(
        self, status: int, slug: str, detail: str, errors: Iterable[FieldError] = ()
    ) -> None:
        if status not in STATUSES:
            raise ValueError("a submission error is a 400, 403, 413, 415 or 422")
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.errors = tuple(errors)

    def __str__(self) -> str:
        return self.detail

    def __repr__(self) -> str:
        return f"SubmissionError({self.status}, {self.slug!r})"

    def problem(self, instance: str | None = None) -> problems.Problem:
        """The RFC 9457 problem document to answer with."""
        return problems.make(HTTPStatus(self.status), self.slug, self.detail, self.errors, instance)


def error(status: int, slug: str, detail: str, field: str, problem: str) -> SubmissionError:
    """A submission error about one field."""
    return SubmissionError(status, slug, detail, [FieldError(field=field, problem=problem)])


def refuse(found: Sequence[SubmissionError]) -> None:
    """Raise one error for several, if any: the first one's status and slug, with the field
    errors of every error of that status and slug."""
    if not found:
        return
    first = found[0]
    same = [e for e in found if (e.status, e.slug) == (first.status, first.slug)]
    raise SubmissionError(
        first.status, first.slug, first.detail, [f for e in same for f in e.errors]
    )


def too_large(limit: int, location: str, what: str = "bytes") -> SubmissionError:
    """The 413 for a part beyond its limit (``limit`` bytes, or files if ``what`` says so)."""
    return error(
        413,
        TOO_LARGE,
        "the submission exceeds a size limit",
        location,
        f"must be at most {limit} {what}",
    )
