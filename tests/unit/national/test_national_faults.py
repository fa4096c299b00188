"""The random faults of the local HTTPS fakes: the national server's
(:class:`kentei_local.fake_national_server.NationalFaults`) and the shared rates of the
registry, Mynaportal and e-Gov fakes (:class:`kentei_local.mtls_server.FaultRates`): each kind
drawn at its share, shares that cannot add up refused, and each fault counted under the kind
it is."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from kentei_local.fake_national_server import Fault, NationalFaults, fault_kind
from kentei_local.mtls_server import FaultRates

DRAWS = 20_000


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        (
            NationalFaults(failing=0.06, reset=0.02, lost=0.02, throttled=0.03, slow=0.01),
            {"failing": 0.06, "reset": 0.02, "lost": 0.02, "throttled": 0.03, "slow": 0.01},
        ),
        (
            FaultRates(unavailable=0.06, throttled=0.03, slow=0.01, reset=0.02, lost=0.02),
            {"failing": 0.06, "throttled": 0.03, "slow": 0.01, "reset": 0.02, "lost": 0.02},
        ),
    ],
    ids=["national", "links"],
)
def test_given_shares_of_each_kind_then_each_is_drawn_at_its_share(
    rates: NationalFaults | FaultRates, expected: dict[str, float]
) -> None:
    rng = random.Random(5)

    drawn = Counter(
        "none" if fault is None else fault_kind(fault)
        for fault in (rates.draw(rng) for _ in range(DRAWS))
    )

    for kind, share in expected.items():
        assert drawn[kind] == pytest.approx(share * DRAWS, rel=0.15), kind
    assert drawn["none"] == pytest.approx(0.86 * DRAWS, rel=0.02)
    no_shares = type(rates)()
    assert {no_shares.draw(rng) for _ in range(100)} == {None}


def test_given_shares_adding_up_to_more_than_all_then_refused() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        NationalFaults(failing=0.5, reset=0.3, lost=0.3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        NationalFaults(lost=-0.1)
    with pytest.raises(ValueError, match="add up to 1"):
        FaultRates(unavailable=0.5, reset=0.3, lost=0.3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultRates(lost=-0.1)


def test_the_settings_travel_as_json_and_unknown_ones_are_refused() -> None:
    assert NationalFaults.from_json({"reset": 0.1, "lost": 0.05}) == NationalFaults(
        reset=0.1, lost=0.05
    )
    with pytest.raises(ValueError, match="unknown fault settings"):
        NationalFaults.from_json({"dropped": 0.1})


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (Fault.unavailable(503), "failing"),
        (Fault.unavailable(500), "failing"),
        (Fault.unavailable(429, retry_after="1"), "throttled"),
        (Fault.reset(), "reset"),
        (Fault.lost(), "lost"),
        (Fault.malformed(), "malformed"),
        (Fault.slow(0.5), "slow"),
    ],
)
def test_each_fault_is_counted_under_what_it_does(fault: Fault, kind: str) -> None:
    assert fault_kind(fault) == kind
