"""Base64 fields (RFC 4648 §4, padded, no line breaks), decoded within a byte limit."""

from __future__ import annotations

import binascii
from typing import Final

from kentei.submissions.errors import RefusalKind, error, too_large
from kentei.submissions.limits import base64_length

INVALID: Final = "invalid-encoding"
PATTERN: Final = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
"""What the decoder accepts, as a pattern for the request schema (the decoder does not use
it: a regular expression takes seconds over 30 MB, binascii's strict mode milliseconds)."""


def decode(text: str, limit: int, location: str) -> bytes:
    """The bytes ``text`` encodes; too large beyond ``limit`` bytes, invalid if not base64."""
    if len(text) > base64_length(limit):
        raise too_large(limit, location)
    data = None
    if text.isascii():
        try:
            data = binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
        except binascii.Error:
            data = None
    if data is None:
        raise error(
            RefusalKind.INVALID,
            INVALID,
            "a field is not valid base64",
            location,
            "must be base64 (RFC 4648, padded, no line breaks)",
        )
    if len(data) > limit:
        raise too_large(limit, location)
    return data
