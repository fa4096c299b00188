"""A round's statistics table (試験実施状況): for each work and grade of the round in one
prefecture, how many were registered to sit (applicants), how many have a result
(examinees) and how many of those passed, part passed, failed or are held; with a total
row, and cells suppressed by :func:`kentei.statistics.suppression.suppress`.

The table carries no identifier: a row is named by its trade, work and grade only, and a cell
is a count. What a reader knows, and so what the suppression keeps from being subtracted
out, is each row's two sums (applicants = no result + examinees; examinees = the results)
and each column's total.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from kentei.results.decision import Result
from kentei.statistics.suppression import Line, published, suppress


class Column(StrEnum):
    APPLICANTS = "applicants"
    """受検申請者: sittings registered in the round (accepted applications not deleted)."""
    NO_RESULT = "no_result"
    """Registered, without a decision yet: absent (欠席), or not yet decided."""
    EXAMINEES = "examinees"
    """受検者: registered sittings with a decision."""
    PASS = "pass"  # noqa: S105 (not a secret)
    PART_PASS = "part_pass"  # noqa: S105 (not a secret)
    FAIL = "fail"
    HELD = "held"


COLUMNS: Final = tuple(Column)
_RESULT_COLUMNS: Final[Mapping[Result, Column]] = {
    Result.PASS: Column.PASS,
    Result.PART_PASS: Column.PART_PASS,
    Result.FAIL: Column.FAIL,
    Result.HELD: Column.HELD,
}


@dataclass(frozen=True, order=True)
class Group:
    """A row: the trade (職種), work (作業) and grade (級) of sittings."""

    trade_code: str
    work_code: str
    grade: str


@dataclass(frozen=True)
class Outcome:
    """One registered sitting of the round: its group and its result (None: none yet)."""

    group: Group
    result: Result | None


@dataclass(frozen=True)
class Row:
    group: Group | None
    """None for the total row."""
    cells: Mapping[Column, int | str]


@dataclass(frozen=True)
class RoundTable:
    minimum_cell: int
    rows: tuple[Row, ...]
    """One per group, in code order, then the total row."""


Key = tuple[Group | None, Column]


def counts_of(outcomes: Iterable[Outcome]) -> dict[Key, int]:
    """Every cell's count: each group's row and the total row (``None``)."""
    tally: Counter[Key] = Counter()
    for outcome in outcomes:
        column = Column.NO_RESULT if outcome.result is None else _RESULT_COLUMNS[outcome.result]
        for group in (outcome.group, None):
            tally[group, Column.APPLICANTS] += 1
            tally[group, column] += 1
            if outcome.result is not None:
                tally[group, Column.EXAMINEES] += 1
    groups = sorted({group for group, _ in tally if group is not None})
    return {
        (group, column): tally[group, column] for group in (*groups, None) for column in COLUMNS
    }


def lines_of(groups: Iterable[Group]) -> list[Line[Key]]:
    """What a reader of the table can add up: each row's two sums, each column's total."""
    listed = tuple(groups)
    lines: list[Line[Key]] = []
    for group in (*listed, None):
        lines.append(
            Line((group, Column.APPLICANTS), ((group, Column.NO_RESULT), (group, Column.EXAMINEES)))
        )
        lines.append(
            Line(
                (group, Column.EXAMINEES),
                tuple((group, column) for column in _RESULT_COLUMNS.values()),
            )
        )
    for column in COLUMNS if listed else ():
        lines.append(Line((None, column), tuple((group, column) for group in listed)))
    return lines


def round_table(outcomes: Iterable[Outcome], minimum_cell: int) -> RoundTable:
    """The table of ``outcomes`` with every cell below ``minimum_cell`` withheld, and
    as many more as keep each withheld cell from being subtracted out of a row or column."""
    counts = counts_of(outcomes)
    groups = sorted({group for group, _ in counts if group is not None})
    values = published(counts, suppress(counts, lines_of(groups), minimum_cell))
    rows = tuple(
        Row(group, {column: values[group, column] for column in COLUMNS})
        for group in (*groups, None)
    )
    return RoundTable(minimum_cell, rows)
