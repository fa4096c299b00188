"""ES256 keys and signatures in the shapes JOSE, COSE and CMS want.

- **Signatures.** ECDSA gives two integers ``r`` and ``s``. KMS and CMS carry them DER-encoded
  (``SEQUENCE { INTEGER r, INTEGER s }``, 70-72 bytes); JWS (RFC 7518 §3.4) and COSE (RFC 9053
  §2.1) carry them raw, ``r || s`` with each integer left-padded to 32 bytes.
- **Keys.** A P-256 public key as a JWK (RFC 7517/7518: ``kty`` EC, ``crv``, ``x``, ``y`` in
  unpadded base64url) and its RFC 7638 thumbprint: SHA-256 over the required members only, in
  lexicographic order, without whitespace.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from kentei.signing.port import CURVE, ES256, SIGNATURE_BYTES

_COORDINATE_BYTES: Final = SIGNATURE_BYTES // 2
_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]*")
_THUMBPRINT_MEMBERS: Final = ("crv", "kty", "x", "y")
"""RFC 7638 §3.2: the required members of an EC public key, in lexicographic order."""


class KeyFormatError(ValueError):
    """A key or signature is not an ES256 one."""


def b64url(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The inverse of :func:`b64url`; refuses padding and characters outside the alphabet."""
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def der_to_raw(der: bytes) -> bytes:
    """A DER ``ECDSA-Sig-Value`` as raw ``r || s`` (64 bytes)."""
    try:
        r, s = decode_dss_signature(der)
    except ValueError as exc:
        raise KeyFormatError("not a DER ECDSA signature") from exc
    limit = 1 << (8 * _COORDINATE_BYTES)
    if not (0 < r < limit and 0 < s < limit):
        raise KeyFormatError("not a P-256 signature")
    return r.to_bytes(_COORDINATE_BYTES, "big") + s.to_bytes(_COORDINATE_BYTES, "big")


def raw_to_der(raw: bytes) -> bytes:
    """Raw ``r || s`` as a DER ``ECDSA-Sig-Value``."""
    if len(raw) != SIGNATURE_BYTES:
        raise KeyFormatError(f"a raw ES256 signature has {SIGNATURE_BYTES} bytes")
    r = int.from_bytes(raw[:_COORDINATE_BYTES], "big")
    s = int.from_bytes(raw[_COORDINATE_BYTES:], "big")
    return encode_dss_signature(r, s)


def public_jwk(key: ec.EllipticCurvePublicKey, kid: str) -> dict[str, str]:
    """``key`` as a signing JWK named ``kid``."""
    if not isinstance(key.curve, ec.SECP256R1):
        raise KeyFormatError("an ES256 key is on P-256")
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": CURVE,
        "x": b64url(numbers.x.to_bytes(_COORDINATE_BYTES, "big")),
        "y": b64url(numbers.y.to_bytes(_COORDINATE_BYTES, "big")),
        "kid": kid,
        "alg": ES256,
        "use": "sig",
    }


def public_key_from_der(der: bytes) -> ec.EllipticCurvePublicKey:
    """A DER ``SubjectPublicKeyInfo`` (what KMS ``GetPublicKey`` returns) as a P-256 key."""
    key = serialization.load_der_public_key(der)
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise KeyFormatError("the key is not an ECC_NIST_P256 key")
    return key


def public_key_from_jwk(jwk: Mapping[str, object]) -> ec.EllipticCurvePublicKey:
    """A JWK's P-256 public key; refuses any other key type, curve or a point off the curve."""
    if jwk.get("kty") != "EC" or jwk.get("crv") != CURVE:
        raise KeyFormatError("not a P-256 JWK")
    try:
        x = b64url_decode(str(jwk["x"]))
        y = b64url_decode(str(jwk["y"]))
    except (KeyError, ValueError) as exc:
        raise KeyFormatError("the JWK has no valid x and y") from exc
    if len(x) != _COORDINATE_BYTES or len(y) != _COORDINATE_BYTES:
        raise KeyFormatError("a P-256 coordinate has 32 bytes")
    try:
        return ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
        ).public_key()
    except ValueError as exc:
        raise KeyFormatError("the JWK's point is not on P-256") from exc


def thumbprint(jwk: Mapping[str, object]) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC public key."""
    try:
        members = {name: str(jwk[name]) for name in _THUMBPRINT_MEMBERS}
    except KeyError as exc:
        raise KeyFormatError(f"an EC JWK needs {exc.args[0]}") from exc
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True, ensure_ascii=True)
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def verify_raw(key: ec.EllipticCurvePublicKey, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` (raw ``r || s``) is ``key``'s ES256 signature of ``message``."""
    if len(signature) != SIGNATURE_BYTES:
        return False
    try:
        key.verify(raw_to_der(signature), message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
