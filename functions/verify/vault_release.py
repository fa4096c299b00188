"""The release of a vault entry by the retention job (保存期間満了による廃棄, P8).

Only verify may touch the vault (invariant 1), so the job (:mod:`sync.retention`), having
deleted a person's last examinee or application in a prefecture, sends a
``vault_entry_release``. :func:`release_vault_entry` deletes the person's vault entry (the My
Number) and their pseudonym links only when:

- no prefecture holds an examinee, application or initial registration of the person (the
  schedule's ``kept_while`` of ``vault_entry``: a record elsewhere still needs it), and
- the entry's own period has ended at the job's instant (``vault_entry``: from the person's
  last activity, which the job read from the records it deleted).

The pseudonym links go with the entry: they are kept while an examinee, pass or notice of the
person remains, and an examinee is kept while a pass of the person remains, so no examinee
anywhere means no pass either; a notice outlives neither. A release of a person already
released, or still needed, changes nothing: safe to receive twice. Ids only in the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kentei.messages import VaultEntryRelease
from kentei.retention.kinds import RecordKind
from kentei.retention.schedule import RetentionSchedule


class PersonRecords(Protocol):
    """A prefecture's records of a person (:meth:`kentei.data.retention.PrefectureRetention.
    holds_person`)."""

    def holds_person(self, qualification_pseudonym_id: str) -> bool: ...


class VaultEraser(Protocol):
    """The vault's deletion of a person's entry (:meth:`kentei.vault.dynamo.DynamoVault.
    forget`)."""

    def forget(self, qualification_pseudonym_id: str) -> bool: ...


class LinkEraser(Protocol):
    """The person's pseudonym links (:meth:`kentei.vault.links.DynamoPseudonymLinks.unlink`)."""

    def unlink(self, qualification_pseudonym_id: str) -> int: ...


@dataclass(frozen=True)
class ReleasePorts:
    records: Callable[[str], PersonRecords]
    """By prefecture."""
    prefectures: Iterable[str]
    vault: VaultEraser
    links: LinkEraser
    schedule: Callable[[], RetentionSchedule]


class ReleaseOutcome(StrEnum):
    RELEASED = "released"
    NEEDED = "needed"
    """A record of the person in some prefecture still needs the entry."""
    NOT_DUE = "not_due"
    """The entry's period has not ended at the job's instant."""
    ABSENT = "absent"
    """No entry (released before, or never enrolled)."""


@dataclass(frozen=True)
class Released:
    outcome: ReleaseOutcome
    links: int = 0


def release_vault_entry(message: VaultEntryRelease, ports: ReleasePorts) -> Released:
    person = message.qualification_pseudonym_id
    if not ports.schedule().due(
        RecordKind.VAULT_ENTRY, message.last_activity, None, message.scheduled_at
    ):
        return Released(ReleaseOutcome.NOT_DUE)
    if any(ports.records(code).holds_person(person) for code in ports.prefectures):
        return Released(ReleaseOutcome.NEEDED)
    links = ports.links.unlink(person)
    if not ports.vault.forget(person):
        return Released(ReleaseOutcome.ABSENT, links)
    return Released(ReleaseOutcome.RELEASED, links)
