"""Signature verification of online applications (issue 4): pure logic, no AWS I/O.

>>> trust = TrustStore.from_environment()          # J-LIS CAs (+ local anchors in local mode)
>>> revocation = revocation_from_environment()    # KENTEI_JPKI_CRL_DIR / KENTEI_JPKI_OCSP_URL
>>> result = verify_mynaportal(document, signature, arrival, trust, revocation)
>>> if isinstance(result, Verified):
...     mismatch = match_four_items(result.four_items, applicant)   # Rejection | None

``verify_mynaportal`` checks a detached CMS SignedData over the document bytes
(:mod:`kentei.signatures.mynaportal`), ``verify_egov`` an e-Gov package's ``kousei.xml`` XML
signature and file digests (:mod:`kentei.signatures.egov`); both then check the signer's
certificate at the application's *arrival* time (:mod:`kentei.signatures.certificate`).

They return :class:`Verified` or a :class:`Rejection` and raise nothing for any input: a
parser's error becomes a documented rejection. Reasons and how each ends the application are
in :mod:`kentei.signatures.reasons`. The only exception is a caller bug: a naive ``arrival``
is a ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from kentei.signatures.certificate import SignerCertificate
from kentei.signatures.four_items import FourItems
from kentei.signatures.identity import ClaimedIdentity, disagreeing_items, match_four_items
from kentei.signatures.reasons import (
    DISPOSITIONS,
    Disposition,
    Refused,
    Rejection,
    RejectionReason,
)
from kentei.signatures.results import VerificationResult, Verified
from kentei.signatures.revocation import (
    CRL_DIR_ENV,
    OCSP_URL_ENV,
    CrlEvidence,
    FirstAnswer,
    NoRevocationSource,
    NotRevoked,
    OcspEvidence,
    RevocationEvidence,
    RevocationSource,
    RevocationStatus,
    RevocationUnknown,
    Revoked,
)
from kentei.signatures.sources import revocation_from_environment
from kentei.signatures.trust import (
    TRUST_ANCHORS_ENV,
    USER_AUTHENTICATION_CAS_ENV,
    Authority,
    TrustConfigurationError,
    TrustStore,
)

__all__ = [
    "CRL_DIR_ENV",
    "DISPOSITIONS",
    "OCSP_URL_ENV",
    "TRUST_ANCHORS_ENV",
    "USER_AUTHENTICATION_CAS_ENV",
    "Authority",
    "ClaimedIdentity",
    "CrlEvidence",
    "Disposition",
    "FirstAnswer",
    "FourItems",
    "NoRevocationSource",
    "NotRevoked",
    "OcspEvidence",
    "Rejection",
    "RejectionReason",
    "RevocationEvidence",
    "RevocationSource",
    "RevocationStatus",
    "RevocationUnknown",
    "Revoked",
    "SignerCertificate",
    "TrustConfigurationError",
    "TrustStore",
    "VerificationResult",
    "Verified",
    "disagreeing_items",
    "match_four_items",
    "revocation_from_environment",
    "verify_egov",
    "verify_mynaportal",
]


def verify_mynaportal(
    document: bytes,
    signature: bytes,
    arrival: datetime,
    trust: TrustStore,
    revocation: RevocationSource,
) -> VerificationResult:
    """Verify a Mynaportal application: ``signature`` is a detached CMS over ``document``."""
    _check_arrival(arrival)
    from kentei.signatures.mynaportal import verify_cms

    try:
        return verify_cms(
            bytes(document), bytes(signature), arrival=arrival, trust=trust, revocation=revocation
        )
    except Refused as refused:
        return refused.rejection
    except Exception as exc:  # defence in depth: input never crashes verify
        return _unexpected(exc)


def verify_egov(
    package_files: Mapping[str, bytes],
    arrival: datetime,
    trust: TrustStore,
    revocation: RevocationSource,
) -> VerificationResult:
    """Verify an e-Gov package given as its files by name (``kousei.xml`` and the rest)."""
    _check_arrival(arrival)
    from kentei.signatures.egov import verify_package

    try:
        return verify_package(
            dict(package_files), arrival=arrival, trust=trust, revocation=revocation
        )
    except Refused as refused:
        return refused.rejection
    except Exception as exc:  # defence in depth: input never crashes verify
        return _unexpected(exc)


UNEXPECTED_PREFIX = "unexpected"


def _unexpected(exc: Exception) -> Rejection:
    # A parser error that no specific check anticipated: still a rejection, marked so that
    # tests (the fuzzers) can tell it from the deliberate ones.
    return Rejection(
        RejectionReason.SIGNATURE_MALFORMED, f"{UNEXPECTED_PREFIX} {type(exc).__name__}"
    )


def _check_arrival(arrival: datetime) -> None:
    if arrival.tzinfo is None or arrival.utcoffset() is None:
        raise ValueError("arrival must be an aware datetime (intake stamps it in UTC or JST)")
