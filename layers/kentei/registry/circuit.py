"""A circuit breaker: stop calling a link that keeps failing, then try it again after a pause.

Closed: calls go through; ``failure_threshold`` consecutive failures open the circuit. Open:
calls are refused at once, without touching the network, for ``cool_down_s``. Half-open: after
the cool-down, one trial call goes through (others are still refused); its success closes the
circuit, its failure opens it for another cool-down.

State lives in the instance, so a Lambda container keeps it across invocations; each container
has its own (verify's reserved concurrency bounds how many probe a failing link at once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitOpenError(RuntimeError):
    """The circuit is open: the call was refused without being attempted."""


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 5,
        cool_down_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or cool_down_s < 0:
            raise ValueError("the threshold must be at least 1 and the cool-down not negative")
        self.failure_threshold = failure_threshold
        self.cool_down_s = cool_down_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> CircuitState:
        with self._lock:
            return self._state()

    def acquire(self) -> None:
        """Permission for one call; raises :class:`CircuitOpenError` when refused.

        Every permitted call must end in :meth:`record_success` or :meth:`record_failure`.
        """
        with self._lock:
            state = self._state()
            if state is CircuitState.CLOSED:
                return
            if state is CircuitState.HALF_OPEN and not self._trial_running:
                self._trial_running = True
                return
            raise CircuitOpenError("the circuit is open: the call was not attempted")

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
            self._trial_running = False

    def _state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._trial_running or self._clock() - self._opened_at >= self.cool_down_s:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN
