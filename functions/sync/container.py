"""What sync keeps across invocations of one container, named for :mod:`kentei.snapstart`
(forgotten before a snapshot and after a restore) and the local runtime's fresh containers."""

from __future__ import annotations

from typing import Final

KEPT: Final = (
    "sync.dependencies:dependencies.cache_clear",
    # The adapter to the national system (its connection pool, rate limit and circuit).
    "sync.national_ports:national_system.cache_clear",
)
