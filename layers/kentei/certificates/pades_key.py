"""What a PAdES signature asks of the key: ECDSA P-256 over SHA-256, DER signatures.

Shared by :mod:`kentei.certificates.pades` (which re-exports it) and
:mod:`kentei.certificates.pades_signer`, which pyHanko's side imports.
"""

from __future__ import annotations

from typing import Final, Protocol

DIGEST_ALGORITHM: Final = "sha256"
SIGNATURE_MECHANISM: Final = "sha256_ecdsa"
"""ECDSA with SHA-256 (RFC 5758's ``ecdsa-with-SHA256``), the KMS key's ``ECDSA_SHA_256``."""
MAX_DER_SIGNATURE_BYTES: Final = 72
"""The longest DER encoding of a P-256 ECDSA signature: what a size estimate reserves."""


class DerSigner(Protocol):
    """Signs ``message`` (hashing it with SHA-256 itself) with an ECDSA P-256 key and answers
    the DER-encoded signature (``Ecdsa-Sig-Value``); ``kentei.signing``'s ``SigningKey`` is one."""

    def sign_der(self, message: bytes) -> bytes: ...


class PadesSigningError(Exception):
    """A PDF could not be signed; the message names the rule, never the document's content."""


class TimestampUnavailableError(PadesSigningError):
    """The time-stamping authority did not answer (B-T only): transient, worth a retry."""
