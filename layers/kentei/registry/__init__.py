"""Registry lookups (住基ネット照会, R6): the port, its two adapters, and the choice between them.

``registry_from_environment()`` gives the local fake when ``KENTEI_REGISTRY_SEED`` names a seed
file (local runtime and tests only), and the HTTPS adapter to the registry link server when
``KENTEI_REGISTRY_URL`` is set; the fake reads the seed file again when it changes. Adapters
are imported on first use: the HTTPS one pulls in ``ssl`` and ``urllib3``, which a local run
never needs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from kentei import settings
from kentei.registry.model import Candidate, Person, RegistryRecord, RegistryStatus
from kentei.registry.port import (
    Registry,
    RegistryConfigurationError,
    RegistryError,
    RegistryProtocolError,
    RegistryUnavailableError,
)

SEED_ENV: Final = "KENTEI_REGISTRY_SEED"
URL_ENV: Final = "KENTEI_REGISTRY_URL"

__all__ = [
    "SEED_ENV",
    "URL_ENV",
    "Candidate",
    "Person",
    "Registry",
    "RegistryConfigurationError",
    "RegistryError",
    "RegistryProtocolError",
    "RegistryRecord",
    "RegistryStatus",
    "RegistryUnavailableError",
    "registry_from_environment",
]


def registry_from_environment() -> Registry:
    """The registry adapter the environment configures, read from it on each call.

    Keep the instance for the container's life: the HTTPS adapter's connection pool and
    circuit breaker are only worth something across invocations.
    """
    seed = os.environ.get(SEED_ENV, "").strip()
    url = os.environ.get(URL_ENV, "").strip()
    if seed and url:
        raise RegistryConfigurationError(f"set {SEED_ENV} or {URL_ENV}, not both")
    if seed:
        if settings.environment() != "local":
            raise RegistryConfigurationError(
                f"{SEED_ENV} (the fake registry) is for the local runtime only"
            )
        from kentei.registry.fake import SeedFileRegistry

        return SeedFileRegistry(Path(seed))
    if url:
        from kentei.registry.https import HttpsRegistry

        return HttpsRegistry.from_environ()
    raise RegistryConfigurationError(
        f"the registry is not configured (environment variable {URL_ENV})"
    )
