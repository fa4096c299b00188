"""Random status indices: uniform, never given twice, and a new list once half are used."""

from __future__ import annotations

import random
import secrets
import threading

import pytest

from kentei.credentials.allocator import InMemoryStatusIndexAllocator
from kentei.credentials.bitstring import MIN_ENTRIES


class Seeded(secrets.SystemRandom):
    """A reproducible generator with SystemRandom's interface (tests only)."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self._random = random.Random(seed)

    def random(self) -> float:
        return self._random.random()

    def getrandbits(self, k: int) -> int:
        return self._random.getrandbits(k)


def test_indices_are_drawn_from_the_whole_list_and_never_twice() -> None:
    allocator = InMemoryStatusIndexAllocator()
    slots = [allocator.allocate() for _ in range(2000)]
    assert len(set(slots)) == 2000
    assert {slot.list_number for slot in slots} == {1}
    indices = sorted(slot.index for slot in slots)
    # Spread over the list, not packed at its start: both halves are used about equally.
    low = sum(1 for index in indices if index < MIN_ENTRIES // 2)
    assert 800 < low < 1200
    assert indices != list(range(indices[0], indices[0] + 2000))


def test_the_next_list_opens_when_half_of_the_entries_are_used() -> None:
    allocator = InMemoryStatusIndexAllocator(16, generator=Seeded(7))
    first = [allocator.allocate() for _ in range(8)]
    assert {slot.list_number for slot in first} == {1}
    assert len({slot.index for slot in first}) == 8
    assert allocator.allocate().list_number == 2


def test_concurrent_allocations_never_collide() -> None:
    allocator = InMemoryStatusIndexAllocator()
    found: list[object] = []
    lock = threading.Lock()

    def take() -> None:
        slots = [allocator.allocate() for _ in range(250)]
        with lock:
            found.extend(slots)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == len(set(found)) == 2000


def test_a_fill_limit_over_half_is_refused() -> None:
    with pytest.raises(ValueError, match="fill limit"):
        InMemoryStatusIndexAllocator(fill_limit=0.9)
