"""The checks on the signer's certificate, at the application's arrival time.

In this order, each failure its own reason (:mod:`kentei.signatures.reasons`):

1. **Issued by a known CA** (:class:`kentei.signatures.trust.TrustStore`): else
   ``certificate.untrusted``. Certificates embedded in the signature are never anchors.
2. **Signed with SHA-256/384/512**: a SHA-1 or MD5 certificate is ``certificate.algorithm_refused``.
3. **A signature certificate (署名用), not a user-authentication one (利用者証明用)**: refused
   as ``certificate.user_authentication`` when *any* of these holds: its issuer is a
   user-authentication CA (J-LIS's shipped ones by fingerprint, or a local one); it carries
   J-LIS's user-authentication certificate policy :data:`USER_AUTHENTICATION_POLICY`; it carries
   none of the four items (only user-authentication certificates lack them). The policy OID is
   as publicly described and not confirmed by the shipped CA material, so it is never the only
   test.
4. **Fit for signing**: an end entity (no ``cA``), key usage (if present) with
   digitalSignature or nonRepudiation, no unknown critical extension; else
   ``certificate.malformed``.
5. **Valid at arrival**: the certificate and its CA, ``notBefore ≤ arrival ≤ notAfter``; else
   ``certificate.not_yet_valid`` or ``certificate.expired``. The signer's claimed signingTime is
   never used.
6. **Not revoked at arrival**, per the :class:`~kentei.signatures.revocation.RevocationSource`:
   ``certificate.revoked`` (``certificate.compromised`` for keyCompromise or cACompromise), or
   ``certificate.revocation_unknown`` when nothing covers the arrival time or the source fails.
7. **The four items readable** (:mod:`kentei.signatures.four_items`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtensionOID

from kentei.jpki import CaPurpose
from kentei.signatures.four_items import FourItems, four_items_of, has_four_items
from kentei.signatures.reasons import Refused, RejectionReason
from kentei.signatures.revocation import (
    NotRevoked,
    RevocationEvidence,
    RevocationSource,
    RevocationUnknown,
    Revoked,
)
from kentei.signatures.trust import Authority, TrustStore

USER_AUTHENTICATION_POLICY: Final = x509.ObjectIdentifier("1.2.392.200149.8.5.1.3.30")
"""J-LIS's certificate policy for user-authentication certificates (利用者証明用), as publicly
described."""

_STRONG_HASHES: Final = (hashes.SHA256, hashes.SHA384, hashes.SHA512)
_PARSE_ERRORS: Final = (
    ValueError,
    TypeError,
    UnsupportedAlgorithm,
    x509.DuplicateExtension,
    x509.InvalidVersion,
    x509.UnsupportedGeneralNameType,
)
_COMPROMISE: Final = frozenset({x509.ReasonFlags.key_compromise, x509.ReasonFlags.ca_compromise})
_UNDERSTOOD_CRITICAL: Final = frozenset(
    {
        ExtensionOID.KEY_USAGE,
        ExtensionOID.BASIC_CONSTRAINTS,
        ExtensionOID.CERTIFICATE_POLICIES,
        ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
        ExtensionOID.EXTENDED_KEY_USAGE,
    }
)


@dataclass(frozen=True)
class SignerCertificate:
    """Who signed, as far as can be stored: fingerprints, serial, CA, validity. No personal data
    (the subject CN of a JPKI certificate is opaque, and is not kept either)."""

    fingerprint: str
    """Lower-case hex SHA-256 of the signer certificate's DER."""
    serial_number: str
    """Lower-case hex, without leading zeros."""
    issuer_fingerprint: str
    issuer_name: str
    issuer_origin: str
    not_before: datetime
    not_after: datetime

    def as_record(self) -> dict[str, object]:
        return {
            "fingerprint": self.fingerprint,
            "serial_number": self.serial_number,
            "issuer_fingerprint": self.issuer_fingerprint,
            "issuer_name": self.issuer_name,
            "issuer_origin": self.issuer_origin,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
        }


@dataclass(frozen=True)
class CheckedCertificate:
    signer: SignerCertificate
    four_items: FourItems
    revocation: RevocationEvidence


def fingerprint_of(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


@contextmanager
def attributed_to(certificate: x509.Certificate) -> Iterator[None]:
    """Refusals raised inside carry the signer certificate's fingerprint as evidence."""
    try:
        yield
    except Refused as refused:
        rejection = refused.rejection
        if rejection.signer_fingerprint is not None:
            raise
        raise Refused(
            rejection.reason,
            rejection.detail,
            signer_fingerprint=fingerprint_of(certificate),
            revocation=rejection.revocation,
        ) from None


def load_certificate(der: bytes) -> x509.Certificate:
    """Parse a DER certificate eagerly, so that a malformed one fails here and not mid-check:
    ``certificate.malformed``. (``cryptography`` parses names and extensions on access.)"""
    try:
        certificate = x509.load_der_x509_certificate(der)
        _ = (
            certificate.issuer,
            certificate.subject,
            list(certificate.extensions),
            certificate.public_key(),
            certificate.serial_number,
            certificate.not_valid_before_utc,
            certificate.not_valid_after_utc,
        )
    except _PARSE_ERRORS as exc:
        raise Refused(
            RejectionReason.CERTIFICATE_MALFORMED,
            f"the signer certificate cannot be parsed ({type(exc).__name__})",
        ) from None
    return certificate


def check_signer_certificate(
    certificate: x509.Certificate,
    *,
    arrival: datetime,
    trust: TrustStore,
    revocation: RevocationSource,
) -> CheckedCertificate:
    """Run the checks above; :class:`Refused` with the first that fails."""
    fingerprint = fingerprint_of(certificate)

    def refuse(
        reason: RejectionReason, detail: str, evidence: RevocationEvidence | None = None
    ) -> Refused:
        return Refused(reason, detail, signer_fingerprint=fingerprint, revocation=evidence)

    issuer = trust.issuer_of(certificate)
    if issuer is None:
        raise refuse(
            RejectionReason.CERTIFICATE_UNTRUSTED, "not issued by a trusted J-LIS signing CA"
        )
    _check_algorithm(certificate, refuse)
    if _is_user_authentication(certificate, issuer):
        raise refuse(
            RejectionReason.CERTIFICATE_USER_AUTHENTICATION,
            "a user-authentication certificate (利用者証明用) cannot sign an application",
        )
    _check_fit_for_signing(certificate, refuse)
    for subject, what in ((certificate, "the certificate"), (issuer.certificate, "its CA")):
        if arrival < subject.not_valid_before_utc:
            raise refuse(
                RejectionReason.CERTIFICATE_NOT_YET_VALID, f"{what} was not yet valid at arrival"
            )
        if arrival > subject.not_valid_after_utc:
            raise refuse(RejectionReason.CERTIFICATE_EXPIRED, f"{what} had expired at arrival")
    evidence = _check_revocation(certificate, issuer, arrival, revocation, refuse)
    try:
        items = four_items_of(certificate)
    except Refused as refused:
        raise refuse(refused.rejection.reason, refused.rejection.detail, evidence) from None
    signer = SignerCertificate(
        fingerprint=fingerprint,
        serial_number=format(certificate.serial_number, "x"),
        issuer_fingerprint=issuer.fingerprint,
        issuer_name=issuer.name,
        issuer_origin=issuer.origin,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )
    return CheckedCertificate(signer, items, evidence)


class _Refuse(Protocol):
    """Builds a :class:`Refused` carrying the signer's fingerprint."""

    def __call__(
        self, reason: RejectionReason, detail: str, evidence: RevocationEvidence | None = None
    ) -> Refused: ...


def _check_algorithm(certificate: x509.Certificate, refuse: _Refuse) -> None:
    try:
        algorithm = certificate.signature_hash_algorithm
    except UnsupportedAlgorithm:
        algorithm = None
    if not isinstance(algorithm, _STRONG_HASHES):
        name = "an unsupported hash" if algorithm is None else algorithm.name.upper()
        raise refuse(
            RejectionReason.CERTIFICATE_ALGORITHM_REFUSED, f"the certificate is signed with {name}"
        )


def _is_user_authentication(certificate: x509.Certificate, issuer: Authority) -> bool:
    if issuer.purpose is CaPurpose.USER_AUTHENTICATION:
        return True
    try:
        policies = certificate.extensions.get_extension_for_class(x509.CertificatePolicies)
    except x509.ExtensionNotFound:
        policies = None
    if policies is not None and any(
        p.policy_identifier == USER_AUTHENTICATION_POLICY for p in policies.value
    ):
        return True
    return not has_four_items(certificate)


def _check_fit_for_signing(certificate: x509.Certificate, refuse: _Refuse) -> None:
    extensions = certificate.extensions
    for extension in extensions:
        if extension.critical and extension.oid not in _UNDERSTOOD_CRITICAL:
            raise refuse(
                RejectionReason.CERTIFICATE_MALFORMED,
                f"unknown critical extension {extension.oid.dotted_string}",
            )
    try:
        constraints = extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        constraints = None
    if constraints is not None and constraints.ca:
        raise refuse(RejectionReason.CERTIFICATE_MALFORMED, "a CA certificate cannot sign")
    try:
        usage = extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise refuse(
            RejectionReason.CERTIFICATE_MALFORMED,
            "key usage allows neither digitalSignature nor nonRepudiation",
        )


def _check_revocation(
    certificate: x509.Certificate,
    issuer: Authority,
    arrival: datetime,
    source: RevocationSource,
    refuse: _Refuse,
) -> RevocationEvidence:
    try:
        answer = source.status(certificate, issuer.certificate, arrival)
    except Exception as exc:  # a failing source means "unknown", never a crash
        answer = RevocationUnknown(f"the revocation source failed ({type(exc).__name__})")
    if isinstance(answer, NotRevoked):
        return answer.evidence
    if isinstance(answer, Revoked):
        if answer.reason in _COMPROMISE:
            raise refuse(
                RejectionReason.CERTIFICATE_COMPROMISED,
                f"revoked at arrival ({answer.reason.value if answer.reason else 'no reason'})",
                answer.evidence,
            )
        reason = answer.reason.value if answer.reason else "no reason given"
        raise refuse(
            RejectionReason.CERTIFICATE_REVOKED, f"revoked at arrival ({reason})", answer.evidence
        )
    raise refuse(RejectionReason.CERTIFICATE_REVOCATION_UNKNOWN, answer.detail, answer.evidence)
