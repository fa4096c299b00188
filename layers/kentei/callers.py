"""Who is calling the API: a bridge (Mynaportal, e-Gov) or a staff member of a prefecture.

Deployed, the caller comes from the API Gateway authorizer's context (a later issue adds the
authorizers); until then a deployed API knows no caller and answers 401. In the local
runtime only (``KENTEI_ENV=local``) the header ``X-Kentei-Local-Caller`` names the caller:
``bridge:mynaportal``, ``bridge:egov`` or ``staff:<prefecture code>:<user id>``. Deployed
code never reads that header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from kentei import settings

LOCAL_HEADER: Final = "X-Kentei-Local-Caller"
_LOCAL_PATTERN: Final = re.compile(
    r"^(?:bridge:(?P<bridge>mynaportal|egov)"
    r"|staff:(?P<prefecture>0[1-9]|[1-3][0-9]|4[0-7]):(?P<user>[A-Za-z0-9._@-]{1,64}))$"
)


class CallerKind(StrEnum):
    BRIDGE = "bridge"
    STAFF = "staff"


@dataclass(frozen=True)
class Caller:
    kind: CallerKind
    bridge: str | None = None
    prefecture_code: str | None = None
    user_id: str | None = None

    @property
    def id(self) -> str:
        """A stable identifier for audit and idempotency: never a person's data."""
        if self.kind is CallerKind.BRIDGE:
            return f"bridge:{self.bridge}"
        return f"staff:{self.prefecture_code}:{self.user_id}"


def caller_from_event(event: Mapping[str, Any]) -> Caller | None:
    """The authenticated caller of an API Gateway REST proxy event, or None."""
    if settings.environment() == "local":
        return _local_caller(event.get("headers") or {})
    return None


def _local_caller(headers: Mapping[str, str]) -> Caller | None:
    value = next((v for k, v in headers.items() if k.lower() == LOCAL_HEADER.lower()), None)
    match = _LOCAL_PATTERN.fullmatch(value.strip()) if value else None
    if match is None:
        return None
    if match["bridge"]:
        return Caller(CallerKind.BRIDGE, bridge=match["bridge"])
    return Caller(CallerKind.STAFF, prefecture_code=match["prefecture"], user_id=match["user"])
