"""An in-memory vault for fast tests of code that enrols persons (no moto, no KMS).

It behaves like :class:`~kentei.vault.dynamo.DynamoVault` where a caller can tell: one entry
and one pseudonym per person, the same pseudonym on every later enrolment, unknown pseudonyms
refused, and the same KMS request counts per operation (the blind index is a real HMAC under
a random per-instance key; the number is held as the masked :class:`MyNumber` value).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kentei.my_number import MyNumber
from kentei.vault.kms import BLIND_INDEX_DOMAIN, BLIND_INDEX_VERSION
from kentei.vault.port import KmsRequestCounter, UnknownPseudonymError, VaultEntry
from kentei.vault.pseudonym import new_qualification_pseudonym_id


@dataclass(frozen=True)
class _Stored:
    qualification_pseudonym_id: str
    my_number: MyNumber
    enrolled_at: datetime


class InMemoryVault:
    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_pseudonym: Callable[[], str] = new_qualification_pseudonym_id,
    ) -> None:
        self.kms_requests = KmsRequestCounter()
        self._key = secrets.token_bytes(32)
        self._clock = clock
        self._new_pseudonym = new_pseudonym
        self._lock = threading.Lock()
        self._entries: dict[str, _Stored] = {}
        self._pointers: dict[str, str] = {}

    def __len__(self) -> int:
        """The number of persons enrolled."""
        return len(self._entries)

    def find(self, my_number: MyNumber) -> VaultEntry | None:
        stored = self._entries.get(self._blind_index(my_number))
        return None if stored is None else _entry(stored, created=False)

    def blind_index(self, my_number: MyNumber) -> str:
        return self._blind_index(my_number)

    def enrol(self, my_number: MyNumber) -> VaultEntry:
        blind_index = self._blind_index(my_number)
        with self._lock:
            stored = self._entries.get(blind_index)
            if stored is not None:
                return _entry(stored, created=False)
            pseudonym = self._new_pseudonym()
            while pseudonym in self._pointers:
                pseudonym = self._new_pseudonym()
            self.kms_requests.record("Encrypt")
            stored = _Stored(pseudonym, my_number, self._clock())
            self._entries[blind_index] = stored
            self._pointers[pseudonym] = blind_index
            return _entry(stored, created=True)

    def reveal(self, qualification_pseudonym_id: str) -> MyNumber:
        blind_index = self._pointers.get(qualification_pseudonym_id)
        if blind_index is None:
            raise UnknownPseudonymError(f"no vault entry for {qualification_pseudonym_id}")
        self.kms_requests.record("Decrypt")
        return self._entries[blind_index].my_number

    def forget(self, qualification_pseudonym_id: str) -> bool:
        with self._lock:
            blind_index = self._pointers.pop(qualification_pseudonym_id, None)
            if blind_index is None:
                return False
            del self._entries[blind_index]
            return True

    def _blind_index(self, my_number: MyNumber) -> str:
        self.kms_requests.record("GenerateMac")
        message = BLIND_INDEX_DOMAIN + my_number.reveal().encode("ascii")
        return f"{BLIND_INDEX_VERSION}:{hmac.new(self._key, message, hashlib.sha256).hexdigest()}"


def _entry(stored: _Stored, *, created: bool) -> VaultEntry:
    return VaultEntry(stored.qualification_pseudonym_id, created, stored.enrolled_at)
