"""The qualification pseudonymous ID (資格仮名ID): how a person is named wherever the My Number
is not needed (privacy invariant 3).

Random and meaningless: 128 bits from :mod:`secrets`, written as 26 lower-case base32
characters (``a-z``, ``2-7``). Nothing about the person or the number goes into it, so it
cannot be reversed or recomputed; the vault is the only link back. An ID that the redactor
could take for a My Number (twelve digits in a row) is drawn again, so pseudonyms are never
masked in logs nor flagged by a leak scan (about one draw in 35 million).
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable
from typing import Final

LENGTH: Final = 26
PATTERN: Final = re.compile(r"[a-z2-7]{26}")
# Twelve digits or more in a row could be taken for a My Number by the redactor or a leak scan.
_DIGIT_RUN: Final = re.compile(r"[0-9]{12}")


def new_qualification_pseudonym_id(
    random_bytes: Callable[[int], bytes] = secrets.token_bytes,
) -> str:
    while True:
        value = base64.b32encode(random_bytes(16)).decode().rstrip("=").lower()
        if not _DIGIT_RUN.search(value):
            return value


def is_qualification_pseudonym_id(value: str) -> bool:
    return bool(PATTERN.fullmatch(value))
