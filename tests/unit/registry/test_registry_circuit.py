"""The circuit breaker's states, on an injected clock."""

from __future__ import annotations

import pytest

from kentei.registry.circuit import CircuitBreaker, CircuitOpenError, CircuitState


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def state_of(breaker: CircuitBreaker) -> CircuitState:
    return breaker.state


def failing(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.acquire()
        breaker.record_failure()


def test_given_fewer_consecutive_failures_than_the_threshold_then_it_stays_closed() -> None:
    breaker = CircuitBreaker(failure_threshold=3, cool_down_s=10, clock=Clock())
    failing(breaker, 2)
    breaker.acquire()
    breaker.record_success()
    failing(breaker, 2)

    assert state_of(breaker) is CircuitState.CLOSED


def test_given_threshold_failures_then_open_and_calls_refused_until_the_cool_down() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, cool_down_s=10, clock=clock)
    failing(breaker, 3)

    assert state_of(breaker) is CircuitState.OPEN
    clock.now = 9.9
    with pytest.raises(CircuitOpenError):
        breaker.acquire()
    clock.now = 10
    assert state_of(breaker) is CircuitState.HALF_OPEN


def test_given_half_open_then_one_trial_only_and_its_success_closes() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, cool_down_s=5, clock=clock)
    failing(breaker, 1)
    clock.now = 5

    breaker.acquire()
    with pytest.raises(CircuitOpenError):
        breaker.acquire()
    breaker.record_success()

    assert state_of(breaker) is CircuitState.CLOSED
    breaker.acquire()


def test_given_half_open_when_the_trial_fails_then_open_for_another_cool_down() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=2, cool_down_s=5, clock=clock)
    failing(breaker, 2)
    clock.now = 5
    failing(breaker, 1)

    assert state_of(breaker) is CircuitState.OPEN
    clock.now = 9.9
    assert state_of(breaker) is CircuitState.OPEN
    clock.now = 10
    assert state_of(breaker) is CircuitState.HALF_OPEN


@pytest.mark.parametrize(("threshold", "cool_down"), [(0, 1.0), (1, -1.0)])
def test_given_nonsense_parameters_then_refused(threshold: int, cool_down: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        CircuitBreaker(threshold, cool_down)
