"""The local bridges' certificate names, and the callers' shorthand of the local tooling.

The function reads its caller only from the request context API Gateway builds
(:mod:`kentei.callers`): an ID token's claims for staff, a verified client certificate for
a bridge. The local gateway builds that context from what it verified itself: a Cognito ID
token on the staff port, the TLS client certificate on the bridge port
(:mod:`kentei_local.gateway`). No header names a caller.

The local CA (:mod:`kentei_local.localca`) issues the bridges' certificates under the names
here, and :func:`bridge_clients_setting` maps those names to channels in the handler's
setting, as deployment maps the real bridges' certificates.

Tests, the demo and the benchmarks name callers by a shorthand, :class:`CallerSpec`
(``bridge:<channel>`` or ``staff:<prefecture>:<user>[:<role>,<role>...]``; staff named
without roles are a ``clerk`` and a ``reviewer``). Over HTTP it picks a bridge's certificate
or signs a staff user in (:mod:`kentei_local.signin`); in-process unit tests turn it
straight into a request context (:func:`request_context`). It is never sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

from kentei.callers import (
    BRIDGE_CLIENTS_ENV,
    CHANNELS,
    GROUPS_CLAIM,
    PREFECTURE_CLAIM,
    USERNAME_CLAIM,
    Role,
)

DEFAULT_ROLES: Final = (Role.CLERK, Role.REVIEWER)
LOCAL_ORGANIZATION: Final = "kentei local"
BRIDGE_CA_NAME: Final = "kentei local bridge CA"
BRIDGE_ISSUER: Final = f"CN={BRIDGE_CA_NAME},O={LOCAL_ORGANIZATION}"
"""The local CA's DN as API Gateway writes ``issuerDN``."""
_PATTERN: Final = re.compile(
    r"^(?:bridge:(?P<bridge>[a-z]+)"
    r"|staff:(?P<prefecture>0[1-9]|[1-3][0-9]|4[0-7]):(?P<user>[A-Za-z0-9._@+-]{1,64})"
    r"(?::(?P<roles>[a-z_,]+))?)$"
)


def bridge_common_name(channel: str) -> str:
    return f"kentei-local-{channel}-bridge"


def bridge_subject(channel: str) -> str:
    """A local bridge certificate's DN as API Gateway writes ``subjectDN``."""
    return f"CN={bridge_common_name(channel)},O={LOCAL_ORGANIZATION}"


def bridge_clients_setting() -> dict[str, str]:
    """The handler setting that maps the local bridges' certificates to their channels."""
    table = [
        {"channel": channel, "subject": bridge_subject(channel), "issuer": BRIDGE_ISSUER}
        for channel in sorted(CHANNELS)
    ]
    return {BRIDGE_CLIENTS_ENV: json.dumps(table)}


@dataclass(frozen=True)
class CallerSpec:
    """A caller named in the shorthand: a bridge channel, or a staff user with roles."""

    bridge: str | None = None
    prefecture_code: str | None = None
    user: str | None = None
    roles: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> CallerSpec:
        """The caller ``text`` names; ValueError if it names none."""
        match = _PATTERN.fullmatch(text.strip())
        if match is None or (match["bridge"] and match["bridge"] not in CHANNELS):
            raise ValueError(f"not a caller: {text!r}")
        if match["bridge"]:
            return cls(bridge=match["bridge"])
        roles = match["roles"].split(",") if match["roles"] else [r.value for r in DEFAULT_ROLES]
        return cls(
            prefecture_code=match["prefecture"],
            user=match["user"],
            roles=tuple(sorted({r for r in roles if r})),
        )


def request_context(caller: str) -> dict[str, Any]:
    """What API Gateway's authorizer (``claims``) or mutual TLS (``clientCert``) would put in
    the request context for ``caller``, for events built in-process; empty for a bad one."""
    try:
        spec = CallerSpec.parse(caller)
    except ValueError:
        return {}
    if spec.bridge is not None:
        return {
            "clientCert": {
                "subjectDN": bridge_subject(spec.bridge),
                "issuerDN": BRIDGE_ISSUER,
                "serialNumber": "01",
                "validity": {},
            }
        }
    return {
        "claims": {
            "token_use": "id",
            USERNAME_CLAIM: spec.user,
            PREFECTURE_CLAIM: spec.prefecture_code,
            GROUPS_CLAIM: ",".join(spec.roles),
        }
    }
