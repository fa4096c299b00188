"""The issuer's signing key in KMS: the catalog's ``certificate-signing`` key (ECC_NIST_P256).

- **Sign.** ``Sign`` with ``SigningAlgorithm=ECDSA_SHA_256`` and ``MessageType=RAW``: KMS
  hashes the message itself, so what is signed is exactly what a verifier hashes. KMS takes
  at most 4,096 bytes as a raw message; a longer one (a status list credential with many
  set bits) is sent as its SHA-256 with ``MessageType=DIGEST``, which KMS signs as the same
  ECDSA-SHA-256 signature of the message. (moto by itself ignores ``MessageType`` and hashes
  the digest again; the local runtime patches it to sign the digest as KMS does:
  ``kentei_local.moto_kms``.)
- **Checked.** Every signature is verified against the key's public key before it is
  returned, so a wrong key, a wrong hash or a misbehaving endpoint fails here
  (:class:`SigningError`), not at a verifier weeks later.
- **Public key.** ``GetPublicKey`` once per instance (a key's public half never changes), and
  refused unless it is a P-256 signing key.

KMS returns DER; :meth:`KmsSigningKey.sign` converts to raw ``r || s`` for JOSE and COSE.
Errors name the ``kid`` and KMS's error code, never the message.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from botocore.exceptions import BotoCoreError, ClientError

from kentei import aws
from kentei.signing.ecdsa import (
    KeyFormatError,
    der_to_raw,
    public_jwk,
    public_key_from_der,
    verify_raw,
)
from kentei.signing.port import ES256, SigningError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec
    from mypy_boto3_kms.client import KMSClient

KMS_SIGNING_ALGORITHM: Final = "ECDSA_SHA_256"
KMS_KEY_SPEC: Final = "ECC_NIST_P256"
RAW_MESSAGE_LIMIT: Final = 4096
"""The longest message KMS ``Sign`` accepts with ``MessageType=RAW``, in bytes."""


class KmsSigningKey:
    """An ES256 :class:`~kentei.signing.port.SigningKey` whose private half never leaves KMS."""

    def __init__(self, key_id: str, kid: str, *, kms: Callable[[], KMSClient] = aws.kms) -> None:
        self._key_id = key_id
        self._kid = kid
        self._kms = kms
        self._lock = threading.Lock()
        self._public_key: ec.EllipticCurvePublicKey | None = None

    @property
    def kid(self) -> str:
        return self._kid

    @property
    def algorithm(self) -> str:
        return ES256

    def public_key(self) -> ec.EllipticCurvePublicKey:
        with self._lock:
            if self._public_key is None:
                self._public_key = self._fetch_public_key()
            return self._public_key

    def public_jwk(self) -> dict[str, str]:
        return public_jwk(self.public_key(), self._kid)

    def sign(self, message: bytes) -> bytes:
        return der_to_raw(self.sign_der(message))

    def sign_der(self, message: bytes) -> bytes:
        if not message:
            raise SigningError(f"nothing to sign with {self._kid}")
        public_key = self.public_key()
        if len(message) <= RAW_MESSAGE_LIMIT:
            der = self._sign(message, "RAW")
        else:
            der = self._sign(hashlib.sha256(message).digest(), "DIGEST")
        try:
            valid = verify_raw(public_key, message, der_to_raw(der))
        except KeyFormatError:
            valid = False
        if not valid:
            raise SigningError(f"KMS returned a signature that {self._kid} does not verify")
        return der

    def _sign(self, message: bytes, message_type: str) -> bytes:
        try:
            response = self._kms().sign(
                KeyId=self._key_id,
                Message=message,
                MessageType=message_type,  # type: ignore[arg-type]
                SigningAlgorithm=KMS_SIGNING_ALGORITHM,
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "unknown")
            raise SigningError(f"KMS could not sign with {self._kid}: {code}") from None
        except BotoCoreError as exc:
            raise SigningError(
                f"KMS could not sign with {self._kid}: {type(exc).__name__}"
            ) from None
        return response["Signature"]

    def _fetch_public_key(self) -> ec.EllipticCurvePublicKey:
        try:
            response = self._kms().get_public_key(KeyId=self._key_id)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "unknown")
            raise SigningError(f"KMS has no public key for {self._kid}: {code}") from None
        # CustomerMasterKeySpec is KeySpec's deprecated twin; moto returns only that one.
        key_spec = response.get("KeySpec") or response.get("CustomerMasterKeySpec")
        if key_spec != KMS_KEY_SPEC or KMS_SIGNING_ALGORITHM not in response.get(
            "SigningAlgorithms", []
        ):
            raise SigningError(f"{self._kid} is not an {KMS_KEY_SPEC} signing key")
        try:
            return public_key_from_der(response["PublicKey"])
        except (KeyFormatError, ValueError) as exc:
            raise SigningError(f"{self._kid}'s public key is not a P-256 key") from exc
