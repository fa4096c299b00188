"""The registry port (住基ネット照会, R6): what verify needs from the resident registry.

Two adapters implement it: :class:`kentei.registry.fake.SeededRegistry` (local runtime and
tests, from a seed file) and :class:`kentei.registry.https.HttpsRegistry` (the registry link
server, 住基連携サーバ). Pick one with :func:`kentei.registry.registry_from_environment`.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from kentei import settings
from kentei.my_number import MyNumber
from kentei.records.codes import Sex
from kentei.registry.model import Candidate, RegistryRecord


class RegistryError(RuntimeError):
    """A lookup did not produce an answer. Messages never hold the number or the items."""


class RegistryUnavailableError(RegistryError):
    """The registry could not be reached or was overloaded: retry later (the verify consumer
    lets the message go back to the queue)."""


class RegistryProtocolError(RegistryError):
    """The registry answered outside the contract (malformed or unexpected reply, or refused
    the request): retrying will not help; it is a defect or a configuration error."""


class RegistryConfigurationError(settings.MissingSettingError):
    """The registry adapter is not configured, or configured wrongly: a deployment mistake."""


class Registry(Protocol):
    def by_my_number(self, my_number: MyNumber) -> RegistryRecord:
        """The person's current four items and status; status ``unknown`` when not found."""
        ...

    def by_four_items(
        self, name: str, birth_date: date, sex: Sex, address: str
    ) -> tuple[Candidate, ...]:
        """Everyone whose four items match after normalisation; empty when no one does."""
        ...
