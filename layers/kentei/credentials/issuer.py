"""Who issues the electronic certificates and where its public documents are published.

One :class:`IssuerProfile` per deployment (configuration, not code): its ``id`` is the
issuer's URL (the VC ``issuer``), and every public document hangs under it:

- ``<id>/.well-known/jwks.json``: the key ring's public keys (:mod:`kentei.credentials.jwks`);
- ``<id>/credentials/status/<n>/revocation`` and ``.../<n>/message``: status list ``n``
  (:mod:`kentei.credentials.status`).

The 2D code carries only the list number and index: a verifier rebuilds the status list's
URL from the issuer's ``id`` with :meth:`IssuerProfile.status_list_url`.

A function finds its issuer in the environment (:func:`issuer_from_environment`):
:data:`ISSUER_URL_ENV` (deployed: from the CDK context, a ``.invalid`` placeholder until
configured) and :data:`ISSUER_NAME_ENV` (the catalog's).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

ISSUER_URL_ENV: Final = "KENTEI_CREDENTIAL_ISSUER_URL"
"""The issuer's id: the URL under which its JWKS and status lists are served."""
ISSUER_NAME_ENV: Final = "KENTEI_CREDENTIAL_ISSUER_NAME"
"""The issuer's display name in every credential."""
_STATUS_PATH: Final = re.compile(r"/credentials/status/([1-9][0-9]{0,8})/(revocation|message)$")


@dataclass(frozen=True)
class IssuerProfile:
    """The issuer: its URL (``https://…``, no trailing slash) and its display name."""

    id: str
    name: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"https?://[^\s/]+(?:/[^\s]*)?", self.id) or self.id.endswith("/"):
            raise ValueError("the issuer id is an http(s) URL without a trailing slash")

    @property
    def jwks_url(self) -> str:
        return f"{self.id}/.well-known/jwks.json"

    def status_list_url(self, list_number: int, purpose: str) -> str:
        return f"{self.id}/credentials/status/{list_number}/{purpose}"

    def parse_status_list_url(self, url: str) -> tuple[int, str] | None:
        """``(list number, purpose)`` of one of this issuer's status list URLs, else None."""
        if not url.startswith(self.id + "/"):
            return None
        match = _STATUS_PATH.fullmatch(url[len(self.id) :])
        return (int(match.group(1)), match.group(2)) if match else None


class IssuerNotConfiguredError(RuntimeError):
    """The environment does not name the issuer."""


def issuer_from_environment(environ: Mapping[str, str]) -> IssuerProfile:
    """The issuer the environment names (:data:`ISSUER_URL_ENV`, :data:`ISSUER_NAME_ENV`)."""
    url = environ.get(ISSUER_URL_ENV, "").strip()
    name = environ.get(ISSUER_NAME_ENV, "").strip()
    if not url or not name:
        raise IssuerNotConfiguredError(f"{ISSUER_URL_ENV} and {ISSUER_NAME_ENV} must be set")
    host = url.split("://", 1)[-1].split("/", 1)[0]
    if host.endswith(".invalid"):
        # The deployed placeholder: no credential is issued under an issuer nobody serves.
        raise IssuerNotConfiguredError(f"{ISSUER_URL_ENV} is the placeholder: configure it")
    return IssuerProfile(url, name)
