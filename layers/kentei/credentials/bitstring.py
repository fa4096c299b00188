"""The bitstring of a W3C Bitstring Status List v1.0: entries of ``status_size`` bits.

Entry ``i`` occupies bits ``i * status_size`` to ``(i + 1) * status_size - 1``, bit 0 being the
left-most (most significant) bit of the first byte (the spec's §2.2 and its Bitstring
Encoding); a multi-bit entry is read most significant bit first. ``encodedList`` is the
bitstring GZIP-compressed (RFC 1952, with a zero modification time so the same bits always
encode the same way), base64url without padding, with the Multibase prefix ``u``.

A list has at least :data:`MIN_ENTRIES` entries (131,072: the spec's minimum, 16 KB of
one-bit entries), so a verifier that fetches a list learns nothing about which of more than
a hundred thousand certificates it is checking (herd privacy). Decoding refuses more than
:data:`MAX_BYTES` once inflated (a GZIP bomb is a few kilobytes).
"""

from __future__ import annotations

import gzip
import zlib
from typing import Final

from kentei.signing.ecdsa import b64url, b64url_decode

MIN_ENTRIES: Final = 131_072
MULTIBASE_BASE64URL: Final = "u"
MAX_BYTES: Final = 16 * 1024 * 1024


class BitstringError(ValueError):
    """An index, value or encoded list outside what the list can hold."""


class Bitstring:
    """``entries`` statuses of ``status_size`` bits each, all zero at first."""

    def __init__(self, entries: int = MIN_ENTRIES, status_size: int = 1) -> None:
        if status_size < 1 or status_size > 8:
            raise BitstringError("a status has 1 to 8 bits")
        if entries < 1 or (entries * status_size) % 8:
            raise BitstringError("a bitstring is a whole number of bytes")
        self.entries = entries
        self.status_size = status_size
        self._bytes = bytearray(entries * status_size // 8)

    @classmethod
    def from_bytes(cls, data: bytes, status_size: int = 1) -> Bitstring:
        bits = cls(len(data) * 8 // status_size, status_size)
        bits._bytes[:] = data
        return bits

    def _check(self, index: int) -> None:
        if not 0 <= index < self.entries:
            raise BitstringError(f"index {index} is outside the list of {self.entries}")

    def get(self, index: int) -> int:
        self._check(index)
        value = 0
        first = index * self.status_size
        for bit in range(first, first + self.status_size):
            value = (value << 1) | ((self._bytes[bit // 8] >> (7 - bit % 8)) & 1)
        return value

    def set(self, index: int, value: int) -> None:
        self._check(index)
        if not 0 <= value < (1 << self.status_size):
            raise BitstringError(f"a status of {self.status_size} bits cannot be {value}")
        first = index * self.status_size
        for offset in range(self.status_size):
            bit = first + offset
            mask = 1 << (7 - bit % 8)
            if (value >> (self.status_size - 1 - offset)) & 1:
                self._bytes[bit // 8] |= mask
            else:
                self._bytes[bit // 8] &= ~mask & 0xFF

    def set_indices(self) -> list[int]:
        """The indices whose status is not zero, in order."""
        found: set[int] = set()
        for position, byte in enumerate(self._bytes):
            if byte:
                found.update(
                    (position * 8 + bit) // self.status_size
                    for bit in range(8)
                    if (byte >> (7 - bit)) & 1
                )
        return sorted(found)

    def to_bytes(self) -> bytes:
        return bytes(self._bytes)

    def encode(self) -> str:
        """The ``encodedList`` value: ``u`` + base64url(GZIP(bitstring))."""
        return MULTIBASE_BASE64URL + b64url(gzip.compress(self.to_bytes(), mtime=0))

    @classmethod
    def decode(cls, encoded: str, status_size: int = 1) -> Bitstring:
        """The bitstring of an ``encodedList``; refuses a wrong prefix, a bad encoding, a
        bitstring over :data:`MAX_BYTES` or one of fewer than :data:`MIN_ENTRIES` entries."""
        if not encoded.startswith(MULTIBASE_BASE64URL):
            raise BitstringError("encodedList is not Multibase base64url (prefix u)")
        try:
            compressed = b64url_decode(encoded[1:])
        except ValueError as exc:
            raise BitstringError("encodedList is not base64url") from exc
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(compressed, MAX_BYTES + 1)
        except zlib.error as exc:
            raise BitstringError("encodedList is not GZIP") from exc
        if len(data) > MAX_BYTES or inflater.unconsumed_tail:
            raise BitstringError("encodedList inflates beyond the limit")
        if not inflater.eof:
            raise BitstringError("encodedList is a truncated GZIP stream")
        bits = cls.from_bytes(data, status_size)
        if bits.entries < MIN_ENTRIES:
            raise BitstringError(f"a status list has at least {MIN_ENTRIES} entries")
        return bits
