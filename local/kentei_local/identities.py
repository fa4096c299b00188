"""Who calls the local runtime, and how the gateway says so to the function.

The function reads its caller only from the request context API Gateway builds
(:mod:`kentei.callers`): an ID token's claims for staff, a verified client certificate for
a bridge. Until the local runtime verifies real tokens and certificates, its gateway takes
the local-only header :data:`LOCAL_HEADER` (``bridge:<channel>`` or
``staff:<prefecture>:<user>[:<role>,<role>...]``) and builds that same context from it; the
header itself never reaches the function. Staff named without roles are a ``clerk`` and a
``reviewer`` (what staff did before roles existed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from kentei.callers import (
    BRIDGE_CLIENTS_ENV,
    CHANNELS,
    GROUPS_CLAIM,
    PREFECTURE_CLAIM,
    USERNAME_CLAIM,
    Role,
)

LOCAL_HEADER: Final = "X-Kentei-Local-Caller"
DEFAULT_ROLES: Final = (Role.CLERK, Role.REVIEWER)
BRIDGE_ISSUER: Final = "CN=kentei local bridge CA,O=kentei local"
_PATTERN: Final = re.compile(
    r"^(?:bridge:(?P<bridge>[a-z]+)"
    r"|staff:(?P<prefecture>0[1-9]|[1-3][0-9]|4[0-7]):(?P<user>[A-Za-z0-9._@+-]{1,64})"
    r"(?::(?P<roles>[a-z_,]+))?)$"
)


def bridge_subject(channel: str) -> str:
    return f"CN=kentei-local-{channel}-bridge,O=kentei local"


def bridge_clients_setting() -> dict[str, str]:
    """The handler setting that maps the local bridges' certificates to their channels."""
    table = [
        {"channel": channel, "subject": bridge_subject(channel), "issuer": BRIDGE_ISSUER}
        for channel in sorted(CHANNELS)
    ]
    return {BRIDGE_CLIENTS_ENV: json.dumps(table)}


def caller_context(headers: Mapping[str, str]) -> dict[str, Any]:
    """What API Gateway's authorizer (claims) or mutual TLS (clientCert) would put in the
    request context for the caller the local header names; empty for none or a bad one."""
    value = next((v for k, v in headers.items() if k.lower() == LOCAL_HEADER.lower()), None)
    match = _PATTERN.fullmatch(value.strip()) if value else None
    if match is None:
        return {}
    if match["bridge"]:
        if match["bridge"] not in CHANNELS:
            return {}
        return {
            "clientCert": {
                "subjectDN": bridge_subject(match["bridge"]),
                "issuerDN": BRIDGE_ISSUER,
                "serialNumber": "local",
                "validity": {},
            }
        }
    roles = match["roles"].split(",") if match["roles"] else [r.value for r in DEFAULT_ROLES]
    return {
        "claims": {
            "token_use": "id",
            USERNAME_CLAIM: match["user"],
            PREFECTURE_CLAIM: match["prefecture"],
            GROUPS_CLAIM: ",".join(roles),
        }
    }


def without_local_header(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() != LOCAL_HEADER.lower()]
