"""Was the signer's certificate revoked when the application arrived? The port and its answers.

J-LIS certificates name no CRL URL and no OCSP responder (the distribution point is a directory
name), and J-LIS gives revocation data only to registered signature verifiers, so the source is
configured: CRL files (:class:`kentei.signatures.crl.CrlDirectory`, ``KENTEI_JPKI_CRL_DIR``),
an OCSP responder (:class:`kentei.signatures.ocsp.OcspResponder`, ``KENTEI_JPKI_OCSP_URL``), or
both in order (:class:`FirstAnswer`). With nothing configured the answer is always
:class:`RevocationUnknown`: an unverifiable certificate is never accepted by default.

Every answer that rests on data carries its evidence, stored with the verification result:
the CRL's number, this-update, next-update and SHA-256, or the OCSP response's DER bytes,
status and produced-at.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Protocol

from cryptography import x509

CRL_DIR_ENV: Final = "KENTEI_JPKI_CRL_DIR"
OCSP_URL_ENV: Final = "KENTEI_JPKI_OCSP_URL"


@dataclass(frozen=True)
class CrlEvidence:
    """The CRL an answer rests on."""

    issuer_fingerprint: str
    """SHA-256 (hex) of the CA certificate whose key verified the CRL."""
    crl_number: int | None
    this_update: datetime
    next_update: datetime | None
    sha256: str
    """SHA-256 (hex) of the CRL's DER, to find the very file again."""

    def as_record(self) -> dict[str, object]:
        return {
            "source": "crl",
            "issuer_fingerprint": self.issuer_fingerprint,
            "crl_number": self.crl_number,
            "this_update": self.this_update.isoformat(),
            "next_update": None if self.next_update is None else self.next_update.isoformat(),
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class OcspEvidence:
    """The OCSP response an answer rests on, kept whole: it is signed, so it proves itself."""

    response: bytes = field(repr=False)
    """The DER OCSPResponse as received."""
    cert_status: str
    """``good``, ``revoked`` or ``unknown``."""
    produced_at: datetime
    this_update: datetime
    next_update: datetime | None
    responder_url: str

    def as_record(self) -> dict[str, object]:
        return {
            "source": "ocsp",
            "response": base64.b64encode(self.response).decode("ascii"),
            "cert_status": self.cert_status,
            "produced_at": self.produced_at.isoformat(),
            "this_update": self.this_update.isoformat(),
            "next_update": None if self.next_update is None else self.next_update.isoformat(),
            "responder_url": self.responder_url,
        }


RevocationEvidence = CrlEvidence | OcspEvidence


@dataclass(frozen=True)
class NotRevoked:
    """The certificate was not revoked at the time asked about."""

    evidence: RevocationEvidence


@dataclass(frozen=True)
class Revoked:
    """The certificate was revoked at or before the time asked about."""

    evidence: RevocationEvidence
    revoked_at: datetime
    reason: x509.ReasonFlags | None = None


@dataclass(frozen=True)
class RevocationUnknown:
    """No data establishes the status at that time: stale or missing CRL, responder down."""

    detail: str
    evidence: RevocationEvidence | None = None


RevocationStatus = NotRevoked | Revoked | RevocationUnknown


class RevocationSource(Protocol):
    """Tells whether ``certificate``, issued by ``issuer``, was revoked at ``at``.

    Implementations answer :class:`RevocationUnknown` rather than raise; the verifiers also
    turn an exception into ``certificate.revocation_unknown``.
    """

    def status(
        self, certificate: x509.Certificate, issuer: x509.Certificate, at: datetime
    ) -> RevocationStatus: ...


@dataclass(frozen=True)
class NoRevocationSource:
    """Nothing configured: every status is unknown, so nothing is accepted unchecked."""

    def status(
        self, certificate: x509.Certificate, issuer: x509.Certificate, at: datetime
    ) -> RevocationStatus:
        return RevocationUnknown("no revocation source is configured")


@dataclass(frozen=True)
class FirstAnswer:
    """Asks each source in turn; the first that knows (revoked or not) answers."""

    sources: Sequence[RevocationSource]

    def status(
        self, certificate: x509.Certificate, issuer: x509.Certificate, at: datetime
    ) -> RevocationStatus:
        unknown: list[RevocationUnknown] = []
        for source in self.sources:
            answer = source.status(certificate, issuer, at)
            if not isinstance(answer, RevocationUnknown):
                return answer
            unknown.append(answer)
        if not unknown:
            return RevocationUnknown("no revocation source is configured")
        evidence = next((u.evidence for u in unknown if u.evidence is not None), None)
        return RevocationUnknown("; ".join(u.detail for u in unknown), evidence)
