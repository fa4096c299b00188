"""What the public function works with: the published documents and the issuer, and their
deployed (or local) adapters.

:func:`dependencies` builds them for each request: the S3 client behind them is made once
(:mod:`kentei.aws`), and the issuer is two environment variables, read anew so the local
runtime can point it at its own port. Tests pass their own :class:`Dependencies` (in-memory
documents) to :func:`public.api.respond`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kentei.credentials.issuer import IssuerProfile
    from kentei.data.published import PublishedDocument


class Documents(Protocol):
    """The issuer's published documents (:class:`kentei.data.published.PublishedDocuments`)."""

    def get(self, key: str) -> PublishedDocument | None:
        """The document at ``key`` (``published/...``), or None."""
        ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Dependencies:
    documents: Documents
    issuer: IssuerProfile
    clock: Callable[[], datetime] = utc_now
    """The verifier's clock: a status list is used only within its validity period."""


def issuer_from_environment() -> IssuerProfile:
    """The issuer certify issues under (:func:`kentei.credentials.issuer.
    issuer_from_environment`), read anew on each request."""
    from kentei.credentials.issuer import issuer_from_environment as from_environ

    return from_environ(os.environ)


def dependencies() -> Dependencies:
    from kentei.data.published import PublishedDocuments

    return Dependencies(documents=PublishedDocuments(), issuer=issuer_from_environment())
