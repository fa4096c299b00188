"""A certificate's status (有効 / 取消し / 再交付による失効) in W3C Bitstring Status Lists.

**Three statuses, two lists.** The spec's purposes are ``revocation``, ``suspension``,
``refresh`` and ``message``; "superseded" is none of them. Each list number ``n`` is therefore
published as two status list credentials over the same random index:

- ``revocation`` (one bit): set when the certificate is revoked *or* superseded. Both are
  final and both void the certificate (a reissue makes the old one void, domain.md), so any
  conforming verifier that only reads ``revocation`` already refuses both.
- ``message`` (two bits, :data:`STATUS_MESSAGES`): why: ``0x0`` valid, ``0x1`` revoked (合格の
  取消し), ``0x2`` superseded (再交付), ``0x3`` undefined. Its credential subject also carries
  ``statusChangedOn``: for each day, the indices whose status changed that day (an
  issuer-dependent term, ``{"2027-01-15": [77, 90210]}``), so a verifier can say "revoked on
  2027-01-15" from the signed list alone. The set entries are public anyway (they are the
  bits); the dates add no person to them. Grouped by day, an entry costs about seven bytes:
  with 1,000 changed entries of a list the message list's JWT is about 18 KB (the
  revocation list's 3.6 KB), with 5,000 about 59 KB; past 4 KiB the KMS key signs the
  digest (:mod:`kentei.signing.kms`).

A certificate's ``credentialStatus`` names both entries (:func:`status_entries`). Transitions
are one way: valid → revoked or superseded, superseded → revoked (a pass revoked after a
reissue revokes every certificate of it); a revoked entry never changes again, and setting a
status an entry already has changes nothing (a retried flip is harmless).

**Publishing.** Each change re-signs both credentials of the list (:func:`signed_status_lists`)
for S3, served with :data:`CACHE_CONTROL`; the lists' ``ttl`` says the same in milliseconds.

**Lifetime.** Each credential states ``validFrom`` (the instant it was signed) and
``validUntil``, :data:`STATUS_LIST_VALIDITY` later (Bitstring Status List v1.0, §3.2: a
verifier does not use a status list credential past its ``validUntil``). Certify re-signs
every list each day (the ``status-lists`` schedule, ``kentei.catalog.SCHEDULES``), so a list
in use is never more than a day old, and a list an attacker keeps back (to hide a revocation)
stops verifying a week after it was replaced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Final

from kentei.credentials.bitstring import MIN_ENTRIES, Bitstring
from kentei.credentials.issuer import IssuerProfile
from kentei.credentials.jose import sign_compact
from kentei.signing.port import SigningKey

REVOCATION: Final = "revocation"
MESSAGE: Final = "message"
MESSAGE_STATUS_SIZE: Final = 2
VC_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
VC_JWT_TYPE: Final = "vc+jwt"
STATUS_LIST_CACHE_SECONDS: Final = 300
"""How long a published status list may be cached (and its ``ttl``): five minutes, so a
revocation reaches every verifier that honours HTTP caching within five minutes of the flip,
while a burst of verifications is served from caches instead of S3."""
CACHE_CONTROL: Final = f"public, max-age={STATUS_LIST_CACHE_SECONDS}"
"""The ``Cache-Control`` header of a published status list credential."""
STATUS_LIST_VALIDITY: Final = dt.timedelta(days=7)
"""How long a signed status list credential is valid (``validUntil - validFrom``): seven days,
re-signed daily. Long enough that the daily job may fail for days in a row (a fault first
seen after Golden Week or the New Year holidays, when the office is closed for up to six
days) before any verifier sees ``status-unavailable``; short enough that a stale list
replayed to a verifier (one captured before a revocation) is refused within a week. A flip
re-signs its list at once, with a new week."""


class CertificateStatus(IntEnum):
    """The ``message`` list's value of a certificate."""

    VALID = 0
    REVOKED = 1
    """合格の取消し: the pass was revoked."""
    SUPERSEDED = 2
    """再交付: a reissue replaced this certificate."""


STATUS_MESSAGES: Final = (
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "revoked"},
    {"status": "0x2", "message": "superseded"},
    {"status": "0x3", "message": "undefined"},
)


class StatusTransitionError(ValueError):
    """A change the statuses do not allow (a revoked certificate never changes again)."""


@dataclass(frozen=True, order=True)
class StatusSlot:
    """Where one certificate's status lives: list ``list_number``, entry ``index``."""

    list_number: int
    index: int

    def __post_init__(self) -> None:
        if self.list_number < 1 or self.index < 0:
            raise ValueError("a list number is positive and an index is not negative")


def status_entries(slot: StatusSlot, issuer: IssuerProfile) -> list[dict[str, Any]]:
    """The ``credentialStatus`` of a certificate at ``slot``: its revocation and message
    entries (``BitstringStatusListEntry``)."""
    revocation = issuer.status_list_url(slot.list_number, REVOCATION)
    message = issuer.status_list_url(slot.list_number, MESSAGE)
    return [
        {
            "id": f"{revocation}#{slot.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": REVOCATION,
            "statusListIndex": str(slot.index),
            "statusListCredential": revocation,
        },
        {
            "id": f"{message}#{slot.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": MESSAGE,
            "statusListIndex": str(slot.index),
            "statusListCredential": message,
            "statusSize": MESSAGE_STATUS_SIZE,
            "statusMessage": [dict(message) for message in STATUS_MESSAGES],
        },
    ]


@dataclass
class StatusList:
    """The statuses of list ``list_number``: what its two credentials publish."""

    list_number: int
    entries: int = MIN_ENTRIES
    revocation: Bitstring = field(init=False)
    message: Bitstring = field(init=False)
    changed_on: dict[int, dt.date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.revocation = Bitstring(self.entries, 1)
        self.message = Bitstring(self.entries, MESSAGE_STATUS_SIZE)

    def status(self, index: int) -> CertificateStatus:
        return CertificateStatus(self.message.get(index))

    def change(self, index: int, status: CertificateStatus, on: dt.date) -> bool:
        """Set entry ``index`` to ``status`` as of ``on``; False when it already had it."""
        current = self.status(index)
        if current is status:
            return False
        allowed = {
            CertificateStatus.VALID: {CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED},
            CertificateStatus.SUPERSEDED: {CertificateStatus.REVOKED},
            CertificateStatus.REVOKED: set(),
        }
        if status not in allowed[current]:
            raise StatusTransitionError(
                f"entry {index} of list {self.list_number} cannot go from "
                f"{current.name.lower()} to {status.name.lower()}"
            )
        self.message.set(index, int(status))
        self.revocation.set(index, 1)
        self.changed_on[index] = on
        return True


def _timestamp(at: dt.datetime) -> str:
    """``at`` as the credentials state instants: UTC, whole seconds (RFC 3339)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _list_credential(
    statuses: StatusList,
    purpose: str,
    issuer: IssuerProfile,
    valid_from: dt.datetime,
) -> dict[str, Any]:
    url = issuer.status_list_url(statuses.list_number, purpose)
    subject: dict[str, Any] = {
        "id": f"{url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "ttl": STATUS_LIST_CACHE_SECONDS * 1000,
    }
    if purpose == REVOCATION:
        subject["encodedList"] = statuses.revocation.encode()
    else:
        subject["encodedList"] = statuses.message.encode()
        subject["statusSize"] = MESSAGE_STATUS_SIZE
        subject["statusMessages"] = [dict(message) for message in STATUS_MESSAGES]
        by_day: dict[str, list[int]] = {}
        for index, day in sorted(statuses.changed_on.items()):
            by_day.setdefault(day.isoformat(), []).append(index)
        subject["statusChangedOn"] = dict(sorted(by_day.items()))
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer.id, "name": issuer.name},
        "validFrom": _timestamp(valid_from),
        "validUntil": _timestamp(valid_from + STATUS_LIST_VALIDITY),
        "credentialSubject": subject,
    }


def signed_status_lists(
    statuses: StatusList, issuer: IssuerProfile, key: SigningKey, now: dt.datetime
) -> dict[str, str]:
    """Both credentials of the list as VC-JWTs, by their URL, ready to publish: valid from
    ``now`` for :data:`STATUS_LIST_VALIDITY`."""
    signed: dict[str, str] = {}
    for purpose in (REVOCATION, MESSAGE):
        credential = _list_credential(statuses, purpose, issuer, now)
        payload = {**credential, "iat": int(now.timestamp())}
        signed[credential["id"]] = sign_compact({"typ": VC_JWT_TYPE}, payload, key)
    return signed
