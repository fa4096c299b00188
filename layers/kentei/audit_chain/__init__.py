"""Tamper evidence for the audit trail (P6): the entries of one prefecture and day form a
hash chain, and :func:`verify_chain` names the first link that does not hold.

Each entry stores its sequence number in its partition (1, 2, ...), the hash of the entry
before it (``prev_hash``; the first entry's is :func:`genesis` of the partition) and its own
``hash``: SHA-256 over :func:`canonical` of its fields with ``prev_hash`` and ``seq``. A
per-partition head item holds the last sequence number and hash, so deleting the newest
entries is found too.

The hash is unkeyed on purpose: entries hold ids and codes only (caller ids, record ids,
資格仮名ID, actions, times, source IPs of staff terminals), never personal data, so a hash of
them confirms no guess about a person (invariant 4 concerns hashes of personal data). A keyed
MAC would not add tamper evidence against someone who can rewrite the table and the head
together; the chain makes any edit, insertion or deletion of a single entry visible, and
the daily heads can be exported elsewhere to anchor it.

Pure: no I/O. The command (``python -m kentei.audit_chain verify``) reads the table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

ALGORITHM: Final = "sha256"
CHAIN_VERSION: Final = 1


def genesis(partition: str) -> str:
    """The ``prev_hash`` of a partition's first entry: bound to the partition, so an entry
    cannot be moved to another day or prefecture unnoticed."""
    return hashlib.sha256(f"kentei-audit-chain:v{CHAIN_VERSION}:{partition}".encode()).hexdigest()


def canonical(fields: Mapping[str, object]) -> bytes:
    """The serialisation hashed: JSON, keys sorted, no whitespace, UTF-8; None fields left
    out (an entry written before a field existed hashes as it did then)."""
    present = {k: v for k, v in fields.items() if v is not None}
    return json.dumps(present, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def entry_hash(fields: Mapping[str, object], partition: str, seq: int, prev_hash: str) -> str:
    """The hash of an entry: its fields, its place in the chain and the previous hash."""
    document = {
        "fields": dict(fields),
        "partition": partition,
        "seq": seq,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical(document)).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored entry as the chain sees it."""

    partition: str
    event_key: str
    seq: int
    prev_hash: str
    hash: str
    fields: Mapping[str, object]


@dataclass(frozen=True)
class Head:
    """A partition's head item: the last sequence number and hash appended."""

    seq: int
    hash: str


@dataclass(frozen=True)
class BrokenLink:
    """The first link that does not hold, named by its partition, sequence and key."""

    partition: str
    seq: int
    event_key: str | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    partitions: int
    entries: int
    unchained: int
    """Entries written before the chain existed (no ``seq``): readable, not verifiable."""
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_partition(partition: str, links: Iterable[Link], head: Head | None) -> BrokenLink | None:
    """The first broken link of one partition, or None when every entry holds and the last
    one is the head's."""
    previous = genesis(partition)
    expected_seq = 1
    for link in sorted(links, key=lambda link: (link.seq, link.event_key)):
        reason = _broken(link, partition, expected_seq, previous)
        if reason is not None:
            return BrokenLink(partition, min(link.seq, expected_seq), link.event_key, reason)
        previous = link.hash
        expected_seq += 1
    return _head_broken(partition, expected_seq - 1, previous, head)


def _broken(link: Link, partition: str, expected_seq: int, previous: str) -> str | None:
    """Why ``link`` does not follow the entry before it, or None."""
    if link.partition != partition:
        return "entry of another partition"
    if link.seq < expected_seq:
        return "duplicate sequence number"
    if link.seq > expected_seq:
        return "missing entry"
    if link.prev_hash != previous:
        return "previous hash does not match"
    if entry_hash(link.fields, partition, link.seq, link.prev_hash) != link.hash:
        return "entry altered"
    return None


def _head_broken(
    partition: str, last_seq: int, last_hash: str, head: Head | None
) -> BrokenLink | None:
    """Whether the head agrees with the last entry (deleting the newest is found here)."""
    if head is None:
        return None if last_seq == 0 else BrokenLink(partition, last_seq, None, "no head")
    if head.seq != last_seq:
        return BrokenLink(partition, last_seq + 1, None, "entries missing at the end")
    if head.hash != last_hash:
        return BrokenLink(partition, last_seq, None, "head does not match the last entry")
    return None


def verify_chain(
    partitions: Sequence[tuple[str, Sequence[Link], Head | None, int]],
) -> ChainReport:
    """Verify partitions in order (``(partition, links, head, unchained count)``); the report
    names the first broken link found."""
    entries = unchained = 0
    for partition, links, head, legacy in partitions:
        entries += len(links)
        unchained += legacy
        broken = verify_partition(partition, links, head)
        if broken is not None:
            return ChainReport(len(partitions), entries, unchained, broken)
    return ChainReport(len(partitions), entries, unchained, None)
