"""An in-memory national system for the local runtime, until ``kentei.national.https`` and the
fake national server land (TODO(issue 12): delete this module then; see
:func:`sync.national_ports.national_system`, which uses it only when ``KENTEI_ENV`` is
``local``).

It applies the contract's rule: a record is applied when its version is newer than the one
held (``applied``), else nothing changes (``stale``). One store per process (the local
runtime's functions share the process), which a test reads through
:func:`local_national_system`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache

from kentei.national.model import (
    NationalChange,
    NationalRecord,
    Receipt,
    RecordKind,
    bucket_digest,
    bucket_of,
)


class InMemoryNationalSystem:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], NationalRecord] = {}
        self.received: list[NationalRecord] = []
        """Every record put, in order (applied or not)."""

    def put(self, record: NationalRecord) -> Receipt:
        with self._lock:
            self.received.append(record)
            held = self._held.get(record.key)
            if held is not None and held.version >= record.version:
                return Receipt(
                    kind=record.kind,
                    record_id=record.record_id,
                    version=record.version,
                    outcome="stale",
                    held_version=held.version,
                )
            self._held[record.key] = record
            return Receipt(
                kind=record.kind,
                record_id=record.record_id,
                version=record.version,
                outcome="applied",
                held_version=record.version,
            )

    def get(self, kind: RecordKind, record_id: str) -> NationalRecord | None:
        with self._lock:
            return self._held.get((kind.value, record_id))

    def changes(
        self, prefecture_code: str, after: int, limit: int = 100
    ) -> Sequence[NationalChange]:
        return ()  # nobody changes anything on this side

    def digests(self, prefecture_code: str, kind: RecordKind) -> dict[int, str]:
        buckets: dict[int, dict[str, str]] = {}
        for record in self._of(prefecture_code, kind):
            buckets.setdefault(bucket_of(record.record_id), {})[record.record_id] = (
                record.content_digest()
            )
        return {bucket: bucket_digest(digests) for bucket, digests in buckets.items()}

    def bucket(
        self, prefecture_code: str, kind: RecordKind, bucket: int
    ) -> dict[str, tuple[int, str]]:
        return {
            record.record_id: (record.version, record.content_digest())
            for record in self._of(prefecture_code, kind)
            if bucket_of(record.record_id) == bucket
        }

    def _of(self, prefecture_code: str, kind: RecordKind) -> list[NationalRecord]:
        with self._lock:
            return [
                r
                for r in self._held.values()
                if r.prefecture_code == prefecture_code and r.kind is kind
            ]


@cache
def local_national_system() -> InMemoryNationalSystem:
    return InMemoryNationalSystem()
