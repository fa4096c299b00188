"""The signing key port: what signs our electronic certificates, status lists and PDFs.

A :class:`SigningKey` is one ECDSA P-256 key (ES256, RFC 7518 §3.4) known by a ``kid``. It
signs a message (never a digest: see :mod:`kentei.signing.kms`) and returns the signature in
the two shapes its users need: raw ``r || s`` (64 bytes, what JWS and COSE carry) and DER (an
ASN.1 ``ECDSA-Sig-Value``, what CMS and so PDF signatures carry).

Implementations: :class:`kentei.signing.kms.KmsSigningKey` (the catalog's
``certificate-signing`` key in KMS) and :class:`kentei.signing.memory.InMemorySigningKey`
(tests, and the local test CA's signer).
"""

from __future__ import annotations

from typing import Final, Protocol

ES256: Final = "ES256"
"""JOSE name of ECDSA with P-256 and SHA-256 (RFC 7518)."""
COSE_ES256: Final = -7
"""COSE name of the same algorithm (RFC 9053 §2.1)."""
CURVE: Final = "P-256"
SIGNATURE_BYTES: Final = 64
"""A raw ES256 signature: ``r`` and ``s``, 32 bytes each, big-endian."""


class SigningError(RuntimeError):
    """A signature could not be made. Names the ``kid``, never the message."""


class SigningKey(Protocol):
    """One signing key of the issuer (発行者の署名鍵)."""

    @property
    def kid(self) -> str:
        """The key's identifier in the JWKS, in JWS headers and in COSE headers."""
        ...

    @property
    def algorithm(self) -> str:
        """Always :data:`ES256`."""
        ...

    def public_jwk(self) -> dict[str, str]:
        """The public key as a JWK (``kty``, ``crv``, ``x``, ``y``, ``kid``, ``alg``, ``use``)."""
        ...

    def sign(self, message: bytes) -> bytes:
        """ECDSA-SHA-256 over ``message``: raw ``r || s`` (64 bytes)."""
        ...

    def sign_der(self, message: bytes) -> bytes:
        """ECDSA-SHA-256 over ``message``, DER-encoded (for CMS and PDF signatures)."""
        ...
