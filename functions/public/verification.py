"""Verifying what a visitor presents, from the issuer's published documents alone.

The same steps an employer's software follows (README, "Verifying a certificate"): the JWK Set
from ``published/jwks.json``, the certificate's signature, then the two status lists it names,
read from ``published/status/<n>/<purpose>.jwt`` only when the verifier asks for them
(:class:`PublishedStatusLists`), so a forged or malformed code costs one read, not three. The
verdict is :func:`kentei.credentials.verifier.verify`'s; nothing here decides validity.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from kentei import my_number

if TYPE_CHECKING:
    from kentei.credentials.issuer import IssuerProfile
    from kentei.credentials.verifier import Verdict
    from public.dependencies import Dependencies, Documents

MAX_PRESENTED_CHARS: Final = 16 * 1024
"""The longest text verified: a VC-JWT is about two kilobytes, a 2D code's text 500
characters; anything longer is not a certificate of ours."""
FIELD: Final = "credential"


class PresentedError(ValueError):
    """What was presented cannot be verified at all: ``rule`` says why (``missing``,
    ``too-long``, ``my-number``); never quotes it."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = FIELD
        self.rule = rule


class KeysUnavailableError(RuntimeError):
    """The issuer's JWK Set is not published, or not a JWK Set: nothing can be verified."""


def presented_text(raw: str | None) -> str:
    """``raw`` stripped, refused when empty, too long or holding a My Number (invariant 3: a
    certificate never holds one, so a text that does is refused before anything else)."""
    text = (raw or "").strip()
    if not text:
        raise PresentedError("missing", "paste the 2D code's text or the credential")
    if len(text) > MAX_PRESENTED_CHARS:
        raise PresentedError("too-long", f"at most {MAX_PRESENTED_CHARS} characters")
    if my_number.contains(text):
        raise PresentedError("my-number", "a certificate never holds a My Number")
    return text


def published_jwks(documents: Documents) -> dict[str, Any]:
    from kentei.data.published import JWKS_KEY

    document = documents.get(JWKS_KEY)
    if document is None:
        raise KeysUnavailableError("the issuer's keys are not published")
    try:
        jwks = json.loads(document.body)
    except (UnicodeDecodeError, ValueError):
        raise KeysUnavailableError("the published keys are not JSON") from None
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise KeysUnavailableError("the published keys are not a JWK Set")
    return jwks


@dataclass
class PublishedStatusLists(Mapping[str, str]):
    """The status list credentials by URL, each read from the bucket when first asked for.

    A URL that is not one of the issuer's lists, a list not published, or one that cannot be
    read is absent: the verifier then says ``status-unavailable``, never ``valid``.
    """

    documents: Documents
    issuer: IssuerProfile
    _read: dict[str, str | None] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    """The kinds of error met reading a list (for the log: types, never content)."""

    def __getitem__(self, url: str) -> str:
        if url not in self._read:
            self._read[url] = self._fetch(url)
        token = self._read[url]
        if token is None:
            raise KeyError(url)
        return token

    def __iter__(self) -> Iterator[str]:
        return iter([url for url, token in self._read.items() if token is not None])

    def __len__(self) -> int:
        return sum(1 for token in self._read.values() if token is not None)

    def _fetch(self, url: str) -> str | None:
        from kentei.data.published import status_list_key

        located = self.issuer.parse_status_list_url(url)
        if located is None:
            return None
        try:
            document = self.documents.get(status_list_key(*located))
            return None if document is None else document.body.decode("ascii").strip()
        except Exception as exc:
            self.failures.append(type(exc).__name__)
            return None


@dataclass(frozen=True)
class Checked:
    verdict: Verdict
    issuer: IssuerProfile
    failures: tuple[str, ...] = ()


def check(raw: str | None, dependencies: Dependencies) -> Checked:
    """The verdict on ``raw``: :class:`PresentedError` for a text that cannot be a
    certificate, :class:`KeysUnavailableError` when the issuer's keys cannot be read."""
    # The verifier (cryptography, CBOR, zlib) only when something is verified (cold start).
    from kentei.credentials.verifier import verify

    text = presented_text(raw)
    jwks = published_jwks(dependencies.documents)
    lists = PublishedStatusLists(dependencies.documents, dependencies.issuer)
    verdict = verify(
        text, jwks=jwks, status_lists=lists, issuer=dependencies.issuer, now=dependencies.clock()
    )
    return Checked(verdict, dependencies.issuer, tuple(lists.failures))
