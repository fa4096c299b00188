"""A problem of a result file: where (row, column), what (a code), and a fixed message.

A problem never carries a cell's value (scores, names and numbers may be personal): only the
row number (1-based, the header is row 1, as a spreadsheet numbers them), the column's header
as the mapping names it (or ``#n``, its position, for a column the mapping does not know) and
the code. Messages are fixed texts per case, with catalogue vocabulary at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class ProblemCode(StrEnum):
    """What is wrong (an error refuses the row; a warning only flags it)."""

    MALFORMED = "malformed"
    """A value that does not parse (a score ``8a``, an unknown 等級 spelling, bad quoting)."""
    SCORE_OUT_OF_RANGE = "score-out-of-range"
    """A score outside 0-100."""
    MISSING_COLUMN = "missing-column"
    """The header lacks a required column: the file is not read further."""
    DUPLICATE_COLUMN = "duplicate-column"
    """Two header cells name the same column: the file is not read further."""
    MISSING_VALUE = "missing-value"
    """A required value is empty (a score for an examinee not absent, a 実技's component)."""
    DUPLICATE_ROW = "duplicate-row"
    """The same exam number, part and component as an earlier row of the file."""
    UNKNOWN_EXAM_NUMBER = "unknown-exam-number"
    """No registered sitting of the round has this exam number."""
    OTHER_PREFECTURE = "other-prefecture"
    """The sitting belongs to another prefecture's roster."""
    MISSING_COMPONENT = "missing-component"
    """The file has practical results of a sitting, but not of every component the catalogue
    requires (decided per sitting after the last row, reported on its first practical row)."""
    EXEMPT_PART_WITH_SCORE = "exempt-part-with-score"
    """A result for a part the sitting is exempt from, or does not sit."""
    WRONG_ROUND_OR_WORK = "wrong-round-or-work"
    """The row's round, work or grade (or its component) disagrees with the import or the
    sitting."""
    ABSENT_WITH_SCORE = "absent-with-score"
    """A score for an examinee marked absent."""
    MY_NUMBER = "my-number"
    """A cell holds a My Number: the row is refused and the value never kept."""
    OUTSIDE_JIS_X_0208 = "outside-jis-x-0208"
    """A warning: the name has a character outside JIS X 0208 (髙, 𠮷, half-width kana):
    check how documents will print it."""
    UNKNOWN_COLUMN = "unknown-column"
    """A warning: a header the mapping does not know; its cells are only screened."""
    UNKNOWN_WORK = "unknown-work"
    """A warning (historical passers): a trade or work code today's catalogue no longer has."""
    CONFLICTING_RECORD = "conflicting-record"
    """Historical passers: the passer number is stored already with other content (never
    overwritten)."""


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


WARNINGS: Final = frozenset(
    {ProblemCode.OUTSIDE_JIS_X_0208, ProblemCode.UNKNOWN_COLUMN, ProblemCode.UNKNOWN_WORK}
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a result file."""

    row: int
    """1-based; the header is row 1."""
    column: str
    """The column's header as the mapping names it, ``#n`` for an unmapped column, or empty
    for the whole row."""
    code: ProblemCode
    message: str

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code in WARNINGS else Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.code not in WARNINGS
