"""The shared fault rates of the local HTTPS fakes (:class:`kentei_local.mtls_server.
FaultRates`: the registry, Mynaportal and e-Gov): each kind drawn at its share, shares that
cannot add up refused."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from kentei_local.mtls_server import FaultRates, fault_kind

DRAWS = 20_000


def test_given_shares_of_each_kind_then_each_is_drawn_at_its_share() -> None:
    rates = FaultRates(unavailable=0.04, throttled=0.03, slow=0.01, reset=0.02, lost=0.02)
    rng = random.Random(5)

    drawn = Counter(
        "none" if fault is None else fault_kind(fault)
        for fault in (rates.draw(rng) for _ in range(DRAWS))
    )

    expected = {"failing": 0.04, "throttled": 0.03, "slow": 0.01, "reset": 0.02, "lost": 0.02}
    for kind, share in expected.items():
        assert drawn[kind] == pytest.approx(share * DRAWS, rel=0.15), kind
    assert drawn["none"] == pytest.approx(0.88 * DRAWS, rel=0.02)


def test_given_no_shares_then_nothing_fails() -> None:
    rng = random.Random(5)
    assert {FaultRates().draw(rng) for _ in range(1000)} == {None}


def test_given_shares_adding_up_to_more_than_all_then_refused() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        FaultRates(unavailable=0.5, reset=0.3, lost=0.3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultRates(lost=-0.1)
