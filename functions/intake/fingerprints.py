"""A request's fingerprint: what makes a retry "the same request" (idempotency, convergence).

The fingerprint covers the body exactly as sent and the application it corrects
(``resubmission_of``): the same key with another body, or the same body correcting another
application, is another request.
"""

from __future__ import annotations

import hashlib


def request_digest(body: bytes, resubmission_of: str | None) -> bytes:
    """SHA-256 of what makes a request the same request: its body and what it replaces."""
    digest = hashlib.sha256(f"resubmission_of={resubmission_of or ''}\n".encode())
    digest.update(body)
    return digest.digest()


class Sha256Fingerprinter:
    """The fingerprint as the SHA-256 of the request, in hex."""

    def fingerprint(self, body: bytes, resubmission_of: str | None) -> str:
        return request_digest(body, resubmission_of).hex()
