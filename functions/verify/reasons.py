"""Why verify returns or rejects an application: every reason code, in this one table.

A code is the ``Reason.code`` of a ``returned`` or ``rejected`` application: stable, shown to
the bridge in the status and to staff in review, never carrying a personal value. The
message tells the applicant what to do; it never quotes the form, the certificate or the
registry. ``returned`` (差戻し): the applicant can put it right and resubmit (the resubmission
replaces it once verify has confirmed it comes from the same person, :mod:`verify.resubmission`).
``rejected`` (却下): forged, tampered, untrusted or unreadable; final.

Signature and certificate codes are :class:`kentei.signatures.RejectionReason` values, and
their disposition is :data:`kentei.signatures.DISPOSITIONS` (the single source of it).
``certificate.revocation_unknown`` is no reason an application ends with: it is retried (the
message goes back to the queue, and after ``maxReceiveCount`` receives to the DLQ), like an
unavailable registry.

| code | ends | when |
|---|---|---|
| ``signature.malformed`` | rejected | the CMS or XML signature is unreadable or off profile |
| ``signature.algorithm_refused`` | returned | SHA-1, MD5, PSS, ECDSA, a short key, a transform |
| ``signature.invalid`` | rejected | the signature does not verify with the signer's key |
| ``signature.digest_mismatch`` | rejected | the document changed after signing |
| ``certificate.malformed`` | rejected | the signer certificate is unreadable or not for signing |
| ``certificate.algorithm_refused`` | returned | the certificate is signed with SHA-1 or MD5 |
| ``certificate.untrusted`` | rejected | not issued by a trusted J-LIS signing CA |
| ``certificate.user_authentication`` | returned | the user-authentication certificate signed |
| ``certificate.expired`` | returned | expired at arrival (intake's timestamp) |
| ``certificate.not_yet_valid`` | returned | not yet valid at arrival |
| ``certificate.revoked`` | returned | revoked at arrival (a CRL or OCSP says so) |
| ``certificate.compromised`` | rejected | revoked at arrival for key or CA compromise |
| ``certificate.four_items_unreadable`` | returned | the certificate's four items cannot be read |
| ``identity.mismatch.name`` | returned | the form's name is not the certificate's |
| ``identity.mismatch.sex`` | returned | the form's sex is not the certificate's |
| ``identity.mismatch.birth_date`` | returned | the form's birth date is not the certificate's |
| ``identity.mismatch.address`` | returned | the form's address is not the certificate's |
| ``package.malformed`` | rejected | the e-Gov package's kousei.xml or references are unusable |
| ``package.missing_file`` | returned | a file the signature names is not in the package |
| ``package.unreferenced_file`` | rejected | a package file is covered by no reference |
| ``package.reference_mismatch`` | rejected | a package file changed after signing |
| ``document.my_number_missing`` | returned | a Mynaportal document has no My Number |
| ``registry.not_confirmed`` | returned | online: the number given is not the signer's (see below) |
| ``registry.not_found`` | returned | paper: the person is not in the registry |
| ``registry.moved`` | returned | the registry shows a move-out (転出) not followed by a move-in |
| ``registry.deceased`` | rejected | the registry records the person as deceased |
| ``registry.mismatch.name`` | returned | paper: the form's name is not the registry's current one |
| ``registry.mismatch.sex`` | returned | paper: the form's sex is not the registry's |
| ``registry.mismatch.birth_date`` | returned | paper: the form's birth date is not the registry's |
| ``registry.mismatch.address`` | returned | paper: the form's address is not the registry's |
| ``identity.pseudonym_conflict`` | rejected | the Mynaportal account is linked to another person |
| ``submission.missing`` | rejected | a raw part of the submission is not in the inbox |
| ``submission.malformed`` | rejected | the inbox content cannot be read (zip, document, form) |
| ``submission.record_mismatch`` | rejected | the stored application differs from what was signed |
| ``resubmission.other_person`` | returned | it corrects a returned application of another person |
| ``submission.replayed`` | rejected | another application already used the signed document |

**No registry oracle (online channels).** A Mynaportal or e-Gov applicant proves who they are
with their card; the My Number they type is only a claim. The registry's answer for that
number is therefore used only once the signer's four items (the certificate's, equal to the
form's) match the registry's record for it (:mod:`verify.signer`). Every "this number is not
the signer's" outcome (unknown, deceased, moved, or a current person whose items differ) ends
as the one code ``registry.not_confirmed``, by the same path, so the bridge cannot tell them
apart; the cause (the registry's status and the names of the items that differ, never a
value) is kept in the verification evidence, which only staff of the prefecture see in
review. When the items match, the record is the signer's own: its status is theirs to know,
so ``registry.moved`` and ``registry.deceased`` are told. An e-Gov application without a My
Number found by its four items nowhere as a current resident ends ``registry.not_confirmed``
too, as does a candidate staff chose that the registry no longer finds.

**No code for "several residents match".** Paper without a My Number matching several
current residents, and e-Gov without one matching any, end in no reason: the application
goes under review with the candidates, and staff choose or confirm the person (or return it
with their own reasons); see :mod:`verify.candidates`. (``registry.ambiguous`` is gone.)

**Paper keeps the detailed codes.** Staff keyed the form in and confirmed the applicant's
identity in person (with a photo ID, :class:`kentei.applications.model.IdentityConfirmation`);
the reasons reach staff, not a bridge (a paper application's status is read by staff of its
prefecture only), and the detail tells staff what to correct with the applicant in front of
them. ``registry.not_found``, ``registry.moved``, ``registry.deceased`` and
``registry.mismatch.<item>`` are therefore paper's codes (and ``registry.moved`` /
``registry.deceased`` an online signer's own record's).

A signed document is single-use (:mod:`verify.replay`): the first application whose signature
verifies claims the signed act; any other application carrying it is ``submission.replayed``
before the registry, the vault or the pseudonym links are reached, so a replay never
registers an examinee or moves a person's notice link. A redelivered message of the same
application claims it again harmlessly, and the resubmission of a returned application takes
its claim over. A person's Mynaportal link moves to another account only by a new signed act
whose certificate four items match the person (``identity.pseudonym_conflict`` stays for an
account already linked to someone else).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from kentei.applications.model import Reason, Status
from kentei.signatures import Disposition, Rejection, RejectionReason


class VerifyReason(StrEnum):
    """Reasons of verify's own checks (the registry, the inbox, the pseudonym link)."""

    DOCUMENT_MY_NUMBER_MISSING = "document.my_number_missing"
    REGISTRY_NOT_CONFIRMED = "registry.not_confirmed"
    REGISTRY_NOT_FOUND = "registry.not_found"
    REGISTRY_MOVED = "registry.moved"
    REGISTRY_DECEASED = "registry.deceased"
    REGISTRY_MISMATCH_NAME = "registry.mismatch.name"
    REGISTRY_MISMATCH_SEX = "registry.mismatch.sex"
    REGISTRY_MISMATCH_BIRTH_DATE = "registry.mismatch.birth_date"
    REGISTRY_MISMATCH_ADDRESS = "registry.mismatch.address"
    PSEUDONYM_CONFLICT = "identity.pseudonym_conflict"
    SUBMISSION_MISSING = "submission.missing"
    SUBMISSION_MALFORMED = "submission.malformed"
    SUBMISSION_RECORD_MISMATCH = "submission.record_mismatch"
    RESUBMISSION_OTHER_PERSON = "resubmission.other_person"
    SUBMISSION_REPLAYED = "submission.replayed"


@dataclass(frozen=True)
class ReasonSpec:
    """How a code ends the application, the form item it is about, what the applicant reads."""

    disposition: Disposition
    message: str
    field: str | None = None


_R = RejectionReason
_V = VerifyReason
_RETURNED = Disposition.RETURNED
_REJECTED = Disposition.REJECTED
_SIGN_AGAIN = "sign the application again with the signature certificate (署名用) of the card"

_SIGNATURE_MESSAGES: Final[Mapping[RejectionReason, tuple[str, str | None]]] = {
    _R.SIGNATURE_MALFORMED: ("the signature cannot be read as a signature of the profile", None),
    _R.SIGNATURE_ALGORITHM_REFUSED: (
        "the signature uses an algorithm no longer accepted (such as SHA-1): sign again with "
        "current software",
        None,
    ),
    _R.SIGNATURE_INVALID: ("the signature does not verify with the signer's certificate", None),
    _R.SIGNATURE_DIGEST_MISMATCH: ("the application was changed after it was signed", None),
    _R.CERTIFICATE_MALFORMED: ("the signer's certificate cannot be used for signing", None),
    _R.CERTIFICATE_ALGORITHM_REFUSED: (
        "the signature certificate is signed with an algorithm no longer accepted: renew the "
        f"certificate and {_SIGN_AGAIN}",
        None,
    ),
    _R.CERTIFICATE_UNTRUSTED: (
        "the signer's certificate was not issued by the J-LIS signature certification authority",
        None,
    ),
    _R.CERTIFICATE_USER_AUTHENTICATION: (
        f"the application was signed with the user-authentication certificate (利用者証明用): "
        f"{_SIGN_AGAIN}",
        None,
    ),
    _R.CERTIFICATE_EXPIRED: (
        "the signature certificate had expired when the application arrived: renew it at the "
        f"municipal office and {_SIGN_AGAIN}",
        None,
    ),
    _R.CERTIFICATE_NOT_YET_VALID: (
        "the signature certificate was not yet valid when the application arrived: sign again "
        "once it is",
        None,
    ),
    _R.CERTIFICATE_REVOKED: (
        "the signature certificate was revoked when the application arrived (as after a change "
        f"of name or address): {_SIGN_AGAIN}, as reissued",
        None,
    ),
    _R.CERTIFICATE_COMPROMISED: (
        "the signature certificate was revoked because its key may be in other hands",
        None,
    ),
    _R.CERTIFICATE_FOUR_ITEMS_UNREADABLE: (
        "the four basic items in the signature certificate cannot be read: apply on paper at "
        "the association, which confirms identity another way",
        None,
    ),
    _R.IDENTITY_MISMATCH_NAME: (
        "the name on the form is not the name in the signature certificate: correct the form",
        "name",
    ),
    _R.IDENTITY_MISMATCH_SEX: (
        "the sex on the form is not the one in the signature certificate: correct the form",
        "sex",
    ),
    _R.IDENTITY_MISMATCH_BIRTH_DATE: (
        "the birth date on the form is not the one in the signature certificate: correct the form",
        "birth_date",
    ),
    _R.IDENTITY_MISMATCH_ADDRESS: (
        "the address on the form is not the one in the signature certificate: correct the form "
        "(or renew the certificate after a move)",
        "address",
    ),
    _R.PACKAGE_MALFORMED: ("the e-Gov package's 構成管理情報 (kousei.xml) is not usable", None),
    _R.PACKAGE_MISSING_FILE: (
        "a file the signature names is missing from the package: send the complete package",
        None,
    ),
    _R.PACKAGE_UNREFERENCED_FILE: (
        "the package holds a file that the signature does not cover",
        None,
    ),
    _R.PACKAGE_REFERENCE_MISMATCH: ("a file of the package was changed after it was signed", None),
}

_REGISTRY_MISMATCH: Final = "is not the current one in the resident registry (住民基本台帳)"
_OWN: Final[Mapping[VerifyReason, ReasonSpec]] = {
    _V.DOCUMENT_MY_NUMBER_MISSING: ReasonSpec(
        _RETURNED,
        "an online application must give the My Number in the signed document: add it and "
        "sign again",
        "my_number",
    ),
    _V.REGISTRY_NOT_CONFIRMED: ReasonSpec(
        _RETURNED,
        "the signer could not be confirmed in the resident registry (住民基本台帳) from the "
        "My Number given (or, without one, from the four basic items): check the My Number "
        "and apply again",
        "my_number",
    ),
    _V.REGISTRY_NOT_FOUND: ReasonSpec(
        _RETURNED,
        "the person is not in the resident registry (住民基本台帳) under the My Number, or "
        "the four basic items, given: check them and apply again",
    ),
    _V.REGISTRY_MOVED: ReasonSpec(
        _RETURNED,
        "the resident registry shows a move out (転出) without a move in: apply again once the "
        "move is registered",
    ),
    _V.REGISTRY_DECEASED: ReasonSpec(
        _REJECTED, "the resident registry does not hold the person as a living resident"
    ),
    _V.REGISTRY_MISMATCH_NAME: ReasonSpec(_RETURNED, f"the name {_REGISTRY_MISMATCH}", "name"),
    _V.REGISTRY_MISMATCH_SEX: ReasonSpec(_RETURNED, f"the sex {_REGISTRY_MISMATCH}", "sex"),
    _V.REGISTRY_MISMATCH_BIRTH_DATE: ReasonSpec(
        _RETURNED, f"the birth date {_REGISTRY_MISMATCH}", "birth_date"
    ),
    _V.REGISTRY_MISMATCH_ADDRESS: ReasonSpec(
        _RETURNED,
        f"the address {_REGISTRY_MISMATCH}: give it as on the residence certificate",
        "address",
    ),
    _V.PSEUDONYM_CONFLICT: ReasonSpec(
        _REJECTED, "the Mynaportal account is already linked to another person"
    ),
    _V.SUBMISSION_MISSING: ReasonSpec(
        _REJECTED, "part of the submission was not kept: submit a new application"
    ),
    _V.SUBMISSION_MALFORMED: ReasonSpec(
        _REJECTED, "the submission cannot be read: submit a new application"
    ),
    _V.SUBMISSION_RECORD_MISMATCH: ReasonSpec(
        _REJECTED, "the application as recorded is not what was signed"
    ),
    _V.RESUBMISSION_OTHER_PERSON: ReasonSpec(
        _RETURNED,
        "the application it says it corrects is another person's: apply again as a new "
        "application, without naming one to correct",
    ),
    _V.SUBMISSION_REPLAYED: ReasonSpec(
        _REJECTED,
        "this signed application was already submitted: an application needs a signature of "
        "its own; sign it again to apply",
    ),
}

REASONS: Final[Mapping[str, ReasonSpec]] = {
    **{
        reason.value: ReasonSpec(reason.disposition, message, item)
        for reason, (message, item) in _SIGNATURE_MESSAGES.items()
    },
    **{reason.value: spec for reason, spec in _OWN.items()},
}
"""Every code an application can end with, and how (see the module's table)."""

_STATUS: Final = {_RETURNED: Status.RETURNED, _REJECTED: Status.REJECTED}


class RetryLaterError(RuntimeError):
    """Not decided yet (no revocation data covers the arrival): the message goes back to the
    queue, and to the DLQ after ``maxReceiveCount`` receives. The text is a reason code."""


@dataclass(frozen=True)
class Refusal:
    """An application returned or rejected: its code, a detail for staff, and the evidence."""

    code: str
    detail: str
    evidence: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in REASONS:
            raise ValueError(f"{self.code} is not a documented reason code")

    @classmethod
    def of(cls, reason: VerifyReason, detail: str, **evidence: object) -> Refusal:
        return cls(reason.value, detail, evidence)

    @classmethod
    def from_rejection(cls, rejection: Rejection) -> Refusal:
        """The refusal of a signature check; ``RetryLaterError`` if it is to be retried."""
        if rejection.disposition is Disposition.RETRY:
            raise RetryLaterError(rejection.reason.value)
        return cls(rejection.reason.value, rejection.detail, {"signature": rejection.evidence()})

    @property
    def spec(self) -> ReasonSpec:
        return REASONS[self.code]

    @property
    def status(self) -> Status:
        """``returned`` or ``rejected``."""
        return _STATUS[self.spec.disposition]

    def reason(self) -> Reason:
        spec = self.spec
        return Reason(code=self.code, field=spec.field, message=spec.message)
