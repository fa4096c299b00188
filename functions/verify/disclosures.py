"""A granted disclosure's copy (開示, P10), assembled and sealed by verify: the only function
that may read the vault, so the only one that can put the My Number in the person's own copy.

On ``disclosure_due`` (intake, after the office decided a disclosure request granted or partly
granted), :func:`seal_disclosure`:

1. reads the request from the prefecture's partition: it must be a granted disclosure of the
   message's person and addressee (otherwise nothing is done: ``not_due``), with no copy
   sealed yet (a redelivered message: ``already_sealed``);
2. reads every item of the prefecture's partition of ``records`` and keeps the person's
   (:mod:`kentei.disclosures.document`: nothing of anyone else, a shared item left out with a
   note), the prefecture's audit entries about the person from the earliest instant their
   records name, and, for the person's own copy only, their My Number from the vault;
3. seals the JSON document under a new one-time passphrase (:mod:`kentei.disclosures.sealing`),
   puts it in the disclosures bucket, and keeps the copy's record (key, SHA-256, counts) and
   the passphrase on the request, with an audit entry, in one transaction.

A retry after the put but before the record seals again under a new passphrase: the object is
overwritten, its earlier version (whose passphrase was never kept) goes with the bucket's
lifecycle. The outcome carries ids and counts only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, Protocol

from kentei.data.audit import AuditAction, AuditEvent
from kentei.disclosures.document import AccessEntry, assemble, earliest_instant
from kentei.disclosures.record import DisclosureCopy, copy_key
from kentei.disclosures.sealing import new_passphrase, seal
from kentei.messages import DisclosureDue
from kentei.my_number import MyNumber
from kentei.person_requests.model import PersonRequest, Requester
from kentei.retention.kinds import RecordKind
from kentei.retention.sweep import StoredItem
from kentei.vault import UnknownPseudonymError

FUNCTION: Final = "verify"
AUDIT_HORIZON: Final = timedelta(days=8 * 366)
"""The oldest an audit entry can be (the schedule's ``audit_entry``: five fiscal years at
least, a prefecture's own period longer): the trail is never searched further back."""
TRAIL_MARGIN: Final = timedelta(days=1)


class RequestRecords(Protocol):
    """One prefecture's person requests (:class:`kentei.data.person_requests.
    PrefecturePersonRequests`)."""

    def request(self, request_id: str) -> PersonRequest | None: ...

    def disclosure(self, request_id: str) -> DisclosureCopy | None: ...

    def record_disclosure(
        self, copy: DisclosureCopy, passphrase: str, audit: Sequence[AuditEvent] = ()
    ) -> bool: ...


class PartitionItems(Protocol):
    """Every item of one prefecture's partition, as plain values
    (:meth:`kentei.data.retention.PrefectureRetention.items`)."""

    def items(self, kind_of: Callable[[str], RecordKind]) -> Iterator[StoredItem]: ...


class PersonTrail(Protocol):
    """The audit trail's entries about a person (:meth:`kentei.data.audit.AuditTrail.
    about_person`)."""

    def about_person(
        self, prefecture_code: str, person_id: str, since: datetime, until: datetime
    ) -> list[AuditEvent]: ...


class NumberReader(Protocol):
    """The vault's reveal (:meth:`kentei.vault.Vault.reveal`)."""

    def reveal(self, qualification_pseudonym_id: str) -> MyNumber: ...


class CopyWriter(Protocol):
    """The disclosures bucket (:class:`kentei.data.disclosure_copies.DisclosureCopies`)."""

    def put(self, key: str, sealed: bytes) -> None: ...


@dataclass(frozen=True)
class DisclosurePorts:
    requests: Callable[[str], RequestRecords]
    """By prefecture."""
    partition: Callable[[str], PartitionItems]
    """By prefecture."""
    trail: PersonTrail
    vault: NumberReader
    copies: CopyWriter
    kind_of: Callable[[str], RecordKind]
    clock: Callable[[], datetime]
    passphrase: Callable[[], str] = field(default=new_passphrase)


class SealOutcome(StrEnum):
    SEALED = "sealed"
    ALREADY_SEALED = "already_sealed"
    NOT_DUE = "not_due"
    """The request is not a granted disclosure of this person and addressee."""


@dataclass(frozen=True)
class Sealed:
    outcome: SealOutcome
    counts: dict[str, int] = field(default_factory=dict)
    withheld: int = 0
    size: int = 0


def _due(request: PersonRequest | None, message: DisclosureDue) -> bool:
    return (
        request is not None
        and request.discloses
        and request.qualification_pseudonym_id == message.qualification_pseudonym_id
        and request.requester.value == message.requester
    )


def _access(event: AuditEvent) -> AccessEntry:
    return AccessEntry(
        at=event.at,
        actor=event.actor,
        action=event.action.value,
        outcome=event.outcome.value,
        record_type=event.record_type,
        record_id=event.record_id,
        user_id=event.user_id,
        roles=event.roles,
        actor_prefecture=event.actor_prefecture,
    )


def _my_number(ports: DisclosurePorts, person: str) -> str | None:
    try:
        return ports.vault.reveal(person).reveal()
    except UnknownPseudonymError:
        return None  # never enrolled, or released: the copy says none is held


def seal_disclosure(message: DisclosureDue, ports: DisclosurePorts, request_id: str) -> Sealed:
    prefecture, person = message.prefecture_code, message.qualification_pseudonym_id
    store = ports.requests(prefecture)
    request = store.request(message.request_id)
    if request is None or not _due(request, message):
        return Sealed(SealOutcome.NOT_DUE)
    if store.disclosure(request.request_id) is not None:
        return Sealed(SealOutcome.ALREADY_SEALED)
    at = ports.clock()
    items = list(ports.partition(prefecture).items(ports.kind_of))
    earliest = earliest_instant(items, person) or at
    since = max(earliest - TRAIL_MARGIN, at - AUDIT_HORIZON)
    trail = ports.trail.about_person(prefecture, person, since, at)
    for_person = request.requester is Requester.PERSON
    disclosure = assemble(
        request_id=request.request_id,
        prefecture_code=prefecture,
        person=person,
        requester=request.requester,
        decision=request.decision.value if request.decision else "",
        generated_at=at,
        items=items,
        access=[_access(e) for e in trail if e.person_id == person],
        my_number=_my_number(ports, person) if for_person else None,
    )
    passphrase = ports.passphrase()
    sealed = seal(disclosure.encoded(), passphrase)
    key = copy_key(prefecture, request.request_id)
    ports.copies.put(key, sealed)
    copy = DisclosureCopy(
        request_id=request.request_id,
        prefecture_code=prefecture,
        object_key=key,
        sha256=hashlib.sha256(sealed).hexdigest(),
        size=len(sealed),
        generated_at=at,
        requester=request.requester,
        counts=dict(disclosure.counts),
        withheld=sum(w.count for w in disclosure.withheld),
    )
    event = AuditEvent(
        actor=FUNCTION,
        action=AuditAction.DISCLOSURE_SEALED,
        record_type="person_request",
        record_id=request.request_id,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        person_id=person,
    )
    if not store.record_disclosure(copy, passphrase, [event]):
        return Sealed(SealOutcome.ALREADY_SEALED)
    return Sealed(SealOutcome.SEALED, dict(disclosure.counts), copy.withheld, copy.size)
