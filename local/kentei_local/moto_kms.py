"""moto's KMS ``Sign`` and ``Verify`` made to honour ``MessageType`` as KMS does.

moto (5.x) ignores ``MessageType``: it hashes whatever it is given, so a ``DIGEST`` request
(the SHA-256 of a message longer than KMS's 4,096-byte raw limit, as
:class:`kentei.signing.kms.KmsSigningKey` sends for a large status list) comes back signed
over the hash of the hash, which no verifier accepts. And it signs a ``RAW`` message of any
length, where KMS refuses one over 4,096 bytes.

:func:`install` patches moto's response layer (the request parsing), leaving the keys and
their algorithms to moto: a ``DIGEST`` message must be exactly the algorithm's digest length
and is signed as prehashed; a ``RAW`` message over 4,096 bytes is a ``ValidationException``,
as KMS answers. Only ECDSA keys take ``DIGEST`` here (the project's signing key is
ECC_NIST_P256); a ``DIGEST`` for another key type is refused rather than signed wrongly.
"""

from __future__ import annotations

import base64
import functools
import json
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from moto.kms.exceptions import ValidationException
from moto.kms.responses import KmsResponse

RAW_LIMIT: Final = 4096
"""KMS's largest raw message for Sign and Verify, in bytes."""
_DIGESTS: Final = {
    "ECDSA_SHA_256": hashes.SHA256(),
    "ECDSA_SHA_384": hashes.SHA384(),
    "ECDSA_SHA_512": hashes.SHA512(),
}
_INSTALLED: Final = "_kentei_message_type"


def install() -> None:
    """Patch moto's KMS responses (idempotent; process-wide, like moto's backends)."""
    if getattr(KmsResponse, _INSTALLED, False):
        return
    original_sign = KmsResponse.sign
    original_verify = KmsResponse.verify

    @functools.wraps(original_sign)
    def sign(self: KmsResponse) -> str:
        message, message_type, algorithm = _request(self)
        if message_type != "DIGEST":
            return original_sign(self)
        key = _ecdsa_key(self, algorithm, message)
        signature = key.sign(message, ec.ECDSA(Prehashed(_DIGESTS[algorithm])))
        arn = self.kms_backend.describe_key(self._get_param("KeyId")).arn
        return json.dumps(
            {
                "KeyId": arn,
                "Signature": base64.b64encode(signature).decode(),
                "SigningAlgorithm": algorithm,
            }
        )

    @functools.wraps(original_verify)
    def verify(self: KmsResponse) -> str:
        message, message_type, algorithm = _request(self)
        if message_type != "DIGEST":
            return original_verify(self)
        key = _ecdsa_key(self, algorithm, message)
        signature = base64.b64decode(self._get_param("Signature"))
        try:
            key.public_key().verify(signature, message, ec.ECDSA(Prehashed(_DIGESTS[algorithm])))
            valid = True
        except InvalidSignature:
            valid = False
        arn = self.kms_backend.describe_key(self._get_param("KeyId")).arn
        return json.dumps({"KeyId": arn, "SignatureValid": valid, "SigningAlgorithm": algorithm})

    KmsResponse.sign = sign  # type: ignore[method-assign]
    KmsResponse.verify = verify  # type: ignore[method-assign]
    setattr(KmsResponse, _INSTALLED, True)


def _request(response: KmsResponse) -> tuple[bytes, str, str]:
    """The message (decoded), its type and the algorithm; a raw message over the limit is
    refused as KMS refuses it."""
    # moto's KMS responses decode the base64 blob of ``Message`` in ``_get_param``.
    raw: Any = response._get_param("Message")
    decoded = raw.encode() if isinstance(raw, str) else bytes(raw or b"")
    message_type = response._get_param("MessageType") or "RAW"
    if message_type == "RAW" and len(decoded) > RAW_LIMIT:
        raise ValidationException(
            "1 validation error detected: Value at 'message' failed to satisfy constraint: "
            f"Member must have length less than or equal to {RAW_LIMIT}"
        )
    return decoded, message_type, response._get_param("SigningAlgorithm")


def _ecdsa_key(response: KmsResponse, algorithm: str, digest: bytes) -> ec.EllipticCurvePrivateKey:
    key = response.kms_backend.describe_key(response._get_param("KeyId"))
    private = getattr(key.private_key, "private_key", None)
    if not isinstance(private, ec.EllipticCurvePrivateKey) or algorithm not in _DIGESTS:
        raise ValidationException("DIGEST messages are supported here for ECDSA keys only")
    if len(digest) != _DIGESTS[algorithm].digest_size:
        raise ValidationException(f"Digest is invalid length for algorithm {algorithm}.")
    return private
