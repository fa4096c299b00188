"""The rows of a result file: each data row checked into a :class:`ResultRow` or its problems.

:class:`ResultFile` reads a file given as byte chunks (:mod:`~kentei.results.imports.encoding`)
with a source's mapping (:mod:`~kentei.results.imports.mappings`) for one round and one
prefecture, and yields its :data:`Outcome` s as a stream: a :class:`RowOutcome` per data row
(the row, or none and its problems), then the problems only the whole file decides
(``missing-component``). Nothing is kept per row: memory is flat in the file size. What is
kept is a small tally per registered sitting the file names (an int: the parts and components
seen, those required, its first practical row), for ``duplicate-row`` and
``missing-component``; it is bounded by the roster, not by the file.

Checks, per row (codes: :class:`~kentei.results.imports.problems.ProblemCode`):

* every cell, mapped or not, is screened for a My Number (``kentei.my_number``); a cell that
  holds one is a ``my-number`` problem and is not read further;
* each mapped value parses (``malformed``, ``missing-value``, ``score-out-of-range``,
  ``absent-with-score``): a score is an integer 0-100, empty (or a source's ``欠``) only for an
  absentee; 実技 needs its component, 学科 has none;
* the row's round is the import's, and its sitting exists in the round
  (``wrong-round-or-work``, ``unknown-exam-number``), in the importing prefecture
  (``other-prefecture``), with the same work and grade and a component its grade has
  (``wrong-round-or-work``), for a part it sits (``exempt-part-with-score``), and once
  (``duplicate-row``: same exam number, part and component as an earlier row);
* a name (氏名), when the mapping has one, is kept on the row and flagged
  ``outside-jis-x-0208`` (a warning) when JIS X 0208 cannot write it.

After the last row, a sitting with practical results in the file but not for every component
its grade requires is ``missing-component``. The header row must have every required column
(``missing-column``) once (``duplicate-column``), or the file is not read further.
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, TypeVar

from kentei import my_number
from kentei.exams.parts import ComponentKind
from kentei.records.codes import Grade, Term
from kentei.records.fields import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
from kentei.results.imports.directory import SittingDirectory, SittingFacts
from kentei.results.imports.encoding import WINDOW, DecodedText, SourceEncoding
from kentei.results.imports.errors import LineTooLongError
from kentei.results.imports.header import (
    MY_NUMBER_MESSAGE,
    UNKNOWN_COLUMN_MESSAGE,
    may_hold_my_number,
    open_csv,
    read_header,
)
from kentei.results.imports.mappings import ResultField, SourceMapping, YesNo, fold
from kentei.results.imports.names import in_jis_x_0208
from kentei.results.imports.problems import Problem, ProblemCode
from kentei.roster.parts import ExamRound, Part

MAX_LINE: Final = 64 * 1024
"""Characters a line may hold (a result row is a few hundred): more is not a result file."""
MAX_SCORE: Final = 100
REIWA_OFFSET: Final = 2018
"""令和N年度 is fiscal year 2018 + N."""

_YEAR: Final = re.compile(r"^([0-9]{4})(?:年度)?$")
_REIWA: Final = re.compile(r"^(?:r|令和)([0-9]{1,2})(?:年度)?$")
_INTEGER: Final = re.compile(r"^[+-]?[0-9]{1,9}$")
_CODE: Final = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,19}$")
_EXAM_NUMBER: Final = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$")
_MEMO: Final = 64
"""Distinct year cells remembered per file (a file has one or two)."""

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One valid result: a sitting's score (or absence) in one part or practical component."""

    exam_round: ExamRound
    work_code: str
    grade: Grade
    exam_number: str
    part: Part
    component: ComponentKind | None
    """The practical component (None for 学科)."""
    score: int | None
    """0-100; None when absent."""
    absent: bool
    below_minimum: bool
    """A question's own minimum (問題別の基準) was not reached."""
    name: str | None = field(default=None, repr=False)
    """氏名 as the file has it, for the staff's cross-check: never in a problem or a log."""

    @property
    def key(self) -> tuple[str, Part, ComponentKind | None]:
        """What a file may hold once: exam number, part, component."""
        return self.exam_number, self.part, self.component


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """A data row: its result when it has no error, and its problems (warnings included)."""

    row: int
    result: ResultRow | None
    problems: tuple[Problem, ...] = ()


Outcome = RowOutcome | Problem
"""A row's outcome, or a problem of the header or of a sitting across rows."""


# Fixed messages: they name the rule, never the value.
_MESSAGES: Final = {
    "year": "not a fiscal year (2026, 2026年度, R8, 令和8)",
    "integer": "not an integer score",
    "code": "not a code (ASCII letters, digits, - or _)",
    "exam_number": "not an exam number (ASCII letters, digits, - or _, at most 32)",
    "yes_no": "neither a yes nor a no of this source",
    "choice": "not a value of this column (see the source's mapping)",
    "required": "empty, and required",
    "score_required": "no score, and the examinee is not marked absent",
    "written_component": "学科 has no practical component: leave it empty",
    "range": f"a score is 0-{MAX_SCORE}",
    "absent_score": "a score for an examinee marked absent",
    "my_number": MY_NUMBER_MESSAGE,
    "jis": "the name has a character outside JIS X 0208: check how it prints",
    "unknown_column": UNKNOWN_COLUMN_MESSAGE,
    "round": "not the round of this import",
    "unknown": "no registered sitting of the round has this exam number",
    "prefecture": "the sitting is on another prefecture's roster",
    "work": "not the work of the sitting",
    "grade": "not the grade of the sitting",
    "component": "the sitting's grade has no such practical component",
    "exempt": "the sitting is exempt from this part",
    "not_sat": "the sitting does not sit this part",
    "duplicate": "the same exam number, part and component as an earlier row",
    "csv": "not a valid CSV row (quoting, or a field too long)",
}
_BITS: Final = {
    (Part.WRITTEN, None): 1,
    (Part.PRACTICAL, ComponentKind.PRODUCTION): 2,
    (Part.PRACTICAL, ComponentKind.JUDGEMENT): 4,
    (Part.PRACTICAL, ComponentKind.PLANNING): 8,
}
_COMPONENT_BITS: Final = {
    component: bit for (_, component), bit in _BITS.items() if component is not None
}
_PRACTICAL_BITS: Final = 2 | 4 | 8
_REQUIRED_SHIFT: Final = 4
_TAKES_PRACTICAL: Final = 1 << 8
_ROW_SHIFT: Final = 9
_COMPONENT_OF_BIT: Final = {
    bit: component for (_, component), bit in _BITS.items() if component is not None
}


def _is_integer(text: str) -> bool:
    """``[+-]?[0-9]{1,9}``, without allocating for the plain digits of a score."""
    if text.isascii() and text.isdigit():
        return len(text) <= 9
    return bool(_INTEGER.match(text))


def _is_code(text: str, rule: re.Pattern[str]) -> bool:
    """``rule`` (codes and numbers), without allocating for plain ASCII letters and digits."""
    if text.isascii() and text.isalnum() and len(text) <= 20:
        return True
    return bool(rule.match(text))


def clean(text: str) -> str:
    """NFKC, stripped: how codes and numbers are compared (case kept)."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


def fiscal_year_of(cell: str) -> int | None:
    """The fiscal year a cell names (``2026``, ``2026年度``, ``R8``, ``令和8``), or None."""
    text = fold(cell)
    found = _YEAR.match(text)
    if found is not None:
        year = int(found.group(1))
    else:
        found = _REIWA.match(text)
        if found is None:
            return None
        year = REIWA_OFFSET + int(found.group(1))
    return year if FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR else None


def lines(texts: Iterable[str], *, max_line: int = MAX_LINE) -> Iterator[str]:
    """The lines of a text stream, each with its ``\\n`` (what :func:`csv.reader` reads);
    only ``\\n`` ends a line here, so a quoted field keeps any other break."""
    pending = ""
    number = 0  # lines before this chunk's (counted per chunk, not per line)
    for text in texts:
        buffer = pending + text if pending else text
        start = 0
        while (end := buffer.find("\n", start)) >= 0:
            yield buffer[start : end + 1]
            start = end + 1
        number += buffer.count("\n")
        pending = buffer[start:]
        if len(pending) > max_line:
            raise LineTooLongError(number + 1, max_line)
    if pending:
        yield pending


class ResultFile:
    """A result file for one round and one prefecture: read once, as a stream of outcomes."""

    def __init__(
        self,
        chunks: Iterable[bytes],
        *,
        mapping: SourceMapping,
        exam_round: ExamRound,
        prefecture_code: str,
        directory: SittingDirectory,
        window: int = WINDOW,
        max_line: int = MAX_LINE,
    ) -> None:
        self._text = DecodedText(chunks, window=window)
        self._mapping = mapping
        self._round = exam_round
        self._prefecture = prefecture_code
        self._directory = directory
        self._max_line = max_line
        self._terms = mapping.lookup(ResultField.TERM)
        self._grades = mapping.lookup(ResultField.GRADE)
        self._parts = mapping.lookup(ResultField.PART)
        self._components = mapping.lookup(ResultField.COMPONENT)
        self._absent = mapping.values.absent
        self._below_minimum = mapping.values.below_minimum
        self._score_absent = frozenset(fold(text) for text in mapping.values.score_absent)
        self._years: dict[str, int | None] = {}
        self._round_key = exam_round.key
        self._headers = {column.field: column.header for column in mapping.columns}

    @property
    def source(self) -> str:
        """The source whose mapping reads the file."""
        return self._mapping.source

    @property
    def encoding(self) -> SourceEncoding | None:
        """How the file was read (known once the first row has been read)."""
        return self._text.encoding

    def outcomes(self) -> Iterator[Outcome]:
        """The header's problems, then each data row's outcome, then the problems across rows.

        Raises :class:`~kentei.results.imports.errors.ResultFileError` when the file is not
        text in a supported encoding (at the byte where it stops being so)."""
        reader, header = open_csv(lines(self._text, max_line=self._max_line))
        columns, problems = self._columns(header)
        yield from problems
        if columns is None:
            return
        tally: dict[str, int] = {}
        yield from self._data(reader, columns, tally)
        yield from self._incomplete(tally, columns)

    def _data(
        self, reader: Iterator[list[str]], columns: dict[ResultField, int], tally: dict[str, int]
    ) -> Iterator[RowOutcome]:
        for number in itertools.count(2):
            try:
                cells = _next(reader)
            except StopIteration:
                return
            except csv.Error:
                yield _bad_csv(number)
                continue
            if any(cells):
                yield self._row(number, cells, columns, tally)

    # The header.

    def _columns(self, header: list[str]) -> tuple[dict[ResultField, int] | None, list[Problem]]:
        columns = [(c.header, c.field, c.required) for c in self._mapping.columns]
        return read_header(header, columns, self._mapping.source)

    # A data row.

    # A data row. tracemalloc (the memory test) pays per allocation in proportion to how far
    # into its function the allocating line is: the row's objects are made in short functions.

    def _row(
        self, number: int, cells: list[str], columns: dict[ResultField, int], tally: dict[str, int]
    ) -> RowOutcome:
        row = _Row(number, cells, columns, self._headers)
        self._screen(row)
        self._read(row)
        if row.fiscal_year is not None and row.term is not None:
            if row.fiscal_year != self._round.fiscal_year or row.term is not self._round.term:
                row.fail(ResultField.FISCAL_YEAR, "wrong-round-or-work", "round")
            elif row.exam_number is not None:
                facts = self._sitting(row, row.exam_number, row.work_code, row.grade)
                if facts is not None and row.part is not None:
                    self._against(row, facts, tally)
        return _outcome(row, self._round)

    def _screen(self, row: _Row) -> None:
        """A cell holding a My Number is a problem, and is not read further."""
        for index, cell in enumerate(row.cells):
            if (
                len(cell) >= my_number.LENGTH
                and may_hold_my_number(cell)
                and my_number.contains_personal(cell)
            ):
                row.screen(index, self._label(index, row.columns))

    def _read(self, row: _Row) -> None:
        year_cell = row.cell(ResultField.FISCAL_YEAR)
        if year_cell is not None:
            row.fiscal_year = self._year(year_cell)
            if row.fiscal_year is None:
                row.fail(ResultField.FISCAL_YEAR, "malformed", "year")
        row.term = row.choice(ResultField.TERM, self._terms, Term)
        row.work_code = row.pattern(ResultField.WORK_CODE, _CODE, "code")
        row.grade = row.choice(ResultField.GRADE, self._grades, Grade)
        row.exam_number = row.pattern(ResultField.EXAM_NUMBER, _EXAM_NUMBER, "exam_number")
        row.part = row.choice(ResultField.PART, self._parts, Part)
        row.component = self._component(row, row.part)
        absent = row.yes_no(ResultField.ABSENT, self._absent)
        row.below_minimum = bool(row.yes_no(ResultField.BELOW_MINIMUM, self._below_minimum))
        self._score(row, absent)
        row.name = self._name(row)

    def _year(self, cell: str) -> int | None:
        found = self._years.get(cell, 0)
        if found == 0:
            found = fiscal_year_of(cell)
            if len(self._years) < _MEMO:
                self._years[cell] = found
        return found

    def _component(self, row: _Row, part: Part | None) -> ComponentKind | None:
        cell = row.cell(ResultField.COMPONENT, required=False)
        if part is Part.WRITTEN:
            if cell:
                row.fail(ResultField.COMPONENT, "malformed", "written_component")
            return None
        if part is None or cell is None:
            return None
        if not cell.strip():
            row.fail(ResultField.COMPONENT, "missing-value", "required")
            return None
        return row.choice(ResultField.COMPONENT, self._components, ComponentKind)

    def _score(self, row: _Row, absent: bool | None) -> None:
        """The row's score and absence (a source's ``欠`` in the score column is absent)."""
        cell = row.cell(ResultField.SCORE, required=False)
        text = "" if cell is None else clean(cell)
        if text and not text.isdigit() and fold(text) in self._score_absent:
            row.absent = True
            return
        row.absent = bool(absent)
        row.score = self._score_of(row, cell, text, absent)

    @staticmethod
    def _score_of(row: _Row, cell: str | None, text: str, absent: bool | None) -> int | None:
        score = None
        if cell is None:
            pass
        elif not text:
            if not absent:
                row.fail(ResultField.SCORE, "missing-value", "score_required")
        elif not (_is_integer(text)):
            row.fail(ResultField.SCORE, "malformed", "integer")
        elif not 0 <= int(text) <= MAX_SCORE:
            row.fail(ResultField.SCORE, "score-out-of-range", "range")
        elif absent:
            row.fail(ResultField.SCORE, "absent-with-score", "absent_score")
        else:
            score = int(text)
        return score

    def _name(self, row: _Row) -> str | None:
        cell = row.cell(ResultField.NAME, required=False)
        if cell is None:
            return None
        name = cell.strip()
        if not name:
            return None
        if not in_jis_x_0208(name):
            row.warn(ResultField.NAME, "outside-jis-x-0208", "jis")
        return name

    # Against the roster.

    def _sitting(
        self, row: _Row, exam_number: str, work_code: str | None, grade: Grade | None
    ) -> SittingFacts | None:
        facts = self._directory.find(self._round_key, exam_number)
        if facts is None:
            row.fail(ResultField.EXAM_NUMBER, "unknown-exam-number", "unknown")
            return None
        if facts.prefecture_code != self._prefecture:
            row.fail(ResultField.EXAM_NUMBER, "other-prefecture", "prefecture")
            return None
        if work_code is not None and work_code != facts.work_code:
            row.fail(ResultField.WORK_CODE, "wrong-round-or-work", "work")
        if grade is not None and grade is not facts.grade:
            row.fail(ResultField.GRADE, "wrong-round-or-work", "grade")
        return facts

    def _against(self, row: _Row, facts: SittingFacts, tally: dict[str, int]) -> None:
        exam_number, part, component = row.exam_number, row.part, row.component
        if exam_number is None or part is None:
            return
        if part not in facts.parts:
            reason = "exempt" if part in facts.exempt else "not_sat"
            row.fail(ResultField.PART, "exempt-part-with-score", reason)
        if component is not None and component not in facts.components:
            row.fail(ResultField.COMPONENT, "wrong-round-or-work", "component")
        if part is Part.PRACTICAL and component is None:
            return
        _tally(
            row, facts, tally, exam_number, 1 if component is None else _COMPONENT_BITS[component]
        )

    def _incomplete(self, tally: dict[str, int], columns: dict[ResultField, int]) -> list[Problem]:
        """``missing-component``: per sitting, after the last row."""
        column = self._mapping.column(ResultField.COMPONENT)
        header = column.header if column is not None else ""
        found: list[Problem] = []
        for state in tally.values():
            seen = state & _PRACTICAL_BITS
            if not seen or not state & _TAKES_PRACTICAL:
                continue
            missing = (state >> _REQUIRED_SHIFT) & _PRACTICAL_BITS & ~seen
            if missing:
                kinds = "、".join(
                    kind.value for bit, kind in _COMPONENT_OF_BIT.items() if missing & bit
                )
                found.append(
                    Problem(
                        state >> _ROW_SHIFT,
                        header,
                        ProblemCode.MISSING_COMPONENT,
                        f"the sitting's practical results lack {kinds}",
                    )
                )
        return found

    # Helpers.

    def _label(self, index: int, columns: dict[ResultField, int]) -> str:
        for result_field, at in columns.items():
            if at == index:
                column = self._mapping.column(result_field)
                if column is not None:
                    return column.header
        return f"#{index + 1}"


def _bad_csv(number: int) -> RowOutcome:
    problem = Problem(number, "", ProblemCode.MALFORMED, _MESSAGES["csv"])
    return RowOutcome(number, None, (problem,))


def _next(reader: Iterator[list[str]]) -> list[str]:
    """The next record (a short function: see ``_row``)."""
    return next(reader)


def _tally(
    row: _Row, facts: SittingFacts, tally: dict[str, int], exam_number: str, bit: int
) -> None:
    """Record the row's part or component in its sitting's tally; a second one is a
    ``duplicate-row``. The tally is an int: bits 0-3 seen, 4-7 required, 8 takes 実技, the
    first practical row number above."""
    state = tally.get(exam_number)
    if state is None:
        required = sum(_COMPONENT_BITS[kind] for kind in facts.components)
        state = required << _REQUIRED_SHIFT
        if Part.PRACTICAL in facts.parts:
            state |= _TAKES_PRACTICAL
    if state & bit:
        row.fail(ResultField.EXAM_NUMBER, "duplicate-row", "duplicate")
        return
    state |= bit
    if bit & _PRACTICAL_BITS and state >> _ROW_SHIFT == 0:
        state |= row.number << _ROW_SHIFT
    tally[exam_number] = state


def _outcome(row: _Row, exam_round: ExamRound) -> RowOutcome:
    """The row's outcome: its result when it has no error (a valid row is of the import's
    round). Positional: a keyword call of a class builds a dict per row."""
    if (
        row.failed
        or row.fiscal_year is None
        or row.term is None
        or row.work_code is None
        or row.grade is None
        or row.exam_number is None
        or row.part is None
    ):
        return RowOutcome(row.number, None, tuple(row.problems))
    result = ResultRow(
        exam_round,
        row.work_code,
        row.grade,
        row.exam_number,
        row.part,
        row.component,
        row.score,
        row.absent,
        row.below_minimum,
        row.name,
    )
    return RowOutcome(row.number, result, tuple(row.problems))


class _Row:
    """One data row: its cells, read field by field into its values; collects its problems."""

    __slots__ = (
        "absent",
        "below_minimum",
        "cells",
        "columns",
        "component",
        "exam_number",
        "failed",
        "fiscal_year",
        "grade",
        "headers",
        "name",
        "number",
        "part",
        "problems",
        "score",
        "screened",
        "term",
        "work_code",
    )

    def __init__(
        self,
        number: int,
        cells: list[str],
        columns: dict[ResultField, int],
        headers: dict[ResultField, str],
    ) -> None:
        self.number = number
        self.cells = cells
        self.columns = columns
        self.headers = headers
        self.problems: list[Problem] = []
        self.screened: set[int] | None = None
        self.failed = False
        self.fiscal_year: int | None = None
        self.term: Term | None = None
        self.work_code: str | None = None
        self.grade: Grade | None = None
        self.exam_number: str | None = None
        self.part: Part | None = None
        self.component: ComponentKind | None = None
        self.score: int | None = None
        self.absent = False
        self.below_minimum = False
        self.name: str | None = None

    def screen(self, index: int, column: str) -> None:
        if self.screened is None:
            self.screened = set()
        self.screened.add(index)
        self.failed = True
        self.problems.append(
            Problem(self.number, column, ProblemCode.MY_NUMBER, _MESSAGES["my_number"])
        )

    def header(self, result_field: ResultField) -> str:
        return self.headers.get(result_field, result_field.value)

    def fail(self, result_field: ResultField, code: str, message: str) -> None:
        self.failed = True
        self.problems.append(
            Problem(self.number, self.header(result_field), ProblemCode(code), _MESSAGES[message])
        )

    def warn(self, result_field: ResultField, code: str, message: str) -> None:
        self.problems.append(
            Problem(self.number, self.header(result_field), ProblemCode(code), _MESSAGES[message])
        )

    def cell(self, result_field: ResultField, *, required: bool = True) -> str | None:
        """The cell's text; None when the column is absent from the file, or its cell was
        refused (a My Number), or it is empty and ``required`` (a problem then)."""
        index = self.columns.get(result_field)
        if index is None or (self.screened is not None and index in self.screened):
            return None
        text = self.cells[index] if index < len(self.cells) else ""
        if required and not text.strip():
            self.fail(result_field, "missing-value", "required")
            return None
        return text

    def choice(
        self, result_field: ResultField, lookup: dict[str, StrEnum], kind: type[E]
    ) -> E | None:
        cell = self.cell(result_field)
        if cell is None:
            return None
        value = lookup.get(cell)
        if value is None:
            value = lookup.get(fold(cell))
        if not isinstance(value, kind):
            self.fail(result_field, "malformed", "choice")
            return None
        return value

    def pattern(self, result_field: ResultField, rule: re.Pattern[str], message: str) -> str | None:
        cell = self.cell(result_field)
        if cell is None:
            return None
        text = clean(cell)
        if not (_is_code(text, rule)):
            self.fail(result_field, "malformed", message)
            return None
        return text

    def yes_no(self, result_field: ResultField, spellings: YesNo) -> bool | None:
        cell = self.cell(result_field, required=False)
        if cell is None:
            return None
        value = spellings.read(cell)
        if value is None:
            self.fail(result_field, "malformed", "yes_no")
        return value
