"""What certify keeps across invocations of one container, named for :mod:`kentei.snapstart`
(forgotten before a snapshot and after a restore) and the local runtime's fresh containers."""

from __future__ import annotations

from typing import Final

KEPT: Final = (
    "certify.dependencies:dependencies.cache_clear",
    "certify.dependencies:notice_dependencies.cache_clear",
    "certify.dependencies:renewal_dependencies.cache_clear",
    # The signing key (its public half) and chain, read through the clients of their time.
    "certify.certificate_ports:_key_ring.cache_clear",
    "certify.certificate_ports:_chain.cache_clear",
)
