"""The import's directory of a round's registered sittings
(:class:`kentei.data.result_sittings.RosterSittings`) is compact: 100,000 sittings cost a
handful of shared facts values and one small entry each (~230 bytes), read in one pass."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator

import pytest
from tests.unit.sessions.factory import ROUND, sitting

from kentei.data.result_sittings import RosterSittings
from kentei.exams.catalogue import load_catalogue
from kentei.roster.parts import Part
from kentei.roster.sitting import Sitting

SITTINGS = 100_000
BOUND_BYTES = 40 * 1024 * 1024
"""Generous: about 22 MiB are measured (the exam numbers and application ids as strings, a
tuple and a dict entry each); keeping each sitting's own facts took ~600 MB."""


class _Roster:
    """A round's registered sittings made one at a time, as the query's pages would give them
    (the roster itself is not what is measured)."""

    def __init__(self) -> None:
        self.reads: list[str] = []
        self._kinds = (
            sitting(),
            sitting(parts=(Part.PRACTICAL,)),
            sitting(parts=(Part.WRITTEN,)),
        )

    def each_registered_in(self, round_key: str) -> Iterator[Sitting]:
        self.reads.append(round_key)
        if round_key != ROUND.key:
            return
        for n in range(SITTINGS):
            yield self._kinds[n % 3].model_copy(
                update={"exam_number": f"N{n:07d}", "application_id": f"13-{n:026d}"}
            )


@pytest.mark.slow
def test_a_hundred_thousand_sittings_cost_a_few_megabytes_and_one_read() -> None:
    roster = _Roster()
    directory = RosterSittings("13", load_catalogue(), roster=roster)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        first = directory.find(ROUND.key, "N0000000")
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    print(f"directory: {kept / 2**20:.1f} MiB for {SITTINGS} sittings")
    assert kept < BOUND_BYTES, f"{kept / 2**20:.1f} MiB for {SITTINGS} sittings"
    assert first is not None
    # every sitting of a kind shares one facts value; only the roster's one read
    assert directory.find(ROUND.key, f"N{SITTINGS - 1:07d}") is first
    assert directory.find(ROUND.key, "N0000001") is not first
    assert directory.application_of(ROUND.key, "N0000002") == f"13-{2:026d}"
    assert directory.find(ROUND.key, f"N{SITTINGS:07d}") is None
    assert directory.find("2027-前期", "N0000000") is None
    assert roster.reads == [ROUND.key, "2027-前期"]
