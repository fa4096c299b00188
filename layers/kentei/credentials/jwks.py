"""The issuer's public keys as a JWK Set (RFC 7517 §5), published at ``/.well-known/jwks.json``.

Every key of the ring, active first, each with ``kid``, ``use: sig`` and ``alg: ES256``; a
retired key stays in the set for good, so every certificate it signed keeps verifying.
:func:`find_key` is how a verifier picks the key a credential names (an unknown ``kid`` is
the verifier's ``unknown-key`` verdict, never a guess at another key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Final

from kentei.signing.keyring import KeyRing
from kentei.signing.port import ES256

JWKS_CACHE_SECONDS: Final = 3600
"""``Cache-Control: max-age`` of the published JWKS: a new key is published a day before it
signs (rotation), so an hour of caching never hides a key in use."""
_PUBLIC_MEMBERS: Final = ("kty", "crv", "x", "y", "kid", "use", "alg")


class JwksError(ValueError):
    """A JWK Set that is not a well-formed set of distinct signing keys."""


def jwks_document(ring: KeyRing) -> dict[str, list[dict[str, str]]]:
    """The JWK Set of ``ring``: public members only, ``use`` and ``alg`` set on each key."""
    keys: list[dict[str, str]] = []
    for jwk in ring.public_jwks():
        public: dict[str, str] = {name: jwk[name] for name in _PUBLIC_MEMBERS if name in jwk}
        keys.append({**public, "use": "sig", "alg": ES256})
    kids = [key["kid"] for key in keys]
    if len(set(kids)) != len(kids):
        raise JwksError("two keys of the ring share a kid")
    return {"keys": keys}


def jwks_json(ring: KeyRing) -> bytes:
    """The document published at ``/.well-known/jwks.json``: :func:`jwks_document` as JSON."""
    return json.dumps(jwks_document(ring), ensure_ascii=False).encode("utf-8")


def jwks_digest(document: bytes) -> str:
    """The SHA-256 (hex) of a published JWK Set: public keys only, so an unkeyed digest is
    fine (what it tells is public); recorded to see when the published set is not the ring's."""
    return hashlib.sha256(document).hexdigest()


def find_key(jwks: Mapping[str, Any], kid: str) -> dict[str, Any] | None:
    """The signing key named ``kid`` in ``jwks``, or None."""
    keys = jwks.get("keys")
    if not isinstance(keys, list):
        raise JwksError("a JWK Set has a list of keys")
    matches = [key for key in keys if isinstance(key, dict) and key.get("kid") == kid]
    if len(matches) > 1:
        raise JwksError(f"the JWK Set names {kid} twice")
    if not matches or matches[0].get("use", "sig") != "sig":
        return None
    if matches[0].get("alg", ES256) != ES256:
        return None
    return matches[0]
