"""Why a signed application is refused, and whether that returns it or rejects it.

Every refusal of :mod:`kentei.signatures` is a :class:`Rejection` whose :class:`RejectionReason`
is one of the values below: stable strings, safe to store, show to staff and put in the
application's status (they never carry a personal value). :data:`DISPOSITIONS` is the one table
that says how each reason ends the application:

- ``returned`` (差戻し): the applicant can put it right (re-sign with the signature
  certificate or with current software, renew or re-issue the card, correct the form, resend a
  complete package);
- ``rejected`` (却下): the submission is not what the signer signed, or not signed by a
  certificate we trust: forgery, tampering or garbage;
- ``retry``: no decision yet. The revocation status could not be established (no current CRL,
  OCSP responder down); verify must not end the application but fail the message so that the
  queue retries it and, after ``maxReceiveCount``, keeps it in the DLQ with this reason.

Reason → disposition: when.

- ``signature.malformed`` → rejected: the CMS or XML signature cannot be parsed or breaks the
  profile (not detached, several signers, no signed attributes, no embedded signer
  certificate, an unknown reference, a DTD…).
- ``signature.algorithm_refused`` → returned: SHA-1, MD5, PSS, ECDSA, HMAC, a short key, or a
  canonicalisation or transform other than C14N 20010315 and enveloped-signature.
- ``signature.invalid`` → rejected: the signature value does not verify with the signer
  certificate's key.
- ``signature.digest_mismatch`` → rejected: the signed content changed after signing (the CMS
  messageDigest is not the document's digest; the ``#構成情報`` digest differs).
- ``certificate.malformed`` → rejected: the signer certificate is unreadable, a CA
  certificate, not for signing (key usage), or has an unknown critical extension.
- ``certificate.algorithm_refused`` → returned: the certificate is signed with SHA-1 or MD5.
- ``certificate.untrusted`` → rejected: not issued by a trusted J-LIS signing CA (anchors
  matched by SHA-256 fingerprint).
- ``certificate.user_authentication`` → returned: a user-authentication certificate
  (利用者証明用); re-sign with the signature certificate (署名用).
- ``certificate.expired`` → returned: the certificate or its CA had expired at arrival.
- ``certificate.not_yet_valid`` → returned: the certificate or its CA was not yet valid at
  arrival.
- ``certificate.revoked`` → returned: revoked at arrival (J-LIS revokes on a change of name or
  address, or a lost card): sign again with a new certificate.
- ``certificate.compromised`` → rejected: revoked at arrival for keyCompromise or
  cACompromise: someone else may hold the key.
- ``certificate.revocation_unknown`` → retry: no revocation data covers the arrival time
  (stale or missing CRL, OCSP responder unavailable or answering ``unknown``).
- ``certificate.four_items_unreadable`` → returned: the subjectAltName four items are missing
  in part, repeated, not UTF8String, or the birth date's era digit is not its date's era;
  staff confirm the person another way.
- ``identity.mismatch.name`` → returned: the form's name matches neither the certificate's
  name nor its substitute-character form.
- ``identity.mismatch.sex`` → returned: the form's sex is not the certificate's.
- ``identity.mismatch.birth_date`` → returned: the form's birth date is not the certificate's.
- ``identity.mismatch.address`` → returned: the form's address (with or without 方書) matches
  neither certificate address form.
- ``package.malformed`` → rejected: the e-Gov package has no ``kousei.xml``, or a reference
  cannot name a package file (a scheme, a parent, ``kousei.xml`` itself, twice the same file).
- ``package.missing_file`` → returned: a reference names a file the package lacks: resend the
  complete package.
- ``package.unreferenced_file`` → rejected: a package file is covered by no reference
  (unsigned content).
- ``package.reference_mismatch`` → rejected: a file's digest is not its signed digest: it
  changed after signing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from kentei.signatures.revocation import RevocationEvidence


class Disposition(StrEnum):
    """How a refusal ends the application (see the module's table)."""

    RETURNED = "returned"
    REJECTED = "rejected"
    RETRY = "retry"


class RejectionReason(StrEnum):
    """A distinct, documented reason for refusing a signed application."""

    SIGNATURE_MALFORMED = "signature.malformed"
    SIGNATURE_ALGORITHM_REFUSED = "signature.algorithm_refused"
    SIGNATURE_INVALID = "signature.invalid"
    SIGNATURE_DIGEST_MISMATCH = "signature.digest_mismatch"
    CERTIFICATE_MALFORMED = "certificate.malformed"
    CERTIFICATE_ALGORITHM_REFUSED = "certificate.algorithm_refused"
    CERTIFICATE_UNTRUSTED = "certificate.untrusted"
    CERTIFICATE_USER_AUTHENTICATION = "certificate.user_authentication"
    CERTIFICATE_EXPIRED = "certificate.expired"
    CERTIFICATE_NOT_YET_VALID = "certificate.not_yet_valid"
    CERTIFICATE_REVOKED = "certificate.revoked"
    CERTIFICATE_COMPROMISED = "certificate.compromised"
    CERTIFICATE_REVOCATION_UNKNOWN = "certificate.revocation_unknown"
    CERTIFICATE_FOUR_ITEMS_UNREADABLE = "certificate.four_items_unreadable"
    IDENTITY_MISMATCH_NAME = "identity.mismatch.name"
    IDENTITY_MISMATCH_SEX = "identity.mismatch.sex"
    IDENTITY_MISMATCH_BIRTH_DATE = "identity.mismatch.birth_date"
    IDENTITY_MISMATCH_ADDRESS = "identity.mismatch.address"
    PACKAGE_MALFORMED = "package.malformed"
    PACKAGE_MISSING_FILE = "package.missing_file"
    PACKAGE_UNREFERENCED_FILE = "package.unreferenced_file"
    PACKAGE_REFERENCE_MISMATCH = "package.reference_mismatch"

    @property
    def disposition(self) -> Disposition:
        return DISPOSITIONS[self]


_R: Final = RejectionReason
_D: Final = Disposition

DISPOSITIONS: Final[dict[RejectionReason, Disposition]] = {
    _R.SIGNATURE_MALFORMED: _D.REJECTED,
    _R.SIGNATURE_ALGORITHM_REFUSED: _D.RETURNED,
    _R.SIGNATURE_INVALID: _D.REJECTED,
    _R.SIGNATURE_DIGEST_MISMATCH: _D.REJECTED,
    _R.CERTIFICATE_MALFORMED: _D.REJECTED,
    _R.CERTIFICATE_ALGORITHM_REFUSED: _D.RETURNED,
    _R.CERTIFICATE_UNTRUSTED: _D.REJECTED,
    _R.CERTIFICATE_USER_AUTHENTICATION: _D.RETURNED,
    _R.CERTIFICATE_EXPIRED: _D.RETURNED,
    _R.CERTIFICATE_NOT_YET_VALID: _D.RETURNED,
    _R.CERTIFICATE_REVOKED: _D.RETURNED,
    _R.CERTIFICATE_COMPROMISED: _D.REJECTED,
    _R.CERTIFICATE_REVOCATION_UNKNOWN: _D.RETRY,
    _R.CERTIFICATE_FOUR_ITEMS_UNREADABLE: _D.RETURNED,
    _R.IDENTITY_MISMATCH_NAME: _D.RETURNED,
    _R.IDENTITY_MISMATCH_SEX: _D.RETURNED,
    _R.IDENTITY_MISMATCH_BIRTH_DATE: _D.RETURNED,
    _R.IDENTITY_MISMATCH_ADDRESS: _D.RETURNED,
    _R.PACKAGE_MALFORMED: _D.REJECTED,
    _R.PACKAGE_MISSING_FILE: _D.RETURNED,
    _R.PACKAGE_UNREFERENCED_FILE: _D.REJECTED,
    _R.PACKAGE_REFERENCE_MISMATCH: _D.REJECTED,
}
"""How each reason ends the application: the single source of that decision."""


@dataclass(frozen=True)
class Rejection:
    """A refused signature: the reason, a detail for staff and logs, and what evidence there is.

    ``detail`` names what failed (an algorithm, an item, a reference's position) and never a
    personal value: no name, address, birth date, file name or certificate content.
    ``signer_fingerprint`` (SHA-256 of the signer certificate, hex) and ``revocation`` are set
    when the check got that far, so a returned or rejected application keeps its evidence.
    """

    reason: RejectionReason
    detail: str
    signer_fingerprint: str | None = None
    revocation: RevocationEvidence | None = None

    @property
    def disposition(self) -> Disposition:
        return self.reason.disposition

    def evidence(self) -> dict[str, object]:
        """A JSON-ready summary to store with the application (no personal data)."""
        return {
            "reason": self.reason.value,
            "disposition": self.disposition.value,
            "detail": self.detail,
            "signer_fingerprint": self.signer_fingerprint,
            "revocation": None if self.revocation is None else self.revocation.as_record(),
        }


class Refused(Exception):  # noqa: N818 (a control-flow signal carrying a Rejection, not an error)
    """Raised inside the verifiers and turned into their :class:`Rejection` result at the edge."""

    def __init__(
        self,
        reason: RejectionReason,
        detail: str,
        *,
        signer_fingerprint: str | None = None,
        revocation: RevocationEvidence | None = None,
    ) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.rejection = Rejection(reason, detail, signer_fingerprint, revocation)
