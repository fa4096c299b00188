"""Re-signing the published status lists and the JWK Set on schedule (再署名, issue 11) for a
``status_lists_due`` message.

A status list credential is valid for a week from its signing
(:data:`kentei.credentials.status.STATUS_LIST_VALIDITY`); the ``status-lists`` schedule sends
this message daily, and :func:`renew_status_lists` keeps every list fresh and every key
published, as of the message's instant (the schedule's, never this function's clock):

1. **The JWK Set first.** When the record of the JWKS last published
   (:class:`kentei.data.published_jwks.PublishedJwks`) names another digest than the key
   ring's set (a rotation: a new active key, one more retired) or an earlier instant, the
   ring's set (every key, retired ones included) is put at ``published/jwks.json`` and
   recorded. It goes before the lists, so a list signed by a new key is never published
   before the key.
2. **Every list that exists** (all list numbers, not only changed ones) is signed by the
   active key and published (:func:`certify.certificates.publish` with ``force``), unless its
   record already says it was signed by the active key at or after the instant with its
   current version (a second run of the same message: nothing to do). It is signed as of the
   later of the instant and its last signing, so a late message (a redrive from the DLQ)
   never publishes a list that expires earlier than the one it replaces; a list signed by a
   retired key, or with a version not yet published, is signed again all the same.
3. **A flip during the run.** A revocation that changes a list while it is being re-signed
   could have its publication overwritten by the older bits: after publishing, the list's
   version is read again, and a list that moved is published again (its newest version).

Safe to run twice, and idempotent: the second run of an instant finds every list and the
JWKS recorded at it and signs nothing. Keys and bits only; no person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from certify.certificate_ports import CertificatePorts, RenewalPorts
from certify.certificates import publish
from kentei.data.published import JWKS_KEY, JWKS_MEDIA_TYPE
from kentei.messages import StatusListsDue

if TYPE_CHECKING:
    from kentei.data.status_lists import StoredStatusList

MAX_REPUBLISH: Final = 3
"""How many times a list that moved while it was re-signed is published again, at most
(each time means another flip landed within the same second or so)."""


class RenewalRaceError(RuntimeError):
    """A list kept changing while it was re-signed: the message is retried."""


@dataclass
class Renewal:
    """What a run did: the lists re-signed, those already current, those found signed by
    another key than the active one, and whether the JWKS was published. Numbers only."""

    resigned: list[int] = field(default_factory=list)
    current: list[int] = field(default_factory=list)
    rotated: list[int] = field(default_factory=list)
    jwks_published: bool = False


def renew_status_lists(message: StatusListsDue, ports: RenewalPorts) -> Renewal:
    at = message.scheduled_at
    certificates = ports.certificates
    renewal = Renewal(jwks_published=_publish_jwks(ports, at))
    active = certificates.key_ring().active.kid
    due: dict[dt.datetime, list[StoredStatusList]] = defaultdict(list)
    for number in certificates.status_lists.list_numbers():
        stored = certificates.status_lists.status_list(number)
        if stored is None:
            continue
        if stored.signed_kid is not None and stored.signed_kid != active:
            renewal.rotated.append(number)
        if _current(stored, active, at):
            renewal.current.append(number)
            continue
        signing = at if stored.signed_at is None else max(at, stored.signed_at)
        due[signing].append(stored)
    for signing, lists in sorted(due.items()):
        _resign(certificates, lists, signing)
        renewal.resigned += [stored.statuses.list_number for stored in lists]
    renewal.resigned.sort()
    return renewal


def _current(stored: StoredStatusList, active: str, at: dt.datetime) -> bool:
    """Whether the published list is the stored version, signed by the active key at or
    after ``at`` (nothing to do)."""
    return (
        stored.published_version == stored.version
        and stored.signed_kid == active
        and stored.signed_at is not None
        and stored.signed_at >= at
    )


def _publish_jwks(ports: RenewalPorts, at: dt.datetime) -> bool:
    """Put the key ring's JWK Set unless the record says it was published at or after ``at``
    with the same digest; True when put."""
    # The JWKS module only when the job runs (cold start of the other messages).
    from kentei.credentials.jwks import JWKS_CACHE_SECONDS, jwks_digest, jwks_json

    document = jwks_json(ports.certificates.key_ring())
    digest = jwks_digest(document)
    last = ports.jwks.last()
    if last is not None and last.digest == digest and last.published_at >= at:
        return False
    ports.certificates.files.put(
        JWKS_KEY, document, JWKS_MEDIA_TYPE, cache_control=f"public, max-age={JWKS_CACHE_SECONDS}"
    )
    ports.jwks.record(digest, at)
    return True


def _resign(ports: CertificatePorts, lists: list[StoredStatusList], at: dt.datetime) -> None:
    """Sign and publish the lists as of ``at`` (one :func:`publish`, one JWKS put), then
    again each one a flip moved meanwhile."""
    seen = {stored.statuses.list_number: stored.version for stored in lists}
    signing = dict.fromkeys(seen, at)
    for _ in range(MAX_REPUBLISH):
        for instant in sorted(set(signing.values())):
            numbers = [number for number, when in signing.items() if when == instant]
            publish(ports, numbers, instant, force=True)
        moved: dict[int, dt.datetime] = {}
        for number in signing:
            after = ports.status_lists.status_list(number)
            if after is None or after.version == seen[number]:
                continue
            # A flip wrote a newer version while this one was signed: whichever put landed
            # last, the newest bits are published again (as of the flip's instant if later).
            seen[number] = after.version
            moved[number] = (
                signing[number]
                if after.signed_at is None
                else max(signing[number], after.signed_at)
            )
        if not moved:
            return
        signing = moved
    raise RenewalRaceError(f"status lists {sorted(signing)} kept changing while re-signed")
