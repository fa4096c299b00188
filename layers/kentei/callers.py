"""Who is calling the API: a bridge (Mynaportal, e-Gov) by its client certificate, or a staff
member of a prefecture by the Cognito user pool's ID token, with their roles.

The function reads the caller only where API Gateway puts it, deployed and locally alike:

- **Staff** (the staff API, a Cognito user pool authorizer): the ID token's claims in
  ``requestContext.authorizer.claims``, every value a string: ``cognito:username`` (the
  user: one per person), ``custom:prefecture_code`` (the one prefecture the user belongs to,
  written by administrators only) and ``cognito:groups`` (the roles, ``clerk,reviewer`` or
  ``[clerk, reviewer]``). A token of another use than ``id`` is no caller.
- **Bridges** (the bridge API, mutual TLS on its custom domain): the verified client
  certificate in ``requestContext.identity.clientCert``; its subject and issuer DN name a
  channel through the bridge table (:data:`BRIDGE_CLIENTS_ENV`, set at deployment from the
  bridges' certificates). A certificate the table does not name is no caller.

A header never says who calls. The local runtime's gateway builds the same request context
from what it verified itself (``kentei_local.gateway``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any, Final

BRIDGE_CLIENTS_ENV: Final = "KENTEI_BRIDGE_CLIENTS"
"""JSON list of ``{"channel", "subject", "issuer"}``: the bridges' client certificates."""
CHANNELS: Final = frozenset({"mynaportal", "egov"})
PREFECTURE_CLAIM: Final = "custom:prefecture_code"
USERNAME_CLAIM: Final = "cognito:username"
GROUPS_CLAIM: Final = "cognito:groups"
_PREFECTURE: Final = re.compile(r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
_USER: Final = re.compile(r"^[A-Za-z0-9._@+-]{1,128}$")


class CallerKind(StrEnum):
    BRIDGE = "bridge"
    STAFF = "staff"


class Role(StrEnum):
    """A staff role: a Cognito group. A user has one or more, in one prefecture."""

    CLERK = "clerk"
    """Paper intake (窓口)."""
    REVIEWER = "reviewer"
    """Review of applications (審査)."""
    EXAM_ADMIN = "exam_admin"
    """Rounds, sessions, exam numbers, tickets."""
    RESULTS = "results"
    """Scores and pass decisions."""
    CERTIFICATES = "certificates"
    """Issue, reissue and revoke certificates."""
    AUDITOR = "auditor"
    """The audit trail, read-only."""
    ADMIN = "admin"
    """The accounts of their own prefecture."""
    PRIVACY = "privacy"
    """A person's requests about their own data (開示・訂正・利用停止, P10): the
    information-disclosure office."""
    OPERATOR = "operator"
    """The contractor's operators: the system, never personal data."""


@dataclass(frozen=True)
class Caller:
    kind: CallerKind
    bridge: str | None = None
    prefecture_code: str | None = None
    user_id: str | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    source_ip: str | None = None

    @property
    def id(self) -> str:
        """A stable identifier for audit and idempotency: never a person's data."""
        if self.kind is CallerKind.BRIDGE:
            return f"bridge:{self.bridge}"
        return f"staff:{self.prefecture_code}:{self.user_id}"

    def has(self, role: Role) -> bool:
        return self.kind is CallerKind.STAFF and role in self.roles


def caller_from_event(event: Mapping[str, Any]) -> Caller | None:
    """The authenticated caller of an API Gateway REST proxy event, or None."""
    context = event.get("requestContext") or {}
    identity = context.get("identity") or {}
    source_ip = _text(identity.get("sourceIp"))
    claims = (context.get("authorizer") or {}).get("claims")
    if isinstance(claims, Mapping) and claims:
        return staff_from_claims(claims, source_ip)
    certificate = identity.get("clientCert")
    if isinstance(certificate, Mapping) and certificate:
        return bridge_from_certificate(certificate, source_ip)
    return None


def staff_from_claims(claims: Mapping[str, Any], source_ip: str | None = None) -> Caller | None:
    """A staff caller from an ID token's claims; None unless they name one user of one
    prefecture with at least one known role."""
    if _text(claims.get("token_use")) != "id":
        return None
    user = _text(claims.get(USERNAME_CLAIM))
    prefecture = _text(claims.get(PREFECTURE_CLAIM))
    if user is None or not _USER.fullmatch(user):
        return None
    if prefecture is None or not _PREFECTURE.fullmatch(prefecture):
        return None
    roles = parse_groups(claims.get(GROUPS_CLAIM))
    if not roles:
        return None
    return Caller(
        CallerKind.STAFF,
        prefecture_code=prefecture,
        user_id=user,
        roles=roles,
        source_ip=source_ip,
    )


def parse_groups(value: object) -> frozenset[Role]:
    """The known roles of a ``cognito:groups`` claim: a list, ``a,b`` or ``[a, b]``; unknown
    group names are ignored (a group that grants nothing here)."""
    if isinstance(value, list | tuple):
        names = [str(v) for v in value]
    elif isinstance(value, str):
        names = re.split(r"[\s,]+", value.strip().strip("[]"))
    else:
        return frozenset()
    known = {role.value for role in Role}
    return frozenset(Role(name) for name in names if name in known)


def bridge_from_certificate(
    certificate: Mapping[str, Any], source_ip: str | None = None
) -> Caller | None:
    """The bridge a verified client certificate belongs to, by its subject and issuer DN."""
    subject = _dn(certificate.get("subjectDN"))
    issuer = _dn(certificate.get("issuerDN"))
    if subject is None or issuer is None:
        return None
    channel = bridge_clients().get((subject, issuer))
    if channel is None:
        return None
    return Caller(CallerKind.BRIDGE, bridge=channel, source_ip=source_ip)


@cache
def bridge_clients() -> Mapping[tuple[str, str], str]:
    """(subject DN, issuer DN) → channel, from :data:`BRIDGE_CLIENTS_ENV` (empty if unset)."""
    raw = os.environ.get(BRIDGE_CLIENTS_ENV, "").strip()
    if not raw:
        return {}
    entries = json.loads(raw)
    table: dict[tuple[str, str], str] = {}
    for entry in entries:
        channel = str(entry["channel"])
        if channel not in CHANNELS:
            raise ValueError(f"{BRIDGE_CLIENTS_ENV}: {channel} is not a bridge channel")
        subject, issuer = _dn(entry["subject"]), _dn(entry["issuer"])
        if subject is None or issuer is None:
            raise ValueError(f"{BRIDGE_CLIENTS_ENV}: an entry without a subject or issuer")
        table[(subject, issuer)] = channel
    return table


def _dn(value: object) -> str | None:
    """A DN compared by its attributes, whatever the spacing after the commas."""
    text = _text(value)
    if text is None:
        return None
    return ",".join(part.strip() for part in text.split(","))


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
