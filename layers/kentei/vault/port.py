"""The vault port: the one place the My Number is kept (privacy invariants 1-3, P2).

:meth:`Vault.enrol` gives each person one qualification pseudonymous ID (資格仮名ID), the same
on every later application; :meth:`Vault.reveal` gives the number back for a registry
re-check (定期照会). Implementations: :class:`kentei.vault.dynamo.DynamoVault` (the vault
table under KMS) and :class:`kentei.vault.memory.InMemoryVault` (tests).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from kentei.my_number import MyNumber


class VaultError(RuntimeError):
    """The vault could not answer. Messages name pseudonyms at most, never the number."""


class UnknownPseudonymError(VaultError):
    """No vault entry has this qualification pseudonymous ID."""


class VaultIntegrityError(VaultError):
    """The vault's items disagree with each other or with their ciphertext: tampering or a
    defect. Not retryable."""


@dataclass(frozen=True)
class VaultEntry:
    """A person's place in the vault."""

    qualification_pseudonym_id: str
    created: bool
    """True when this call issued the pseudonym; False when the person was already enrolled."""
    enrolled_at: datetime


class KmsRequestCounter:
    """KMS requests made, by operation (``GenerateMac``, ``Encrypt``, ``Decrypt``).

    KMS is billed and throttled per request: the bench reports requests per verified
    application, and verify can emit the difference around one application as a metric.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def record(self, operation: str) -> None:
        with self._lock:
            self._counts[operation] += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


KMS_REQUESTS: Final = KmsRequestCounter()
"""Every KMS request the vault made in this process (the default counter of
:class:`~kentei.vault.kms.KmsVaultCrypto`), whichever vault instance made it."""


class Vault(Protocol):
    @property
    def kms_requests(self) -> KmsRequestCounter:
        """The counter this vault records its KMS requests in."""
        ...

    def enrol(self, my_number: MyNumber) -> VaultEntry:
        """The person's entry, made on first sight; the same pseudonym ever after."""
        ...

    def find(self, my_number: MyNumber) -> VaultEntry | None:
        """The person's entry if enrolled; nothing is written."""
        ...

    def blind_index(self, my_number: MyNumber) -> str:
        """The number's blind index (an HMAC under the blind-index key only verify may use):
        a keyed reference to a person that stands for the number where it must not be kept
        (a candidate staff choose from), nothing written."""
        ...

    def reveal(self, qualification_pseudonym_id: str) -> MyNumber:
        """The number of the person with this pseudonym (decrypted: an audited access)."""
        ...
