"""Backoff: exponential bounds, full jitter, Retry-After within the cap, bounded attempts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kentei.registry.backoff import Backoff


def test_given_failed_attempts_then_the_bound_doubles_up_to_the_cap() -> None:
    backoff = Backoff(max_attempts=6, base_s=0.2, cap_s=2.0, uniform=lambda low, high: high)

    assert [backoff.delay_s(n) for n in range(1, 6)] == [0.2, 0.4, 0.8, 1.6, 2.0]


def test_given_the_last_attempt_then_no_more_delay() -> None:
    assert Backoff(max_attempts=3).delay_s(3) is None
    assert Backoff(max_attempts=1).delay_s(1) is None


@settings(max_examples=100, database=None)
@given(st.integers(min_value=1, max_value=9))
def test_given_random_jitter_then_each_delay_is_within_zero_and_the_bound(attempt: int) -> None:
    backoff = Backoff(max_attempts=10, base_s=0.1, cap_s=1.0)
    delay = backoff.delay_s(attempt)

    assert delay is not None
    assert 0 <= delay <= min(1.0, 0.1 * 2 ** (attempt - 1))


def test_given_retry_after_then_it_is_honoured_within_the_cap_and_gives_up_beyond() -> None:
    backoff = Backoff(max_attempts=3, base_s=0.2, cap_s=2.0)

    assert backoff.delay_s(1, retry_after_s=1.5) == 1.5
    assert backoff.delay_s(1, retry_after_s=30) is None


@pytest.mark.parametrize(
    "arguments", [{"max_attempts": 0}, {"base_s": -1.0}, {"base_s": 3.0, "cap_s": 2.0}]
)
def test_given_nonsense_parameters_then_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="attempt"):
        Backoff(**arguments)  # type: ignore[arg-type]
