"""Ids that sort by when they were made: a prefix, then 26 characters of Crockford base32 in
lower case (48 bits of milliseconds, 80 random bits). Never twelve digits in a row, so nothing
the My Number detector could take for a number is ever an id."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Final

_CROCKFORD: Final = "0123456789abcdefghjkmnpqrstvwxyz"
_DIGIT_RUN: Final = re.compile(r"[0-9]{12}")


def sortable_id(prefix: str, at: datetime) -> str:
    """``prefix`` and 26 characters: time first, then random."""
    while True:
        value = (int(at.timestamp() * 1000) << 80) | secrets.randbits(80)
        text = "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))
        if not _DIGIT_RUN.search(text):
            return prefix + text
