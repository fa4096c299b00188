"""The issuer's signing keys (署名鍵): the port, the KMS and in-memory keys, the key ring.

:class:`SigningKey` signs with ES256; :class:`KeyRing` holds the active key and the retired
ones the JWKS keeps publishing. The KMS adapter lives in :mod:`kentei.signing.kms` (imported
by the composition root that wires it, so nothing here creates a client).
"""

from __future__ import annotations

from kentei.signing.keyring import KeyRing, RetiredKey, load_key_ring, load_key_ring_data
from kentei.signing.port import COSE_ES256, ES256, SigningError, SigningKey

__all__ = [
    "COSE_ES256",
    "ES256",
    "KeyRing",
    "RetiredKey",
    "SigningError",
    "SigningKey",
    "load_key_ring",
    "load_key_ring_data",
]
