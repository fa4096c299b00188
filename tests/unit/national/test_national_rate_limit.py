"""The client-side token bucket: a burst at once, then the rate; a wait too long is refused
without taking a token."""

from __future__ import annotations

import threading

import pytest

from kentei.national.rate_limit import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_burst_goes_at_once_then_calls_are_paced_at_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(4.0, burst=2, clock=clock, sleep=clock.sleep)

    waits = [bucket.take(max_wait_s=10) for _ in range(5)]

    assert waits == [0.0, 0.0, 0.25, 0.25, 0.25]
    assert clock.now == pytest.approx(100.75)


def test_a_quiet_spell_refills_up_to_the_burst_only() -> None:
    clock = Clock()
    bucket = TokenBucket(2.0, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        bucket.take(max_wait_s=0)
    clock.now += 60

    assert [bucket.take(max_wait_s=10) for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]


def test_a_wait_longer_than_allowed_is_refused_and_takes_nothing() -> None:
    clock = Clock()
    bucket = TokenBucket(1.0, burst=1, clock=clock, sleep=clock.sleep)
    assert bucket.take(max_wait_s=0) == 0.0

    assert bucket.take(max_wait_s=0.5) is None
    assert clock.slept == []
    assert bucket.wait_for_one_s() == pytest.approx(1.0)
    assert bucket.take(max_wait_s=1.0) == pytest.approx(1.0)


def test_waiting_callers_in_threads_are_paced_by_reservation() -> None:
    clock = Clock()
    lock = threading.Lock()
    bucket = TokenBucket(10.0, burst=1, clock=clock, sleep=lambda s: None)
    waits: list[float] = []

    def call() -> None:
        wait = bucket.reserve(max_wait_s=10)
        assert wait is not None
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=call) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(waits) == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])


@pytest.mark.parametrize(("rate", "burst"), [(0.0, 1), (-1.0, 1), (1.0, 0)])
def test_a_bucket_needs_a_positive_rate_and_a_burst(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match="the rate must be positive"):
        TokenBucket(rate, burst)
