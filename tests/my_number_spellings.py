"""Hypothesis strategies for valid My Numbers as people write them: any Unicode decimal
digits, a separator between groups. One definition for every test of the one detector."""

from __future__ import annotations

from hypothesis import strategies as st

from kentei import my_number


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    first = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=11, max_size=11)))
    return first + str(my_number.check_digit(first))


@st.composite
def spelled(
    draw: st.DrawFn,
    separators: tuple[str, ...],
    digit_sets: tuple[str, ...],
    *,
    any_groups: bool = False,
) -> str:
    """A valid My Number in groups (4-4-4, or cut anywhere with ``any_groups``), digits of
    one of ``digit_sets``, one of ``separators`` between the groups."""
    number = draw(valid_numbers())
    digits = draw(st.sampled_from(digit_sets))
    separator = draw(st.sampled_from(separators))
    cuts = sorted(draw(st.sets(st.integers(1, 11), max_size=3))) if any_groups else [4, 8]
    groups = [number[a:b] for a, b in zip([0, *cuts], [*cuts, 12], strict=True)]
    return separator.join(g.translate(str.maketrans("0123456789", digits)) for g in groups)
