"""A signing key held in memory (``cryptography``): unit tests and local test fixtures.

Never the issuer's key in a deployment: there the key stays in KMS
(:class:`kentei.signing.kms.KmsSigningKey`).
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from kentei.signing.ecdsa import der_to_raw, public_jwk
from kentei.signing.port import ES256


class InMemorySigningKey:
    """An ES256 :class:`~kentei.signing.port.SigningKey` over a private key in memory."""

    def __init__(self, kid: str, private_key: ec.EllipticCurvePrivateKey | None = None) -> None:
        self._kid = kid
        self._private_key = private_key or ec.generate_private_key(ec.SECP256R1())
        self.signed = 0
        """How many signatures this key made (tests count the signing calls)."""

    @property
    def kid(self) -> str:
        return self._kid

    @property
    def algorithm(self) -> str:
        return ES256

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._private_key.public_key()

    def public_jwk(self) -> dict[str, str]:
        return public_jwk(self.public_key, self._kid)

    def sign(self, message: bytes) -> bytes:
        return der_to_raw(self.sign_der(message))

    def sign_der(self, message: bytes) -> bytes:
        self.signed += 1
        return self._private_key.sign(message, ec.ECDSA(hashes.SHA256()))
