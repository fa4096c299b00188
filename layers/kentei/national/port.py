"""The port to the national qualifications system (R16): what sync asks of it.

Adapters: the HTTPS one (mutual TLS, our contract :data:`kentei.national.model.CONTRACT_VERSION`)
and, for tests and the local runtime, an in-memory one and a fake server behind the HTTPS one.
Every call is idempotent: a record is applied by its kind, id and version (an older or equal
version changes nothing and answers ``stale``); reads change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from kentei.national.model import FeedEntry, NationalRecord, Receipt, RecordKind


class NationalSystemError(RuntimeError):
    """The national side could not be reached or answered an error (retry later). Never holds
    a record's data."""


class NationalThrottledError(NationalSystemError):
    """The national side's rate limit: wait ``retry_after_s`` (or back off) and retry."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NationalRefusedError(RuntimeError):
    """The national side refused a record as outside the contract: retrying cannot help (the
    message goes to the DLQ with this error)."""


class NationalConflictError(NationalRefusedError):
    """The national side holds the record's version with other content (a hand edit on one
    side, or both sides changed it from the same version): re-sending cannot help; a newer
    version, or staff resolving the conflict, can."""


class NationalUnknownPersonError(NationalRefusedError):
    """The national side does not know the record's 資格仮名ID."""


class NationalConfigurationError(RuntimeError):
    """The adapter's settings are missing or invalid; names the variable, never a value."""


class NationalSystem(Protocol):
    def put(self, record: NationalRecord) -> Receipt:
        """Apply ``record`` (``applied``) unless the national side holds its version or a newer
        one (``stale``)."""
        ...

    def get(self, kind: RecordKind, record_id: str) -> NationalRecord | None: ...

    def changes(self, prefecture_code: str, after: int, limit: int = 100) -> Sequence[FeedEntry]:
        """Changes made on the national side in the prefecture, in ``sequence`` order, after the
        cursor ``after`` (0: from the start); an entry outside the contract is a
        :class:`~kentei.national.model.RefusedChange` in its place."""
        ...

    def digests(self, prefecture_code: str, kind: RecordKind) -> dict[int, str]:
        """Each non-empty reconciliation bucket's digest (:func:`kentei.national.model.
        bucket_digest`) of the prefecture's records of ``kind``."""
        ...

    def bucket(
        self, prefecture_code: str, kind: RecordKind, bucket: int
    ) -> dict[str, tuple[int, str]]:
        """One bucket's records: record id → (version, content digest)."""
        ...
