"""The national qualifications system (国家資格等情報連携・活用システム, R16): our contract,
its port and its adapters.

``national_from_environment()`` gives the HTTPS adapter when ``KENTEI_NATIONAL_URL`` is set
(deployed, and in the local runtime, whose fake national server it names), and in the local
environment without it an empty in-memory national system. The HTTPS adapter is imported on
first use: it pulls in ``ssl`` and ``urllib3``.
"""

from __future__ import annotations

import os
from typing import Final

from kentei import settings
from kentei.national.model import (
    CONTRACT_VERSION,
    NationalChange,
    NationalRecord,
    Receipt,
    RecordKind,
)
from kentei.national.port import (
    NationalConfigurationError,
    NationalConflictError,
    NationalRefusedError,
    NationalSystem,
    NationalSystemError,
    NationalThrottledError,
    NationalUnknownPersonError,
)

URL_ENV: Final = "KENTEI_NATIONAL_URL"

__all__ = [
    "CONTRACT_VERSION",
    "URL_ENV",
    "NationalChange",
    "NationalConfigurationError",
    "NationalConflictError",
    "NationalRecord",
    "NationalRefusedError",
    "NationalSystem",
    "NationalSystemError",
    "NationalThrottledError",
    "NationalUnknownPersonError",
    "Receipt",
    "RecordKind",
    "national_from_environment",
]


def national_from_environment() -> NationalSystem:
    """The national adapter the environment configures, read from it on each call.

    Keep the instance for the container's life: the HTTPS adapter's connection pool, circuit
    breaker and rate limit are only worth something across invocations.
    """
    if os.environ.get(URL_ENV, "").strip():
        from kentei.national.https import HttpsNational

        return HttpsNational.from_environ()
    if settings.environment() == "local":
        from kentei.national.memory import InMemoryNational

        return InMemoryNational()
    raise NationalConfigurationError(
        f"the national system is not configured (environment variable {URL_ENV})"
    )
