"""A historical passer file: each data row checked into a :class:`HistoricalPass` or its
problems, with the machinery of result files (:mod:`kentei.results.imports`).

The bytes are decoded as a stream (CP932 or UTF-8, with or without BOM, detected); the
columns come from the source's historical mapping (``mappings.json``, ``historical``). Per
row (codes: :class:`~kentei.results.imports.problems.ProblemCode`):

* every cell is screened for a My Number (``my-number``: the row is refused, the value never
  kept);
* each value parses into the record (``missing-value``, ``malformed``: a 等級 or 期 not of the
  source's spellings, a passer number that is not ASCII letters, digits, ``-`` or ``_``, a
  date, a pass date outside its fiscal year, a kana reading);
* against today's catalogue: a trade and work it still has must offer the grade
  (``wrong-round-or-work``; the historical 基礎1級 aside); a trade or work it no longer has
  is allowed, flagged ``unknown-work`` (a warning);
* a passer number once per file (``duplicate-row``), and, when stored already, with the same
  content (``conflicting-record``: never overwritten).

A problem names the row, the column's header and a code, never a value. The passer numbers
seen are kept (for ``duplicate-row``): memory grows with the file's rows, by a short string
each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from pydantic import ValidationError

from kentei import my_number
from kentei.exams.catalogue import Catalogue
from kentei.exams.errors import UnknownExamError
from kentei.records.codes import Grade
from kentei.results.historical.model import HistoricalPass
from kentei.results.imports.encoding import DecodedText, SourceEncoding
from kentei.results.imports.header import (
    MY_NUMBER_MESSAGE,
    UNKNOWN_COLUMN_MESSAGE,
    data_records,
    may_hold_my_number,
    open_csv,
    read_header,
)
from kentei.results.imports.mappings import HistoricalField, HistoricalSourceMapping, fold
from kentei.results.imports.problems import Problem, ProblemCode
from kentei.results.imports.rows import MAX_LINE, clean, lines

_YEAR: Final = re.compile(r"^([0-9]{4})(?:年度)?$")
_ERA: Final = re.compile(r"^(s|h|r|昭和|平成|令和)([0-9]{1,2}|元)(?:年度)?$")
_ERA_START: Final = {"s": 1925, "昭和": 1925, "h": 1988, "平成": 1988, "r": 2018, "令和": 2018}

_PERSON: Final = frozenset(
    {
        HistoricalField.NAME,
        HistoricalField.NAME_KANA,
        HistoricalField.BIRTH_DATE,
        HistoricalField.SEX,
        HistoricalField.ADDRESS,
    }
)
_MESSAGES: Final = {
    "required": "empty, and required",
    "choice": "not a value of this column (see the source's mapping)",
    "year": "not a fiscal year (2001, 2001年度, H13, 平成13, R3, 令和3)",
    "value": "not a valid value for this column",
    "pass_date": "the pass date is not in the pass fiscal year",
    "my_number": MY_NUMBER_MESSAGE,
    "unknown_column": UNKNOWN_COLUMN_MESSAGE,
    "unknown_work": "a trade or work today's catalogue does not have (an old work?)",
    "grade": "the work (today's catalogue) does not offer this grade",
    "duplicate": "the same passer number as an earlier row",
    "conflict": "this passer number is stored with other content: never overwritten",
    "csv": "not a valid CSV row (quoting, or a field too long)",
}


def fiscal_year_of(cell: str) -> int | None:
    """The fiscal year a cell names: ``2001``, ``2001年度``, ``H13``, ``平成13``, ``R3``,
    ``令和元``; None otherwise."""
    text = fold(cell)
    found = _YEAR.match(text)
    if found is not None:
        return int(found.group(1))
    found = _ERA.match(text)
    if found is None:
        return None
    number = 1 if found.group(2) == "元" else int(found.group(2))
    return _ERA_START[found.group(1)] + number


class Stored(StrEnum):
    """How a valid row stands against the store."""

    NEW = "new"
    SAME = "same"
    """Stored already with the same content: applying it writes nothing."""


@dataclass(frozen=True, slots=True)
class HistoricalOutcome:
    """A data row: its record when it has no error, and its problems (warnings included)."""

    row: int
    record: HistoricalPass | None
    problems: tuple[Problem, ...] = ()
    stored: Stored | None = None


StoredLookup = Callable[[str], HistoricalPass | None]
"""The record stored under a passer number in the import's prefecture (None: none)."""


@dataclass
class HistoricalReport:
    """What a historical passer file's check (and, applied, its writes) found."""

    source: str
    encoding: SourceEncoding | None = None
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    errors: int = 0
    warnings: int = 0
    new: int = 0
    unchanged: int = 0
    written: int = 0
    applied: bool = False
    problems: list[Problem] = field(default_factory=list)
    by_code: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return self.errors == 0

    def add(self, problem: Problem) -> None:
        self.by_code[problem.code.value] = self.by_code.get(problem.code.value, 0) + 1
        if problem.is_error:
            self.errors += 1
        else:
            self.warnings += 1
        self.problems.append(problem)

    def summary(self) -> dict[str, object]:
        """Counts and codes (no value of any cell): what the command prints."""
        return {
            "source": self.source,
            "encoding": None if self.encoding is None else self.encoding.value,
            "rows": self.rows,
            "valid": self.valid,
            "invalid": self.invalid,
            "errors": self.errors,
            "warnings": self.warnings,
            "new": self.new,
            "unchanged": self.unchanged,
            "written": self.written,
            "applied": self.applied,
            "by_code": dict(sorted(self.by_code.items())),
        }


class HistoricalFile:
    """A historical passer file of one prefecture, read once as a stream of outcomes."""

    def __init__(
        self,
        chunks: Iterable[bytes],
        *,
        mapping: HistoricalSourceMapping,
        prefecture_code: str,
        catalogue: Catalogue,
        stored: StoredLookup,
        max_line: int = MAX_LINE,
    ) -> None:
        self._text = DecodedText(chunks)
        self._mapping = mapping
        self._prefecture = prefecture_code
        self._catalogue = catalogue
        self._stored = stored
        self._max_line = max_line
        self._terms = mapping.lookup(HistoricalField.TERM)
        self._grades = mapping.lookup(HistoricalField.GRADE)
        self._headers = {column.field: column.header for column in mapping.columns}
        self._seen: set[str] = set()

    @property
    def source(self) -> str:
        return self._mapping.source

    @property
    def encoding(self) -> SourceEncoding | None:
        return self._text.encoding

    def outcomes(self) -> Iterator[HistoricalOutcome | Problem]:
        """The header's problems, then each data row's outcome (a ``ResultFileError`` when
        the bytes are not text in a supported encoding)."""
        reader, header = open_csv(lines(self._text, max_line=self._max_line))
        columns, problems = self._columns(header)
        yield from problems
        if columns is None:
            return
        for number, cells in data_records(reader):
            if cells is None:
                bad = Problem(number, "", ProblemCode.MALFORMED, _MESSAGES["csv"])
                yield HistoricalOutcome(number, None, (bad,))
            else:
                yield self._row(number, cells, columns)

    def _columns(
        self, header: list[str]
    ) -> tuple[dict[HistoricalField, int] | None, list[Problem]]:
        columns = [(c.header, c.field, c.required) for c in self._mapping.columns]
        return read_header(header, columns, self._mapping.source)

    def _row(
        self, number: int, cells: list[str], columns: dict[HistoricalField, int]
    ) -> HistoricalOutcome:
        problems: list[Problem] = []

        def problem(result_field: HistoricalField | None, code: ProblemCode, message: str) -> None:
            header = "" if result_field is None else self._headers[result_field]
            problems.append(Problem(number, header, code, _MESSAGES[message]))

        if self._screen(number, cells, columns, problems):
            return HistoricalOutcome(number, None, tuple(problems))
        values: dict[HistoricalField, str] = {}
        for column in self._mapping.columns:
            position = columns.get(column.field)
            text = "" if position is None or position >= len(cells) else cells[position].strip()
            if text:
                values[column.field] = text
            elif column.required:
                problem(column.field, ProblemCode.MISSING_VALUE, "required")
        data = self._data(values, problem)
        if problems:
            return HistoricalOutcome(number, None, tuple(problems))
        try:
            record = HistoricalPass.model_validate(data)
        except ValidationError as error:
            for detail in error.errors(include_input=False, include_url=False):
                where = str(detail["loc"][0]) if detail["loc"] else ""
                if where == "person" and len(detail["loc"]) > 1:
                    where = str(detail["loc"][1])
                if not where:
                    problem(HistoricalField.PASSED_ON, ProblemCode.MALFORMED, "pass_date")
                else:
                    problem(HistoricalField(where), ProblemCode.MALFORMED, "value")
            return HistoricalOutcome(number, None, tuple(problems))
        return self._checked(number, record, problems, problem)

    def _checked(
        self,
        number: int,
        record: HistoricalPass,
        problems: list[Problem],
        problem: Callable[[HistoricalField | None, ProblemCode, str], None],
    ) -> HistoricalOutcome:
        """A parsed row against the catalogue, the file's earlier rows and the store."""
        self._against_catalogue(record, problem)
        if record.passer_number in self._seen:
            problem(HistoricalField.PASSER_NUMBER, ProblemCode.DUPLICATE_ROW, "duplicate")
        self._seen.add(record.passer_number)
        stored = self._stored(record.passer_number)
        state = None
        if stored is not None and stored != record:
            problem(HistoricalField.PASSER_NUMBER, ProblemCode.CONFLICTING_RECORD, "conflict")
        elif stored is not None:
            state = Stored.SAME
        else:
            state = Stored.NEW
        if any(p.is_error for p in problems):
            return HistoricalOutcome(number, None, tuple(problems))
        return HistoricalOutcome(number, record, tuple(problems), state)

    def _screen(
        self,
        number: int,
        cells: list[str],
        columns: dict[HistoricalField, int],
        problems: list[Problem],
    ) -> bool:
        """Every cell screened for a My Number: True (the row refused) when one holds one."""
        screened = False
        for index, cell in enumerate(cells):
            if may_hold_my_number(cell) and my_number.contains_personal(cell):
                screened = True
                label = next(
                    (self._headers[f] for f, i in columns.items() if i == index), f"#{index + 1}"
                )
                problems.append(
                    Problem(number, label, ProblemCode.MY_NUMBER, _MESSAGES["my_number"])
                )
        return screened

    def _data(
        self,
        values: dict[HistoricalField, str],
        problem: Callable[[HistoricalField | None, ProblemCode, str], None],
    ) -> dict[str, object]:
        data: dict[str, object] = {"prefecture_code": self._prefecture}
        person: dict[str, object] = {}
        for result_field, text in values.items():
            value: object = text
            if result_field is HistoricalField.TERM:
                value = self._terms.get(fold(text))
            elif result_field is HistoricalField.GRADE:
                value = self._grades.get(fold(text))
            elif result_field is HistoricalField.PASS_FISCAL_YEAR:
                value = fiscal_year_of(text)
                if value is None:
                    problem(result_field, ProblemCode.MALFORMED, "year")
                    continue
            elif result_field in (
                HistoricalField.PASSER_NUMBER,
                HistoricalField.CERTIFICATE_NUMBER,
                HistoricalField.TRADE_CODE,
                HistoricalField.WORK_CODE,
            ):
                value = clean(text)
            elif result_field is HistoricalField.PASSED_ON:
                value = clean(text).replace("/", "-")
            if value is None:
                problem(result_field, ProblemCode.MALFORMED, "choice")
                continue
            if result_field in _PERSON:
                person[result_field.value] = value
            else:
                data[result_field.value] = value
        data["person"] = person
        return data

    def _against_catalogue(
        self,
        record: HistoricalPass,
        problem: Callable[[HistoricalField | None, ProblemCode, str], None],
    ) -> None:
        try:
            self._catalogue.work(record.trade_code, record.work_code)
        except UnknownExamError:
            problem(HistoricalField.WORK_CODE, ProblemCode.UNKNOWN_WORK, "unknown_work")
            return
        if record.grade is Grade.BASIC_FIRST:
            return  # a historical grade (merged into 基礎級): no work offers it today
        work = None if record.grade is Grade.SPECIAL else record.work_code
        if not self._catalogue.offers_grade(record.trade_code, work, record.grade):
            problem(HistoricalField.GRADE, ProblemCode.WRONG_ROUND_OR_WORK, "grade")


def check(
    file: HistoricalFile, *, keep: int = 1_000
) -> tuple[HistoricalReport, list[tuple[int, HistoricalPass]]]:
    """Read ``file`` to its end: the report (the first ``keep`` problems) and the valid
    records not stored yet, with their rows (what applying it would write)."""
    report = HistoricalReport(file.source)
    new: list[tuple[int, HistoricalPass]] = []
    for outcome in file.outcomes():
        found = outcome.problems if isinstance(outcome, HistoricalOutcome) else (outcome,)
        for one in found:
            if len(report.problems) < keep:
                report.add(one)
            else:
                report.errors += one.is_error
                report.warnings += not one.is_error
        if not isinstance(outcome, HistoricalOutcome):
            continue
        report.rows += 1
        if outcome.record is None:
            report.invalid += 1
            continue
        report.valid += 1
        if outcome.stored is Stored.SAME:
            report.unchanged += 1
        else:
            report.new += 1
            new.append((outcome.row, outcome.record))
    report.encoding = file.encoding
    return report, new
