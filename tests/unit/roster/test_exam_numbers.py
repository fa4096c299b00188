"""Exam-number schemes: the shipped data is sound, a number follows its prefecture's pattern,
and a scheme that could give two sittings one number is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kentei.records.codes import Grade, Term
from kentei.roster.exam_numbers import ExamNumberSchemeError, Scheme, schemes
from kentei.roster.sitting import ExamRound

ROUND = ExamRound(fiscal_year=2026, term=Term.FIRST)


def test_the_shipped_schemes_validate_and_13_has_its_own() -> None:
    shipped = schemes()
    assert shipped.of("13").pattern.startswith("13")
    assert shipped.of("27") == shipped.of("default")


def test_a_number_follows_the_pattern() -> None:
    tokyo = schemes().of("13")
    assert tokyo.number(ROUND, "101", "1011", Grade.SECOND, 42) == "13261000042"
    default = schemes().of("27")
    assert default.number(ROUND, "101", "1011", Grade.SECOND, 42) == "2612-1011-00042"


@given(st.sets(st.integers(min_value=1, max_value=99_999), min_size=2, max_size=50))
def test_distinct_sequences_give_distinct_numbers(seqs: set[int]) -> None:
    scheme = schemes().of("27")
    numbers = {scheme.number(ROUND, "101", "1011", Grade.THIRD, s) for s in seqs}
    assert len(numbers) == len(seqs)


def test_a_full_round_is_refused_not_wrapped() -> None:
    with pytest.raises(ExamNumberSchemeError, match="full"):
        schemes().of("27").number(ROUND, "101", "1011", Grade.THIRD, 100_000)


@pytest.mark.parametrize(
    ("pattern", "scope", "problem"),
    [
        ("{fy2}{term}", "round", "sequence exactly once"),
        ("{seq}{seq}", "round", "sequence exactly once"),
        ("{fy2}{nope}{seq}", "round", "unknown tokens"),
        ("{fy2}{term}{seq}", "round-work-grade", "needs {work} and {grade}"),
        ("番号{seq}", "round", "ASCII"),
    ],
)
def test_an_unsound_scheme_is_refused(pattern: str, scope: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        Scheme.model_validate({"pattern": pattern, "sequence_width": 5, "sequence_scope": scope})


def test_the_counter_is_per_round_or_per_round_work_and_grade() -> None:
    per_round = Scheme(pattern="{seq}", sequence_width=5)
    per_work = Scheme.model_validate(
        {"pattern": "{work}{grade}{seq}", "sequence_width": 5, "sequence_scope": "round-work-grade"}
    )
    assert per_round.counter(ROUND, "1011", Grade.FIRST) == "2026-前期"
    assert per_work.counter(ROUND, "1011", Grade.FIRST) == "2026-前期#1011#1"


def test_a_number_that_reads_as_a_my_number_is_refused_and_the_next_sequence_drawn() -> None:
    """A 12-digit number (digits joined by separators count) whose check digit is right
    would read as a My Number: that sequence is skipped (a gap), never issued."""
    from tests.unit.review.factory import application, form

    from kentei.my_number import contains
    from kentei.roster.exam_numbers import LooksLikeMyNumberError
    from kentei.roster.registration import registration_of

    twelve = Scheme(pattern="{fy2}{term}{grade}-{work}-{seq}", sequence_width=5)
    readable = [
        seq
        for seq in range(1, 200)
        if contains(f"2612-101-{seq:05d}")  # 12 digits with a 3-digit work code
    ]
    assert readable, "some sequences give a check-digit-valid 12-digit number"
    with pytest.raises(LooksLikeMyNumberError):
        twelve.number(ROUND, "1", "101", Grade.SECOND, readable[0])

    accepted = application(form(work_code="101", grade="2級", fiscal_year=2026, term="前期"))
    accepted = accepted.model_copy(
        update={"qualification_pseudonym_id": "4qc7cvj3twxoaxwlxb7x4ahwb4"}
    )
    given = iter([readable[0], readable[0] + 1000])
    sitting = registration_of(accepted).drawn_sitting(
        twelve, lambda _counter: next(given), at=datetime(2026, 6, 1, tzinfo=UTC), by="staff:13:r"
    )
    assert not contains(sitting.exam_number)
    assert sitting.exam_number.endswith(f"{readable[0] + 1000:05d}")
