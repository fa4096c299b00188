"""JWS compact serialization (RFC 7515) over a :class:`~kentei.signing.SigningKey`, by hand.

No JOSE library signs through KMS, so the three parts are built here: the protected header
and the payload as compact JSON (UTF-8, no whitespace), each unpadded base64url, joined by
dots, and the ES256 signature (raw ``r || s``) of ``header.payload`` as the third part.
:func:`verify_compact` is the inverse, against a JWK; it refuses any algorithm but ES256
(no ``none``, no HMAC confusion) and any header it does not understand (``crit``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kentei.signing.ecdsa import (
    KeyFormatError,
    b64url,
    b64url_decode,
    public_key_from_jwk,
    verify_raw,
)
from kentei.signing.port import ES256, SigningKey


class MalformedTokenError(ValueError):
    """Not a JWS compact serialization we can read."""


class BadSignatureError(ValueError):
    """The signature does not verify with the named key."""


def compact_json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_compact(header: Mapping[str, Any], payload: Mapping[str, Any], key: SigningKey) -> str:
    """``header`` (with ``alg`` and ``kid`` of ``key`` set here) and ``payload`` as a JWS."""
    protected = {**header, "alg": key.algorithm, "kid": key.kid}
    signing_input = f"{b64url(compact_json(protected))}.{b64url(compact_json(payload))}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}"


@dataclass(frozen=True)
class Jws:
    """A parsed, not yet verified, JWS."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def kid(self) -> str | None:
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None


def _json_object(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(part).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedTokenError(f"the {what} is not base64url JSON") from exc
    if not isinstance(value, dict):
        raise MalformedTokenError(f"the {what} is not a JSON object")
    return value


def parse_compact(token: str) -> Jws:
    """The header, payload and signature of ``token``; refuses anything but ES256."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise MalformedTokenError("a JWS has three non-empty parts")
    header = _json_object(parts[0], "header")
    if header.get("alg") != ES256:
        raise MalformedTokenError(f"the algorithm must be {ES256}")
    if "crit" in header:
        raise MalformedTokenError("no critical header extension is understood")
    payload = _json_object(parts[1], "payload")
    try:
        signature = b64url_decode(parts[2])
    except ValueError as exc:
        raise MalformedTokenError("the signature is not base64url") from exc
    return Jws(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def verify_compact(jws: Jws, jwk: Mapping[str, object]) -> None:
    """Raises :class:`BadSignatureError` unless ``jwk`` verifies ``jws``."""
    try:
        key = public_key_from_jwk(jwk)
    except KeyFormatError as exc:
        raise BadSignatureError(f"the key {jwk.get('kid')} is not usable") from exc
    if not verify_raw(key, jws.signing_input, jws.signature):
        raise BadSignatureError(f"the signature does not verify with {jwk.get('kid')}")
