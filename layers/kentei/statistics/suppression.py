"""Small-cell suppression (秘匿処理) of a table of counts before it is released.

A table is a set of cells, each a count of persons, and the additive relations its readers
know (:class:`Line`: a total and the parts it is the sum of: a row's total, a column's total).
:func:`suppress` chooses the cells to withhold:

- primary: every cell below ``k`` (zero too: a published zero beside a small total says what
  every one of those few persons got);
- complementary (secondary): while a line has exactly one withheld cell (its value is the
  line's published cells subtracted from each other), or its total is published and its
  withheld parts add up to less than ``k`` (counts are never negative, so each of them would
  be known to be that small: a published total beside withheld zeros says they are zeros),
  the line's smallest published part (else its total) is withheld too.

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


def suppress(counts: Mapping[Cell, int], lines: Iterable[Line[Cell]], k: int) -> frozenset[Cell]:
    """The cells of ``counts`` to withhold so that none below ``k`` is published, no line
    has exactly one withheld cell, and no published total leaves less than ``k`` to its
    withheld parts. ``ValueError`` for a ``k`` below 1, a negative count, a line without
    parts, a line naming a cell with no count, or one whose parts do not sum to its total."""
    if k < 1:
        raise ValueError("the minimum cell size is at least 1")
    if any(value < 0 for value in counts.values()):
        raise ValueError("a count is never negative")
    relations = tuple(lines)
    for line in relations:
        if not line.parts:
            raise ValueError("a line has at least one part")
        if any(cell not in counts for cell in line.cells):
            raise ValueError("a line names a cell the table does not have")
        if sum(counts[part] for part in line.parts) != counts[line.total]:
            raise ValueError("a line's parts do not sum to its total")
    withheld = {cell for cell, value in counts.items() if value < k}
    changed = True
    while changed:
        changed = False
        for line in relations:
            if _exposed(line, counts, withheld, k):
                withheld.add(_complement(line, counts, withheld))
                changed = True
    return frozenset(withheld)


def _exposed(line: Line[Cell], counts: Mapping[Cell, int], withheld: set[Cell], k: int) -> bool:
    """Whether the line tells too much of its withheld cells."""
    hidden = [cell for cell in line.cells if cell in withheld]
    if len(hidden) == 1:
        return True
    if line.total in withheld:
        return False
    return len(hidden) > 0 and sum(counts[cell] for cell in hidden) < k


def _complement(line: Line[Cell], counts: Mapping[Cell, int], withheld: set[Cell]) -> Cell:
    """The line's published cell to withhold with its one withheld cell: its smallest
    published part, else its total (ties by the parts' order, so every run chooses alike)."""
    published = [cell for cell in line.cells if cell not in withheld]
    order = {cell: index for index, cell in enumerate(line.cells)}
    return min(
        published,
        key=lambda cell: (cell == line.total, counts[cell], order[cell]),
    )


def published(counts: Mapping[Cell, int], withheld: frozenset[Cell]) -> dict[Cell, int | str]:
    """Each cell's published value: its count, or :data:`SUPPRESSED`."""
    return {cell: SUPPRESSED if cell in withheld else value for cell, value in counts.items()}
