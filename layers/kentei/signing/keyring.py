"""The issuer's key ring (鍵リング): the active signing key and every retired one, as data.

``keyring.json`` names the active key's ``kid`` and keeps each retired key's public JWK with
the day it stopped signing. Only the active key signs; the JWKS publishes all of them, so a
credential signed years ago still verifies after any number of rotations.

A ``kid`` is ``<prefix>-<n>``: versioned (``n`` counts the issuer's keys, never reused) and
stable (it is fixed when the key is made, never derived from anything that can change), and
short, which matters inside a QR code. A retired key's RFC 7638 thumbprint is recorded beside
its JWK, and :func:`load_key_ring_data` refuses a JWK that no longer matches it.

**Rotation** (a data change committed with the new KMS key): move the active key's public JWK
to ``retired`` with ``retired_on`` and its thumbprint, point the catalog's alias at the new
KMS key, and set ``active_kid`` to the next ``n``. Certify's next daily re-signing
(:mod:`certify.status_renewal`, the ``status-lists`` schedule) sees that the published JWKS
is not the ring's: it publishes the new set, then signs every status list with the new key.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kentei.signing.ecdsa import KeyFormatError, public_key_from_jwk, thumbprint
from kentei.signing.port import SigningKey

KID_PATTERN: Final = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[1-9][0-9]*$")
"""``<prefix>-<n>``: a lowercase prefix and a positive version number."""


class RetiredKey(BaseModel):
    """A key that no longer signs but still verifies what it signed."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    kid: str = Field(pattern=KID_PATTERN.pattern)
    jwk: dict[str, str]
    thumbprint: str = Field(description="RFC 7638 thumbprint of jwk")
    retired_on: dt.date

    @model_validator(mode="after")
    def _consistent(self) -> RetiredKey:
        if self.jwk.get("kid") != self.kid:
            raise ValueError(f"the JWK of {self.kid} names another kid")
        try:
            public_key_from_jwk(self.jwk)
        except KeyFormatError as exc:
            raise ValueError(f"the JWK of {self.kid}: {exc}") from exc
        if thumbprint(self.jwk) != self.thumbprint:
            raise ValueError(f"the JWK of {self.kid} does not match its recorded thumbprint")
        if "d" in self.jwk:
            raise ValueError(f"the JWK of {self.kid} holds a private key")
        return self


class KeyRingData(BaseModel):
    """``keyring.json``."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    active_kid: str = Field(pattern=KID_PATTERN.pattern)
    retired: tuple[RetiredKey, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> KeyRingData:
        kids = [self.active_kid, *(key.kid for key in self.retired)]
        if len(set(kids)) != len(kids):
            raise ValueError("a kid is named twice in the key ring")
        return self


def load_key_ring_data(text: str | bytes | None = None) -> KeyRingData:
    """The committed key ring (or ``text``), validated."""
    if text is None:
        text = resources.files("kentei.signing").joinpath("keyring.json").read_text("utf-8")
    return KeyRingData.model_validate(json.loads(text))


@dataclass(frozen=True)
class KeyRing:
    """The active key (it signs) and the retired keys (they only verify)."""

    active: SigningKey
    retired: tuple[RetiredKey, ...] = ()

    def __post_init__(self) -> None:
        if any(key.kid == self.active.kid for key in self.retired):
            raise ValueError(f"{self.active.kid} is both active and retired")

    def public_jwks(self) -> list[dict[str, str]]:
        """Every key's public JWK, the active one first."""
        return [self.active.public_jwk(), *(dict(key.jwk) for key in self.retired)]


def load_key_ring(active: SigningKey, data: KeyRingData | None = None) -> KeyRing:
    """The ring of ``data`` (the committed one by default) with ``active`` as its signer;
    refuses an ``active`` key whose kid is not the data's ``active_kid``."""
    data = data or load_key_ring_data()
    if active.kid != data.active_kid:
        raise ValueError(f"the key ring's active kid is {data.active_kid}, not {active.kid}")
    return KeyRing(active, data.retired)
