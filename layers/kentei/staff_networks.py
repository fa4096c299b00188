"""Where a prefecture's staff may work from: its offices' terminal networks.

The staff API's web ACL admits the union of every prefecture's networks (a WAF IP set cannot
tell prefectures apart), so a user of 13 at 27's office would pass it. The API function then
checks the caller's own prefecture: a staff request whose source address is in none of its
prefecture's networks is refused (``403``) and the refusal audited. The networks come from
the same deployment setting as the web ACL (``kentei:staffAllowedCidrs``), passed to the
function as ``KENTEI_STAFF_NETWORKS`` (JSON: prefecture code → CIDRs). Without it nobody is
admitted, as the web ACL admits nobody.

Pure, except :func:`configured`, which reads the setting once per container.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from functools import cache
from typing import Final

STAFF_NETWORKS_ENV: Final = "KENTEI_STAFF_NETWORKS"

Networks = Mapping[str, tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]


class StaffNetworksError(ValueError):
    """The setting is not an object of prefecture codes to lists of CIDRs."""


def parse(setting: str) -> Networks:
    try:
        raw = json.loads(setting) if setting.strip() else {}
    except json.JSONDecodeError:
        raise StaffNetworksError(f"{STAFF_NETWORKS_ENV} is not JSON") from None
    if not isinstance(raw, dict):
        raise StaffNetworksError(f"{STAFF_NETWORKS_ENV} is not an object")
    networks = {}
    for prefecture, cidrs in raw.items():
        if not isinstance(cidrs, list):
            raise StaffNetworksError(f"{STAFF_NETWORKS_ENV}[{prefecture}] is not a list")
        try:
            networks[str(prefecture)] = tuple(ipaddress.ip_network(str(c)) for c in cidrs)
        except ValueError:
            raise StaffNetworksError(
                f"{STAFF_NETWORKS_ENV}[{prefecture}] holds a non-CIDR"
            ) from None
    return networks


def setting(by_prefecture: Mapping[str, tuple[str, ...] | list[str]]) -> str:
    """The value of :data:`STAFF_NETWORKS_ENV` for these networks."""
    return json.dumps({p: list(c) for p, c in sorted(by_prefecture.items())}, separators=(",", ":"))


def admits(networks: Networks, prefecture_code: str, source_ip: str | None) -> bool:
    """Whether ``source_ip`` is a terminal of one of ``prefecture_code``'s offices."""
    if source_ip is None:
        return False
    try:
        address = ipaddress.ip_address(source_ip)
    except ValueError:
        return False
    return any(address in network for network in networks.get(prefecture_code, ()))


@cache
def configured() -> Networks:
    """The function's setting (absent: no network, nobody admitted)."""
    return parse(os.environ.get(STAFF_NETWORKS_ENV, ""))
