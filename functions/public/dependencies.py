"""What the public function works with: the published documents and the issuer, and their
deployed (or local) adapters.

:func:`dependencies` builds them for each request: the S3 client behind them is made once
(:mod:`kentei.aws`), and the issuer is two environment variables, read anew so the local
runtime can point it at its own port. Tests pass their own :class:`Dependencies` (in-memory
documents) to :func:`public.api.respond`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

if TYPE_CHECKING:
    from kentei.credentials.issuer import IssuerProfile
    from kentei.data.published import PublishedDocument

ISSUER_URL_ENV: Final = "KENTEI_CREDENTIAL_ISSUER_URL"
"""The issuer's id: its URL, under which the JWKS and the status lists are served (the
public API's own address, deployed)."""
ISSUER_NAME_ENV: Final = "KENTEI_CREDENTIAL_ISSUER_NAME"
"""The issuer's display name."""


class Documents(Protocol):
    """The issuer's published documents (:class:`kentei.data.published.PublishedDocuments`)."""

    def get(self, key: str) -> PublishedDocument | None:
        """The document at ``key`` (``published/...``), or None."""
        ...


@dataclass(frozen=True)
class Dependencies:
    documents: Documents
    issuer: IssuerProfile


def issuer_from_environment() -> IssuerProfile:
    from kentei.credentials.issuer import IssuerProfile

    url = os.environ.get(ISSUER_URL_ENV, "").strip()
    name = os.environ.get(ISSUER_NAME_ENV, "").strip()
    if not url or not name:
        raise RuntimeError(f"{ISSUER_URL_ENV} and {ISSUER_NAME_ENV} must be set")
    return IssuerProfile(url, name)


def dependencies() -> Dependencies:
    from kentei.data.published import PublishedDocuments

    return Dependencies(documents=PublishedDocuments(), issuer=issuer_from_environment())
