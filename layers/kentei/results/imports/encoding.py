"""The encoding of a result file, detected from its bytes, and its text, decoded as a stream.

A result file is CSV in CP932 (Windows' Shift_JIS, as Excel saves "CSV") or in UTF-8, with
or without a byte order mark. The file name says nothing. Detection:

1. a UTF-8 BOM (``EF BB BF``) at the start: UTF-8, the BOM dropped;
2. else, from the first byte that is not ASCII (ASCII text reads the same in both), a window
   of at most :data:`WINDOW` bytes is decoded as strict UTF-8; a multibyte character cut by
   the window's end is not an error (only the end of the file ends a character). Valid:
   UTF-8;
3. else CP932, strict.

A file of ASCII only is read as UTF-8. The text is then decoded incrementally
(:func:`codecs.getincrementaldecoder`) chunk by chunk, so memory stays flat in the file size:
the window is the most held at once. A byte sequence that is not valid in the chosen encoding
anywhere in the file raises :class:`~kentei.results.imports.errors.UndecodableFileError`
naming its byte offset (from the start of the file, BOM included).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Final

from kentei.results.imports.errors import UndecodableFileError

BOM: Final = codecs.BOM_UTF8
WINDOW: Final = 64 * 1024
"""Bytes decoded as UTF-8 from the first non-ASCII byte before the encoding is decided."""


class SourceEncoding(StrEnum):
    """How a result file was read."""

    UTF8_BOM = "utf-8-bom"
    UTF8 = "utf-8"
    CP932 = "cp932"

    @property
    def codec(self) -> str:
        return "cp932" if self is SourceEncoding.CP932 else "utf-8"


def _first_non_ascii(data: bytes | bytearray) -> int | None:
    if data.isascii():
        return None
    return next(index for index, byte in enumerate(data) if byte >= 0x80)


def is_utf8(window: bytes, *, at_end: bool) -> bool:
    """Whether ``window`` is strict UTF-8; unless ``at_end``, a character cut at its end is
    taken as complete in the bytes that follow."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(window, final=at_end)
    except UnicodeDecodeError:
        return False
    return True


def detect(window: bytes, *, at_end: bool) -> SourceEncoding:
    """The encoding of a file whose first bytes are ``window`` (``at_end``: the whole file);
    the same decision :class:`DecodedText` makes on a stream."""
    if window.startswith(BOM):
        return SourceEncoding.UTF8_BOM
    start = _first_non_ascii(window)
    if start is None or is_utf8(window[start : start + WINDOW], at_end=at_end):
        return SourceEncoding.UTF8
    return SourceEncoding.CP932


class DecodedText:
    """The text of a result file, decoded chunk by chunk from an iterable of byte chunks.

    Iterate once; :attr:`encoding` is known once the first text has been produced (or the
    iteration has ended), None before.
    """

    def __init__(self, chunks: Iterable[bytes], *, window: int = WINDOW) -> None:
        if window < 4:
            raise ValueError("the detection window needs at least four bytes")
        self._chunks = chunks
        self._window = window
        self.encoding: SourceEncoding | None = None
        self.bytes_read = 0

    def __iter__(self) -> Iterator[str]:
        chunks = iter(self._chunks)
        held = bytearray()
        passed = 0  # ASCII bytes passed on before the first non-ASCII byte
        start: int | None = None  # where the first non-ASCII byte is in ``held``
        at_end = False
        while True:
            if passed == 0 and held.startswith(BOM):
                encoding = SourceEncoding.UTF8_BOM
                break
            maybe_bom = passed == 0 and len(held) < len(BOM) and BOM.startswith(held)
            if start is None and (at_end or not maybe_bom) and held:
                start = _first_non_ascii(held)
                if start is None:
                    # ASCII reads the same in every supported encoding: pass it on.
                    yield held.decode("ascii")
                    passed += len(held)
                    held.clear()
            if at_end or (start is not None and len(held) - start >= self._window):
                window = bytes(held[start : start + self._window]) if start is not None else b""
                utf8 = start is None or is_utf8(window, at_end=at_end)
                encoding = SourceEncoding.UTF8 if utf8 else SourceEncoding.CP932
                break
            try:
                chunk = next(chunks)
            except StopIteration:
                at_end = True
                continue
            held += chunk
        self.encoding = encoding
        first, offset = bytes(held), passed
        del held
        if encoding is SourceEncoding.UTF8_BOM:
            first, offset = first[len(BOM) :], len(BOM)
        yield from self._decode(offset, first, chunks, encoding)

    def _decode(
        self, offset: int, first: bytes, rest: Iterator[bytes], encoding: SourceEncoding
    ) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(encoding.codec)("strict")
        fed = offset
        failure: UndecodableFileError | None = None
        for chunk in _then(first, rest):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                failure = _undecodable(exc, fed + len(chunk), encoding)
                break
            fed += len(chunk)
            self.bytes_read = fed
            if text:
                yield text
        if failure is None:
            try:
                text = decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                failure = _undecodable(exc, fed, encoding)
        if failure is not None:
            # Raised outside the except block: the decode error (and the file's bytes it
            # holds) is not chained to it.
            raise failure
        if text:
            yield text


def _then(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _undecodable(
    exc: UnicodeDecodeError, fed: int, encoding: SourceEncoding
) -> UndecodableFileError:
    """The error at the file offset of ``exc``. The incremental decoders report positions in
    the bytes they held plus the chunk just fed, which ends at ``fed``: so the offset counts
    back from there. The exception's object (the file's bytes) is not kept."""
    offset = fed - (len(exc.object) - exc.start)
    label = "UTF-8" if encoding.codec == "utf-8" else "CP932"
    return UndecodableFileError(offset, label, exc.reason)


def decode(chunks: Iterable[bytes], *, window: int = WINDOW) -> DecodedText:
    """The text of a result file given as byte chunks (see :class:`DecodedText`)."""
    return DecodedText(chunks, window=window)
