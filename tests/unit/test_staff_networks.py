"""A staff user is admitted only from their own prefecture's office networks."""

from __future__ import annotations

import pytest

from kentei import staff_networks
from kentei.staff_networks import StaffNetworksError, admits, parse, setting

NETWORKS = parse(
    setting({"13": ["198.51.100.0/24"], "27": ["203.0.113.16/28", "2001:db8:27::/48"]})
)


@pytest.mark.parametrize(
    ("prefecture", "address", "admitted"),
    [
        ("13", "198.51.100.7", True),
        ("13", "203.0.113.17", False),  # 27's office: the web ACL lets it through, not this
        ("27", "203.0.113.17", True),
        ("27", "2001:db8:27::5", True),
        ("27", "2001:db8:28::5", False),
        ("01", "198.51.100.7", False),  # a prefecture without networks: nobody
        ("13", None, False),
        ("13", "not-an-address", False),
    ],
)
def test_only_the_callers_own_prefectures_networks_admit(
    prefecture: str, address: str | None, admitted: bool
) -> None:
    assert admits(NETWORKS, prefecture, address) is admitted


def test_without_the_setting_nobody_is_admitted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(staff_networks.STAFF_NETWORKS_ENV, raising=False)
    staff_networks.configured.cache_clear()
    try:
        assert staff_networks.configured() == {}
        assert not admits(staff_networks.configured(), "13", "127.0.0.1")
    finally:
        staff_networks.configured.cache_clear()


@pytest.mark.parametrize("bad", ["[", "[]", '{"13": "198.51.100.0/24"}', '{"13": ["x"]}'])
def test_a_wrong_setting_is_refused(bad: str) -> None:
    with pytest.raises(StaffNetworksError):
        parse(bad)
