"""What intake keeps across invocations of one container, named for :mod:`kentei.snapstart`
(forgotten before a snapshot and after a restore) and the local runtime's fresh containers."""

from __future__ import annotations

from typing import Final

KEPT: Final = (
    # The composition root (ports, adapters, their clients).
    "intake.dependencies:reset",
    # Each idempotent route keeps its persistence layer, bound to the client of its time.
    "intake.exactly_once:_idempotent.cache_clear",
)
