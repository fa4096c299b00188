"""The domain errors of a result file that cannot be read at all.

A file that decodes and parses as CSV is always read to its end: its faults are row problems
in the report (:mod:`kentei.results.imports.report`). These errors are for a file that is not
text in a supported encoding, or not lines of CSV. They name the byte offset or the line and
the rule, never the file's content.
"""

from __future__ import annotations


class ResultFileError(ValueError):
    """A result file that cannot be read; its message names where and the rule."""


class UndecodableFileError(ResultFileError):
    """The bytes at ``offset`` are not valid in the encoding the file was read in."""

    def __init__(self, offset: int, encoding: str, reason: str) -> None:
        self.offset = offset
        self.encoding = encoding
        super().__init__(
            f"byte offset {offset}: not valid {encoding} ({reason}); a result file is CSV in "
            "CP932 (Shift_JIS) or UTF-8, with or without a BOM"
        )


class LineTooLongError(ResultFileError):
    """A line longer than the reader allows (a binary file, or one with no line breaks)."""

    def __init__(self, line: int, limit: int) -> None:
        self.line = line
        self.limit = limit
        super().__init__(f"line {line}: longer than {limit} characters")
