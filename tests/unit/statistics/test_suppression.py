"""Small-cell suppression: no published cell below k, the published totals add up, and no
withheld cell is the only one of its row or column (so none is recovered by subtraction)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentei.statistics.suppression import SUPPRESSED, Line, published, suppress

Cell = tuple[int, int]


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[Cell, int], list[Line[Cell]], int]:
    """A matrix with its row totals (last column), column totals (last row) and grand total,
    the lines a reader can add up, and a k."""
    rows = draw(st.integers(1, 5))
    columns = draw(st.integers(1, 5))
    counts: dict[Cell, int] = {
        (r, c): draw(st.integers(0, 40)) for r in range(rows) for c in range(columns)
    }
    for r in range(rows):
        counts[r, columns] = sum(counts[r, c] for c in range(columns))
    for c in range(columns + 1):
        counts[rows, c] = sum(counts[r, c] for r in range(rows))
    lines = [Line((r, columns), tuple((r, c) for c in range(columns))) for r in range(rows + 1)]
    lines += [Line((rows, c), tuple((r, c) for r in range(rows))) for c in range(columns + 1)]
    return counts, lines, draw(st.integers(1, 12))


@given(tables())
def test_given_any_table_when_suppressed_then_no_published_cell_is_below_k(
    table: tuple[dict[Cell, int], list[Line[Cell]], int],
) -> None:
    counts, lines, k = table
    values = published(counts, suppress(counts, lines, k))
    assert all(v == SUPPRESSED or (isinstance(v, int) and v >= k) for v in values.values())


@given(tables())
def test_given_any_table_when_suppressed_then_no_line_has_exactly_one_withheld_cell(
    table: tuple[dict[Cell, int], list[Line[Cell]], int],
) -> None:
    counts, lines, k = table
    withheld = suppress(counts, lines, k)
    for line in lines:
        hidden = [cell for cell in line.cells if cell in withheld]
        assert len(hidden) != 1, f"{hidden[0]} is its line's total minus the rest"


@given(tables())
def test_given_any_table_when_suppressed_then_published_values_are_the_counts_and_add_up(
    table: tuple[dict[Cell, int], list[Line[Cell]], int],
) -> None:
    counts, lines, k = table
    values = published(counts, suppress(counts, lines, k))
    assert {cell for cell, v in values.items() if v != SUPPRESSED} <= set(counts)
    for cell, value in values.items():
        assert value == SUPPRESSED or value == counts[cell]
    for line in lines:
        shown = [values[cell] for cell in line.cells]
        if SUPPRESSED not in shown:
            assert sum(values[p] for p in line.parts) == values[line.total]  # type: ignore[misc]


@given(tables())
def test_given_a_published_total_when_its_parts_are_withheld_then_they_hold_at_least_k(
    table: tuple[dict[Cell, int], list[Line[Cell]], int],
) -> None:
    """Subtraction gives a line's withheld parts only together, and that sum is never below
    k: counts are not negative, so a smaller sum would bound each of them (zeros, as zeros)."""
    counts, lines, k = table
    withheld = suppress(counts, lines, k)
    for line in lines:
        hidden = [cell for cell in line.parts if cell in withheld]
        if hidden and line.total not in withheld:
            assert sum(counts[cell] for cell in hidden) >= k


@given(tables())
def test_given_a_table_with_every_cell_at_least_k_when_suppressed_then_nothing_is_withheld(
    table: tuple[dict[Cell, int], list[Line[Cell]], int],
) -> None:
    counts, lines, _ = table
    smallest = min(counts.values())
    assert suppress(counts, lines, max(1, smallest)) == frozenset() or smallest == 0


def test_given_one_small_cell_when_suppressed_then_the_smallest_other_part_goes_with_it() -> None:
    counts = {"a": 3, "b": 9, "c": 7, "total": 19}
    line = Line("total", ("a", "b", "c"))
    assert suppress(counts, [line], 5) == {"a", "c"}


def test_given_a_line_of_one_part_when_the_part_is_small_then_its_total_is_withheld_too() -> None:
    counts = {"a": 2, "total": 2}
    assert suppress(counts, [Line("total", ("a",))], 5) == {"a", "total"}


def test_given_a_zero_when_suppressed_then_it_is_withheld_like_any_small_cell() -> None:
    counts = {"passed": 0, "failed": 6, "total": 6}
    assert suppress(counts, [Line("total", ("passed", "failed"))], 5) == {"passed", "failed"}


def test_given_withheld_zeros_beside_a_published_total_then_a_part_of_size_goes_with_them() -> None:
    """Two zeros withheld beside a published total would still say "nobody": a part is
    withheld with them until what is withheld holds k persons."""
    counts = {"pass": 10, "part_pass": 0, "held": 0, "total": 10}
    withheld = suppress(counts, [Line("total", ("pass", "part_pass", "held"))], 5)
    assert withheld == {"pass", "part_pass", "held"}


@pytest.mark.parametrize(
    ("counts", "k", "message"),
    [
        ({"a": 1, "total": 1}, 0, "at least 1"),
        ({"a": -1, "total": -1}, 5, "never negative"),
        ({"a": 1, "total": 2}, 5, "do not sum"),
        ({"a": 1}, 5, "does not have"),
        ({"total": 0}, 5, "at least one part"),
    ],
)
def test_given_a_bad_table_or_k_when_suppressed_then_it_is_refused(
    counts: dict[str, int], k: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        suppress(counts, [Line("total", ("a",) if "a" in counts else ())], k)
