"""Random, never reused places in the status lists (the spec's "assign indexes randomly").

An index is drawn uniformly from the list's free entries with a cryptographic generator
(:mod:`secrets`), so neither its value nor its neighbours tell when a certificate was issued
or how many were. A list takes certificates until :data:`FILL_LIMIT` of its entries are used,
then the next list number opens: a random draw then needs two tries on average at most, and
each list keeps more than 65,000 certificates (the herd) behind it. An index is never given
twice, even after its certificate is revoked (its bit stays set).

:class:`StatusIndexAllocator` is the port; :class:`InMemoryStatusIndexAllocator` serves the
tests and the local demo. A stored allocator claims ``(list, index)`` with a conditional
write and draws again on a collision (:func:`draw_index`), as the in-memory one does.
"""

from __future__ import annotations

import secrets
import threading
from typing import Final, Protocol

from kentei.credentials.bitstring import MIN_ENTRIES
from kentei.credentials.status import StatusSlot

FILL_LIMIT: Final = 0.5
"""The share of a list's entries given out before the next list opens."""
MAX_DRAWS: Final = 64
"""Draws before giving up on a list: at half full, 64 collisions in a row happen with
probability 2^-64."""


class StatusIndexAllocator(Protocol):
    def allocate(self) -> StatusSlot:
        """A free, random place for a new certificate's status; never the same twice."""
        ...


class AllocationError(RuntimeError):
    """No free index could be drawn (a defect: the fill limit keeps lists half empty)."""


def draw_index(entries: int, generator: secrets.SystemRandom) -> int:
    """One uniformly random index of a list of ``entries``."""
    return generator.randrange(entries)


class InMemoryStatusIndexAllocator:
    """The allocator over a set in memory (tests, the local demo)."""

    def __init__(
        self,
        entries: int = MIN_ENTRIES,
        *,
        fill_limit: float = FILL_LIMIT,
        generator: secrets.SystemRandom | None = None,
    ) -> None:
        if not 0 < fill_limit <= FILL_LIMIT:
            raise ValueError(f"the fill limit is at most {FILL_LIMIT}")
        self._entries = entries
        self._capacity = max(1, int(entries * fill_limit))
        self._generator = generator or secrets.SystemRandom()
        self._lock = threading.Lock()
        self._list_number = 1
        self.used: dict[int, set[int]] = {1: set()}

    def allocate(self) -> StatusSlot:
        with self._lock:
            if len(self.used[self._list_number]) >= self._capacity:
                self._list_number += 1
                self.used[self._list_number] = set()
            taken = self.used[self._list_number]
            for _ in range(MAX_DRAWS):
                index = draw_index(self._entries, self._generator)
                if index not in taken:
                    taken.add(index)
                    return StatusSlot(self._list_number, index)
        raise AllocationError(f"no free index found in list {self._list_number}")
