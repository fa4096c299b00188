"""Validation errors as field errors: dotted paths a client can act on, never a value.

Paths use the English item names, whichever spelling the client sent, so one path means one
item. The one place a client's own text could reach a path is an unknown key: it is shown
only after the redaction logs use (no My Number, no residence-card number), shortened, and
stripped of control characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from pydantic import ValidationError

from kentei import redaction
from kentei.field_errors import FieldError
from kentei.submissions.form import ENGLISH_NAMES, SERVER_ASSIGNED

Location = tuple[int | str, ...]

_MAX_KEY_LENGTH: Final = 64
_UNKNOWN: Final = "is not part of the interface: unknown fields are refused"
_ASSIGNED: Final = "is assigned by the service on receipt: leave it out"
_TWICE: Final = "is given twice, under its English and its Japanese name"


def join(prefix: str, location: Sequence[int | str]) -> str:
    """``prefix`` and the location, dot-separated."""
    parts = [prefix] if prefix else []
    parts.extend(str(part) for part in location)
    return ".".join(parts) or "(body)"


def shown_key(key: int | str) -> str:
    """A client's unknown key as it may appear in a path."""
    text = "".join("?" if unicodedata.category(c).startswith("C") else c for c in str(key))
    text = redaction.redact(text)
    return text if len(text) <= _MAX_KEY_LENGTH else text[: _MAX_KEY_LENGTH - 1] + "…"


def field_errors(
    errors: Iterable[Mapping[str, Any]], prefix: str = "", form_at: Location | None = None
) -> tuple[FieldError, ...]:
    """Pydantic-style errors (``type``, ``loc``, ``msg``, ``ctx``) as field errors under
    ``prefix``: for request validation errors as well as the parsers' own.

    ``form_at`` is where an application form sits in the validated value (``()`` for a
    document, ``("form",)`` in a paper request body, None if there is none): item names right
    below it become their English names.
    """
    found = []
    for error in errors:
        location: Location = tuple(error.get("loc", ()))
        problem = str(error.get("msg", "invalid"))
        in_form = form_at is not None and location[: len(form_at)] == form_at
        depth = len(form_at) if form_at is not None else 0
        if error.get("type") == "union_tag_invalid":
            # Pydantic's message quotes the tag that was sent; say what is allowed instead.
            context = error.get("ctx") or {}
            location = (*location, str(context.get("discriminator", "")).strip("'") or "(tag)")
            problem = f"must be one of {context.get('expected_tags', 'the documented values')}"
        elif error.get("type") == "extra_forbidden" and location:
            *parent, key = location
            if in_form and len(location) == depth + 1 and key in ENGLISH_NAMES:
                name = ENGLISH_NAMES[str(key)]
                location = (*parent, name)
                problem = _ASSIGNED if name == SERVER_ASSIGNED else _TWICE
            else:
                location = (*parent, shown_key(key))
                problem = _UNKNOWN
        elif in_form and len(location) > depth and location[depth] in ENGLISH_NAMES:
            location = (
                *location[:depth],
                ENGLISH_NAMES[str(location[depth])],
                *location[depth + 1 :],
            )
        found.append(FieldError(field=join(prefix, location), problem=problem))
    return tuple(found)


def validation_field_errors(
    exc: ValidationError, prefix: str = "", form_at: Location | None = None
) -> tuple[FieldError, ...]:
    """:func:`field_errors` of a pydantic ``ValidationError`` (its inputs are never read)."""
    return field_errors(exc.errors(include_url=False, include_input=False), prefix, form_at)
