"""An application's id, derived from who sent it and their ``Idempotency-Key``.

Deriving it (instead of drawing a random one) is what makes a retry after a failure part-way
converge on the same application: the retry computes the same id and finds what the first
attempt stored.
"""

from __future__ import annotations

import hashlib
from typing import Final

_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID_CHARS: Final = 26


def application_id_for(prefecture_code: str, caller_id: str, idempotency_key: str) -> str:
    """``PP-<26 Crockford base32 characters>`` from SHA-256 of the caller and its key."""
    digest = hashlib.sha256(
        "\0".join(("kentei-application-id", prefecture_code, caller_id, idempotency_key)).encode()
    ).digest()
    value = int.from_bytes(digest, "big") >> (256 - 5 * _ID_CHARS)
    chars = [_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(_ID_CHARS))]
    return f"{prefecture_code}-{''.join(chars)}"
