"""A client-side rate limit: a token bucket that paces calls to the national system.

The bucket holds up to ``burst`` tokens and gains ``rate_per_s`` a second; a call takes one,
waiting for it when none is left. Waiting is a reservation (the count may go below zero), so
callers in several threads are paced in the order they asked, never all at once when a token
comes back. A call that would wait longer than it may is refused without taking a token: the
caller gives the message back to its queue instead of holding a Lambda invocation.

The bucket lives in the adapter, so each Lambda container paces itself: set ``rate_per_s`` to
the national side's limit divided by sync's reserved concurrency.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    def __init__(
        self,
        rate_per_s: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("the rate must be positive and the burst at least 1")
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def reserve(self, max_wait_s: float) -> float | None:
        """Take a token and answer how long to wait before using it (0: at once), or None
        (nothing taken) when that would be longer than ``max_wait_s``."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate_per_s)
            self._updated = now
            wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate_per_s
            if wait > max_wait_s:
                return None
            self._tokens -= 1
            return wait

    def take(self, max_wait_s: float) -> float | None:
        """Take a token, sleeping until it may be used; the time slept, or None (nothing
        taken, no sleep) when that would be longer than ``max_wait_s``."""
        wait = self.reserve(max_wait_s)
        if wait:
            self._sleep(wait)
        return wait

    def wait_for_one_s(self) -> float:
        """How long until a token would be free, without taking one."""
        with self._lock:
            elapsed = max(0.0, self._clock() - self._updated)
            tokens = min(float(self.burst), self._tokens + elapsed * self.rate_per_s)
            return 0.0 if tokens >= 1 else (1 - tokens) / self.rate_per_s
