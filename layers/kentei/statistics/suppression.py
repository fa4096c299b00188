"""Small-cell suppression (秘匿処理) of a table of counts before it is released.

A table is a set of cells, each a count of persons, and the additive relations its readers
know (:class:`Line`: a total and the parts it is the sum of: a row's total, a column's total).
:func:`suppress` chooses the cells to withhold:

- primary: every cell below ``k`` (zero too: a published zero beside a small total says what
  every one of those few persons got);
- complementary (secondary): while a line has exactly one withheld cell, its value is the
  line's published cells subtracted from each other, so the line's smallest published cell
  (a part before the total) is withheld too, until no line has exactly one.

Every withheld cell is published the same way (:data:`SUPPRESSED`): a mark that told a
primary cell (below ``k``) from a complementary one (``k`` or more) would narrow a pair's
values (a line whose withheld pair sums to ``k`` would then give both exactly).

This is the simple complementary-cell rule: it does not solve two or more lines together
(a withheld cell may in rare layouts follow from three lines at once).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

Cell = TypeVar("Cell", bound=Hashable)

SUPPRESSED: Final = "x"
"""How a withheld cell is published (秘匿: the statistics bureau's ``x``)."""


@dataclass(frozen=True)
class Line(Generic[Cell]):
    """An additive relation a reader knows: ``total`` is the sum of ``parts``."""

    total: Cell
    parts: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (*self.parts, self.total)


def suppress(
    counts: Mapping[Cell, int], lines: Iterable[Line[Cell]], k: int
) -> frozenset[Cell]:
    """The cells of ``counts`` to withhold so that none below ``k`` is published and no line
    has exactly one withheld cell. ``ValueError`` for a ``k`` below 1, a negative count, a line
    naming a cell with no count, or a line whose parts do not sum to its total."""
    if k < 1:
        raise ValueError("the minimum cell size is at least 1")
    if any(value < 0 for value in counts.values()):
        raise ValueError("a count is never negative")
    relations = tuple(lines)
    for line in relations:
        if any(cell not in counts for cell in line.cells):
            raise ValueError("a line names a cell the table does not have")
        if sum(counts[part] for part in line.parts) != counts[line.total]:
            raise ValueError("a line's parts do not sum to its total")
    withheld = {cell for cell, value in counts.items() if value < k}
    changed = True
    while changed:
        changed = False
        for line in relations:
            if sum(cell in withheld for cell in line.cells) == 1:
                withheld.add(_complement(line, counts, withheld))
                changed = True
    return frozenset(withheld)


def _complement(
    line: Line[Cell], counts: Mapping[Cell, int], withheld: set[Cell]
) -> Cell:
    """The line's published cell to withhold with its one withheld cell: its smallest
    published part, else its total (ties by the parts' order, so every run chooses alike)."""
    published = [cell for cell in line.cells if cell not in withheld]
    order = {cell: index for index, cell in enumerate(line.cells)}
    return min(
        published,
        key=lambda cell: (cell == line.total, counts[cell], order[cell]),
    )


def published(
    counts: Mapping[Cell, int], withheld: frozenset[Cell]
) -> dict[Cell, int | str]:
    """Each cell's published value: its count, or :data:`SUPPRESSED`."""
    return {cell: SUPPRESSED if cell in withheld else value for cell, value in counts.items()}
