"""The national system in memory: the contract's semantics without the wire, for logic tests
and as the store of the local fake server.

It holds one record per kind and record id, with its version and content digest, and applies
the contract's rules: a newer version is applied; an older one, or the same one with the same
content, is ``stale`` and changes nothing; the same version with other content is a conflict.
A person it does not know is refused (every person is known unless a set of known ones is
given). Digests and buckets are computed with :func:`~kentei.national.model.bucket_of`,
:func:`~kentei.national.model.bucket_digest` and
:meth:`~kentei.national.model.NationalRecord.content_digest`.

Test hooks play the national side's own life: :meth:`InMemoryNational.change_on_national_side`
(a person changes their name or address through Mynaportal: the change joins the feed and the
examinee record takes a new version), :meth:`InMemoryNational.diverge` (a hand edit: other data,
the same version) and :meth:`InMemoryNational.forget` (a record lost on that side).
:attr:`InMemoryNational.applied` is what it applied, in order (kind, id, person, version; no
data), so a test can prove each version arrived once and in order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kentei.national.model import (
    NationalChange,
    NationalRecord,
    Receipt,
    RecordKind,
    bucket_digest,
    bucket_of,
)
from kentei.national.port import NationalConflictError, NationalUnknownPersonError


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Applied:
    """One record version the national side applied (a ``put`` answered ``applied``): which,
    whose and which version, never its data."""

    kind: RecordKind
    record_id: str
    qualification_pseudonym_id: str
    version: int

    def as_json(self) -> dict[str, str | int]:
        return {
            "kind": self.kind.value,
            "record_id": self.record_id,
            "qualification_pseudonym_id": self.qualification_pseudonym_id,
            "version": self.version,
        }


@dataclass(frozen=True)
class _Held:
    record: NationalRecord
    digest: str
    bucket: int

    @classmethod
    def of(cls, record: NationalRecord) -> _Held:
        return cls(record, record.content_digest(), bucket_of(record.record_id))


class InMemoryNational:
    """The :class:`~kentei.national.port.NationalSystem` in memory; thread-safe."""

    def __init__(
        self,
        known_persons: Iterable[str] | None = None,
        *,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self._known = None if known_persons is None else set(known_persons)
        self._clock = clock
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], _Held] = {}
        self._feed: list[NationalChange] = []
        self._sequence = itertools.count(1)
        self._applied: list[Applied] = []

    def register(self, person: str) -> None:
        """Make the 資格仮名ID ``person`` known (no effect when every person is)."""
        with self._lock:
            if self._known is not None:
                self._known.add(person)

    def put(self, record: NationalRecord) -> Receipt:
        with self._lock:
            held = self._held.get(record.key)
            if held is not None and record.version <= held.record.version:
                if record.version == held.record.version and record != held.record:
                    raise NationalConflictError(
                        f"{record.kind.value} {record.record_id} version {record.version}: "
                        "held with other content"
                    )
                return _receipt(record, "stale", held.record.version)
            if self._known is not None and record.qualification_pseudonym_id not in self._known:
                raise NationalUnknownPersonError(
                    f"{record.kind.value} {record.record_id}: unknown person"
                )
            self._held[record.key] = _Held.of(record)
            self._applied.append(
                Applied(
                    record.kind, record.record_id, record.qualification_pseudonym_id, record.version
                )
            )
            return _receipt(record, "applied", record.version)

    @property
    def applied(self) -> tuple[Applied, ...]:
        """Every version :meth:`put` applied, in the order applied (append-only; the national
        side's own changes and hand edits are not in it)."""
        with self._lock:
            return tuple(self._applied)

    def get(self, kind: RecordKind, record_id: str) -> NationalRecord | None:
        with self._lock:
            held = self._held.get((kind.value, record_id))
            return None if held is None else held.record

    def changes(
        self, prefecture_code: str, after: int, limit: int = 100
    ) -> tuple[NationalChange, ...]:
        with self._lock:
            found = (
                change
                for change in self._feed
                if change.sequence > after and change.prefecture_code == prefecture_code
            )
            return tuple(itertools.islice(found, limit))

    def digests(self, prefecture_code: str, kind: RecordKind) -> dict[int, str]:
        buckets: dict[int, dict[str, str]] = {}
        for held in self._of(prefecture_code, kind):
            buckets.setdefault(held.bucket, {})[held.record.record_id] = held.digest
        return {number: bucket_digest(buckets[number]) for number in sorted(buckets)}

    def bucket(
        self, prefecture_code: str, kind: RecordKind, bucket: int
    ) -> dict[str, tuple[int, str]]:
        return {
            held.record.record_id: (held.record.version, held.digest)
            for held in self._of(prefecture_code, kind)
            if held.bucket == bucket
        }

    def records(self) -> tuple[NationalRecord, ...]:
        """Every record held, by kind and record id (for the script that compares stores)."""
        with self._lock:
            return tuple(self._held[key].record for key in sorted(self._held))

    def change_on_national_side(
        self, person: str, prefecture_code: str, changes: Mapping[str, str | None]
    ) -> NationalChange:
        """A person changes items through Mynaportal: the change joins the feed, made on the
        highest version of their examinee records in the prefecture that the national side
        holds, and each of those records takes the change as its next version. Raises
        :class:`LookupError` when it holds none (a test's mistake), :class:`ValueError` for an
        item the person may not change or a value the examinee record refuses."""
        with self._lock:
            examinees = [
                held.record
                for held in self._held.values()
                if held.record.kind is RecordKind.EXAMINEE
                and held.record.qualification_pseudonym_id == person
                and held.record.prefecture_code == prefecture_code
                and held.record.data is not None
            ]
            if not examinees:
                raise LookupError("the national side holds no examinee record of this person")
            change = NationalChange(
                sequence=1,  # drawn below, once every record took the change
                qualification_pseudonym_id=person,
                prefecture_code=prefecture_code,
                base_version=max(record.version for record in examinees),
                changes=dict(changes),
                changed_at=self._clock(),
            )
            updated = [
                _with(record, version=record.version + 1, data={**(record.data or {}), **changes})
                for record in examinees
            ]
            change = change.model_copy(update={"sequence": next(self._sequence)})
            for record in updated:
                self._held[record.key] = _Held.of(record)
            self._feed.append(change)
            return change

    def diverge(
        self, kind: RecordKind, record_id: str, data: Mapping[str, Any] | None
    ) -> NationalRecord:
        """A hand edit on the national side: the held record gets ``data`` (None: deleted) and
        keeps its version. Raises :class:`KeyError` when the record is not held."""
        with self._lock:
            held = self._held[(kind.value, record_id)]
            changed = _with(held.record, data=None if data is None else dict(data))
            self._held[changed.key] = _Held.of(changed)
            return changed

    def forget(self, kind: RecordKind, record_id: str) -> None:
        """A record lost on the national side. Raises :class:`KeyError` when it is not held."""
        with self._lock:
            del self._held[(kind.value, record_id)]

    def _of(self, prefecture_code: str, kind: RecordKind) -> list[_Held]:
        with self._lock:
            return [
                held
                for held in self._held.values()
                if held.record.kind is kind and held.record.prefecture_code == prefecture_code
            ]


def _receipt(record: NationalRecord, outcome: str, held_version: int) -> Receipt:
    return Receipt.model_validate(
        {
            "kind": record.kind,
            "record_id": record.record_id,
            "version": record.version,
            "outcome": outcome,
            "held_version": held_version,
        }
    )


def _with(record: NationalRecord, **changes: Any) -> NationalRecord:
    """``record`` with ``changes``, validated again (a copy would skip the kind's model)."""
    document = record.model_dump() | changes
    if "data" in changes:
        document["deleted"] = changes["data"] is None
    return NationalRecord.model_validate(document)
