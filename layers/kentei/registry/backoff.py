"""Retry timing: bounded attempts, exponential backoff with full jitter.

Full jitter (a uniform delay between 0 and the exponential bound) spreads the retries of many
Lambda containers that failed together, so they do not hit the recovering link in step.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    max_attempts: int = 3
    """Attempts in all, the first included."""
    base_s: float = 0.2
    cap_s: float = 2.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    uniform: Callable[[float, float], float] = field(default=random.uniform, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_s < 0 or self.cap_s < self.base_s:
            raise ValueError("need at least one attempt and 0 <= base <= cap")

    def delay_s(self, attempt: int, retry_after_s: float | None = None) -> float | None:
        """The pause after failed attempt ``attempt`` (1-based), or None to give up.

        It gives up after the last attempt, and when the server asks (``Retry-After``) for a
        longer pause than the cap: the message goes back to the queue instead of holding a
        Lambda invocation, and is retried after its visibility timeout.
        """
        if attempt >= self.max_attempts:
            return None
        if retry_after_s is not None:
            return retry_after_s if 0 <= retry_after_s <= self.cap_s else None
        return self.uniform(0.0, min(self.cap_s, self.base_s * 2 ** (attempt - 1)))
