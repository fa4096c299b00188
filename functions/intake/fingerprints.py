"""A request's fingerprint: what makes a retry "the same request" (idempotency, convergence).

The fingerprint covers the body exactly as sent and the application it corrects
(``resubmission_of``): the same key with another body, or the same body correcting another
application, is another request.

It is stored (on the application in the records table, and hashed by Powertools in the
idempotency table), so it must not let a reader of those tables confirm a guess (invariant
4): a paper body is the stored form plus the My Number, and the My Number has only 10^11
values, so an unkeyed hash of the body would give the number away to whoever can rebuild the
rest. The fingerprint is therefore ``v1:`` and an HMAC-SHA-256 under the catalog's
``fingerprint`` KMS key (``GenerateMac``), which no reader of the tables holds. KMS takes at
most 4 KiB to MAC, so the MAC is over a domain prefix and the SHA-256 of the request (the
digest itself is never stored). One ``GenerateMac`` per request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from kentei import aws

if TYPE_CHECKING:
    from mypy_boto3_kms.client import KMSClient

DOMAIN: Final = b"kentei:request-fingerprint:v1:"
"""What the key MACs here, so that this use of the key is told from any other."""
VERSION: Final = "v1"
MAC_ALGORITHM: Final = "HMAC_SHA_256"


def request_digest(body: bytes, resubmission_of: str | None) -> bytes:
    """SHA-256 of what makes a request the same request: its body and what it replaces.
    Kept in memory only: it is the input of the keyed MAC, never a stored value."""
    digest = hashlib.sha256(f"resubmission_of={resubmission_of or ''}\n".encode())
    digest.update(body)
    return digest.digest()


class KmsFingerprinter:
    """The fingerprint as an HMAC under the ``fingerprint`` key (intake's only grant on it is
    ``kms:GenerateMac``)."""

    def __init__(self, key_id: str, kms: Callable[[], KMSClient] = aws.kms) -> None:
        self._key_id = key_id
        self._kms = kms

    def fingerprint(self, body: bytes, resubmission_of: str | None) -> str:
        mac = self._kms().generate_mac(
            KeyId=self._key_id,
            Message=DOMAIN + request_digest(body, resubmission_of),
            MacAlgorithm=MAC_ALGORITHM,
        )["Mac"]
        return f"{VERSION}:{mac.hex()}"
