"""A file's header row read against a mapping's columns: which column holds which field.

Shared by result files (:mod:`~kentei.results.imports.rows`) and historical passer files
(:mod:`kentei.results.historical.file`). A header cell holding a My Number is a ``my-number``
problem (the cell is not read); a header the mapping does not know is an ``unknown-column``
warning; a required column missing (``missing-column``) or named twice
(``duplicate-column``) stops the read: the columns are then None.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Final, TypeVar

from kentei import my_number
from kentei.results.imports.mappings import fold
from kentei.results.imports.problems import Problem, ProblemCode

F = TypeVar("F", bound=StrEnum)

MY_NUMBER_MESSAGE: Final = "holds a My Number: the row is refused and the value is not kept"
UNKNOWN_COLUMN_MESSAGE: Final = "a column this source's mapping does not know (only screened)"
_ASCII_DIGITS: Final = "0123456789"


def may_hold_my_number(cell: str) -> bool:
    """A necessary condition for :func:`kentei.my_number.contains_personal`, to spare it the
    short cells: twelve digits need twelve characters, and in ASCII text the only digits are
    ``0``-``9``. Not a pattern of its own: every cell that passes goes to the detector."""
    if len(cell) < my_number.LENGTH:
        return False
    if cell.isascii():
        return sum(cell.count(digit) for digit in _ASCII_DIGITS) >= my_number.LENGTH
    return True


def read_header(
    header: Sequence[str], columns: Sequence[tuple[str, F, bool]], source: str
) -> tuple[dict[F, int] | None, list[Problem]]:
    """``columns``: each mapped column's header, field and whether it is required."""
    mapped = {fold(name): (name, field) for name, field, _ in columns}
    found: dict[F, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        if may_hold_my_number(cell) and my_number.contains_personal(cell):
            problems.append(Problem(1, f"#{index + 1}", ProblemCode.MY_NUMBER, MY_NUMBER_MESSAGE))
            continue
        key = fold(cell)
        if not key:
            continue
        column = mapped.get(key)
        if column is None:
            problems.append(
                Problem(1, f"#{index + 1}", ProblemCode.UNKNOWN_COLUMN, UNKNOWN_COLUMN_MESSAGE)
            )
        elif column[1] in found:
            problems.append(
                Problem(
                    1, column[0], ProblemCode.DUPLICATE_COLUMN, "the header names this column twice"
                )
            )
        else:
            found[column[1]] = index
    for name, field, required in columns:
        if required and field not in found:
            problems.append(
                Problem(
                    1,
                    name,
                    ProblemCode.MISSING_COLUMN,
                    f"the header lacks this column (source {source})",
                )
            )
    fatal = any(
        p.code in (ProblemCode.MISSING_COLUMN, ProblemCode.DUPLICATE_COLUMN) for p in problems
    )
    return (None if fatal else found), problems


def open_csv(lines: Iterable[str]) -> tuple[Iterator[list[str]], list[str]]:
    """A CSV reader over ``lines`` (Excel's dialect, strict) and the header row it read
    first (empty when the first record is not valid CSV, or there is none)."""
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, [])
    except csv.Error:
        header = []
    return reader, header


def data_records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str] | None]]:
    """Each data record after the header with its row number (the header is row 1): its
    cells, or None for a record that is not valid CSV. Blank records are passed over."""
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield number, None
            continue
        if any(cell.strip() for cell in cells):
            yield number, cells
