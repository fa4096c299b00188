"""Safe file names for attachments: one path component a person could save on any system.

Names are compared exactly as sent (no normalisation), because the signed document and the
package's signature name files byte for byte; two names that differ only in case or Unicode
normalisation would still collide on a staff member's disk, so they count as duplicates.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Annotated, Final

from pydantic import AfterValidator, StringConstraints

MAX_NAME_BYTES: Final = 255
"""The common file-system limit on one name, in UTF-8 bytes."""

_RESERVED_CHARACTERS: Final = frozenset('/\\:*?"<>|')
"""Path separators, and what Windows refuses in a name."""
_FORBIDDEN_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Control, format (bidi overrides, zero-width), surrogate, and line/paragraph separators."""


def file_name_problem(name: str) -> str | None:
    """What makes ``name`` unsafe as a file name, or None when it is safe."""
    if not name:
        return "a file name must not be empty"
    if any(unicodedata.category(c) in _FORBIDDEN_CATEGORIES for c in name):
        return "a file name must not contain control or format characters"
    if any(c in _RESERVED_CHARACTERS for c in name):
        return 'a file name must not contain / \\ : * ? " < > |'
    if name.strip(" .") == "" or name != name.strip() or name.endswith("."):
        return "a file name must not be dots only, end with a dot, or start or end with a space"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return "a file name must be at most 255 bytes in UTF-8"
    return None


def _safe(name: str) -> str:
    problem = file_name_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return name


FileName = Annotated[str, StringConstraints(max_length=MAX_NAME_BYTES), AfterValidator(_safe)]
"""A safe file name: one path component of at most 255 UTF-8 bytes, without control or format
characters, path separators or characters Windows refuses."""


def collision_key(name: str) -> str:
    """Names with the same key would overwrite each other on a case-insensitive disk."""
    return unicodedata.normalize("NFC", name).casefold()


def duplicates(names: Iterable[str]) -> list[int]:
    """Positions of the names that repeat an earlier one (by :func:`collision_key`)."""
    seen: set[str] = set()
    repeated = []
    for index, name in enumerate(names):
        key = collision_key(name)
        if key in seen:
            repeated.append(index)
        seen.add(key)
    return repeated
