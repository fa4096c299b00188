"""The fake national server's random faults (:class:`kentei_local.fake_national_server.
NationalFaults`): each kind drawn at its share, shares that cannot add up refused, and each
fault counted under the kind it is."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from kentei_local.fake_national_server import Fault, NationalFaults, fault_kind

DRAWS = 20_000


def test_given_shares_of_each_kind_then_each_is_drawn_at_its_share() -> None:
    faults = NationalFaults(failing=0.06, reset=0.02, lost=0.02, throttled=0.03, slow=0.01)
    rng = random.Random(5)

    drawn = Counter(
        "none" if fault is None else fault_kind(fault)
        for fault in (faults.draw(rng) for _ in range(DRAWS))
    )

    expected = {"failing": 0.06, "reset": 0.02, "lost": 0.02, "throttled": 0.03, "slow": 0.01}
    for kind, share in expected.items():
        assert drawn[kind] == pytest.approx(share * DRAWS, rel=0.15), kind
    assert drawn["none"] == pytest.approx(0.86 * DRAWS, rel=0.02)


def test_given_shares_adding_up_to_more_than_all_then_refused() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        NationalFaults(failing=0.5, reset=0.3, lost=0.3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        NationalFaults(lost=-0.1)


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
