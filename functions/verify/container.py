"""What verify keeps across invocations of one container, named for :mod:`kentei.snapstart`
(forgotten before a snapshot and after a restore) and the local runtime's fresh containers."""

from __future__ import annotations

from typing import Final

KEPT: Final = (
    # The composition roots: the trust store, the CRL cache, the registry adapter (its
    # connection pool and circuit), the vault, the release and disclosure ports.
    "verify.dependencies:reset",
)
