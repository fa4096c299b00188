"""A round's table: counts by work, grade and result, a total row, small cells withheld,
and nothing in it but codes and counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kentei.results.decision import Result
from kentei.statistics.disclosure import DisclosureRule, disclosure_rule
from kentei.statistics.round_table import (
    COLUMNS,
    Column,
    Group,
    Outcome,
    counts_of,
    lines_of,
    round_table,
)
from kentei.statistics.suppression import SUPPRESSED

GROUPS = (
    Group("0701", "070101", "1級"),
    Group("0701", "070101", "2級"),
    Group("0301", "030101", "2級"),
)
outcomes = st.lists(
    st.builds(Outcome, st.sampled_from(GROUPS), st.one_of(st.none(), st.sampled_from(Result))),
    max_size=120,
)


@given(outcomes, st.integers(2, 10))
def test_given_any_round_when_tabled_then_no_published_cell_is_below_k(
    given_outcomes: list[Outcome], k: int
) -> None:
    table = round_table(given_outcomes, k)
    for row in table.rows:
        for value in row.cells.values():
            assert value == SUPPRESSED or (isinstance(value, int) and value >= k)


@given(outcomes, st.integers(2, 10))
def test_given_any_round_when_tabled_then_published_cells_are_the_true_counts(
    given_outcomes: list[Outcome], k: int
) -> None:
    counts = counts_of(given_outcomes)
    table = round_table(given_outcomes, k)
    assert table.rows[-1].group is None
    for row in table.rows:
        for column, value in row.cells.items():
            assert value == SUPPRESSED or value == counts[row.group, column]
    assert counts[None, Column.APPLICANTS] == len(given_outcomes)
    decided = sum(o.result is not None for o in given_outcomes)
    assert counts[None, Column.EXAMINEES] == decided


@given(outcomes, st.integers(2, 10))
def test_given_any_round_when_tabled_then_no_withheld_cell_is_alone_in_a_row_or_column(
    given_outcomes: list[Outcome], k: int
) -> None:
    table = round_table(given_outcomes, k)
    withheld = {
        (row.group, column)
        for row in table.rows
        for column, value in row.cells.items()
        if value == SUPPRESSED
    }
    groups = [row.group for row in table.rows if row.group is not None]
    for line in lines_of(groups):
        assert sum(cell in withheld for cell in line.cells) != 1


def test_given_a_round_when_tabled_then_rows_are_codes_in_order_and_the_total_last() -> None:
    given_outcomes = [Outcome(GROUPS[0], Result.PASS)] * 6 + [Outcome(GROUPS[2], Result.FAIL)] * 7
    table = round_table(given_outcomes, 5)
    assert [row.group for row in table.rows] == [GROUPS[2], GROUPS[0], None]
    assert all(tuple(row.cells) == COLUMNS for row in table.rows)
    assert table.rows[-1].cells[Column.APPLICANTS] == 13


def test_given_the_shipped_rule_then_k_is_five_unless_a_prefecture_is_stricter() -> None:
    assert disclosure_rule().minimum_cell("13") == 5
    stricter = DisclosureRule(default_minimum_cell=5, prefectures={"27": 10}, source="rule")
    assert stricter.minimum_cell("27") == 10
    assert stricter.minimum_cell("13") == 5


def test_given_a_prefecture_looser_than_the_default_then_the_rule_is_refused() -> None:
    with pytest.raises(ValidationError, match="never below"):
        DisclosureRule(default_minimum_cell=5, prefectures={"27": 3}, source="rule")
