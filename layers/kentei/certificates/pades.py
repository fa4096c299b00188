"""PAdES signatures of certificate PDFs (合格証書, 合格証明書) with a key that never leaves KMS.

:func:`sign_pdf` adds one signature to a PDF as an incremental update (the bytes given stay
the first bytes of the result), at PAdES baseline level B-B: subfilter
``ETSI.CAdES.detached``, SHA-256, the signing certificate named in the signed attributes
(``signing-certificate-v2``), the chain embedded, no ``signing-time`` attribute (PAdES puts
the time in the signature dictionary's ``/M``). Given a ``timestamp_source`` (a pyHanko
``TimeStamper``, e.g. ``pyhanko.sign.timestamps.HTTPTimeStamper(url)`` for an RFC 3161
TSA), the signature also carries a signature time-stamp: level B-T. No TSA is configured
locally or deployed yet; the tests exercise B-T with pyHanko's ``DummyTimeStamper`` under the
local test CA.

The key is a :class:`DerSigner`: anything that signs a message with ECDSA P-256 over SHA-256
and answers the DER signature (the KMS certificate-signing key through KMS ``Sign``,
``MessageType=RAW``). Before a signature is embedded it is verified against the
certificate's public key, so a key that does not match the configured certificate
(:mod:`kentei.certificates.pades_chain`) raises :class:`PadesSigningError` instead of
producing a PDF no validator accepts.

Deterministic as far as pyHanko allows: the signing time is ``signed_at`` (the caller's
clock); pyHanko still writes the update's ``/ModDate`` at the current time and a random
second part of the document ``/ID``, and ECDSA signatures (KMS's among them) are randomised,
so two signings of one PDF differ in those bytes only.

pyHanko (with asn1crypto, aiohttp and its validation machinery) is imported inside
:func:`sign_pdf`: a handler that imports this module but signs nothing does not pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from kentei.certificates.pades_key import (
    DIGEST_ALGORITHM,
    MAX_DER_SIGNATURE_BYTES,
    SIGNATURE_MECHANISM,
    DerSigner,
    PadesSigningError,
    TimestampUnavailableError,
)

if TYPE_CHECKING:
    from cryptography import x509
    from pyhanko.sign.timestamps import TimeStamper

__all__ = [
    "DIGEST_ALGORITHM",
    "MAX_DER_SIGNATURE_BYTES",
    "SIGNATURE_MECHANISM",
    "DerSigner",
    "PadesSigningError",
    "TimestampUnavailableError",
    "sign_pdf",
]


def sign_pdf(
    pdf: bytes,
    signer: DerSigner,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate],
    *,
    field_name: str,
    reason: str,
    location: str,
    timestamp_source: TimeStamper | None = None,
    signed_at: datetime | None = None,
) -> bytes:
    """``pdf`` with a PAdES B-B signature (B-T with ``timestamp_source``) by ``signer``, whose
    certificate is ``certificate`` (its public key must be EC P-256) issued through ``chain``
    (its issuers, the root last or left out), in a new invisible signature field
    ``field_name`` added by an incremental update.

    ``reason`` and ``location`` go into the signature dictionary as they are (they are
    public: never personal data). ``signed_at`` (timezone-aware) is the signing time
    (``/M``); the current time if not given.

    Raises :class:`PadesSigningError` if ``pdf`` cannot be read as a PDF, if the field is
    signed already, if the certificate's key is not EC P-256, or if the signer's signature
    does not verify under the certificate; :class:`TimestampUnavailableError` (one of them)
    if the time-stamping authority does not answer. Errors from the key itself (KMS) pass
    through as they are.
    """
    if signed_at is not None and signed_at.utcoffset() is None:
        raise PadesSigningError("signed_at must be timezone-aware")
    if not field_name or "." in field_name:
        raise PadesSigningError("field_name must be a non-empty name without '.'")
    # pyHanko only when a PDF is signed: it is heavy, and off the cold-start path.
    from kentei.certificates.pades_signer import sign_incrementally

    return sign_incrementally(
        pdf,
        signer,
        certificate,
        chain,
        field_name=field_name,
        reason=reason,
        location=location,
        timestamp_source=timestamp_source,
        signed_at=signed_at,
    )
