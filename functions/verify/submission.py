"""The submission as signed: read from the inbox, its signature checked, its form read.

By channel, from the raw parts intake kept (``kentei.submissions.parsed.RawPart``):

- **Mynaportal**: ``document.json`` and ``signature.p7s``: the detached CMS over the exact
  document bytes (:func:`kentei.signatures.verify_mynaportal`), then the form from the
  document;
- **e-Gov**: ``package.zip``, read safely (:func:`kentei.submissions.egov_package.read_package`),
  the XML signature over ``kousei.xml`` and every file (:func:`kentei.signatures.verify_egov`),
  then the form from ``application.json``;
- **paper**: ``form.json``, the form as staff keyed it in (no signature: the registry confirms
  the person, see :mod:`verify.identity`).

The certificate is judged at the application's arrival (``received_at``, intake's stamp),
never at the signer's claimed signing time. Then, for every channel, the application as
stored (form without the My Number, attachment list) must be what the parts say (else
``submission.record_mismatch``: staff would review something nobody signed), and for online
channels the certificate's four items must match the form (``identity.mismatch.<item>``).
A part missing from the inbox, or unreadable, is a refusal, never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from pydantic import ValidationError

from kentei.applications.model import Application, Channel
from kentei.records.sensitive import REVEAL
from kentei.signatures import (
    RevocationSource,
    TrustStore,
    Verified,
    match_four_items,
    verify_egov,
    verify_mynaportal,
)
from kentei.submissions import ApplicationDocument, ApplicationForm, SubmissionError
from kentei.submissions.document import parse_document
from kentei.submissions.egov_package import DOCUMENT, read_package
from verify.dependencies import RawSubmissions
from verify.reasons import Refusal, VerifyReason

DOCUMENT_PART: Final = "document.json"
SIGNATURE_PART: Final = "signature.p7s"
PACKAGE_PART: Final = "package.zip"
FORM_PART: Final = "form.json"


@dataclass(frozen=True)
class SignedForm:
    """The form as the applicant signed it (or staff keyed it in), My Number included, and the
    signature's evidence (None on paper)."""

    form: ApplicationForm = field(repr=False)
    signature: Verified | None


def read_signed_form(
    application: Application,
    inbox: RawSubmissions,
    trust: TrustStore,
    revocation: RevocationSource,
) -> SignedForm | Refusal:
    """The signed form of ``application``, or why it is refused.

    Raises :class:`verify.reasons.RetryLaterError` when revocation cannot be established yet.
    """
    parts = _Parts(application.application_id, inbox)
    if application.channel is Channel.MYNAPORTAL:
        read = _mynaportal(application, parts, trust, revocation)
    elif application.channel is Channel.EGOV:
        read = _egov(application, parts, trust, revocation)
    else:
        read = _paper(parts)
    if isinstance(read, Refusal):
        return read
    signed, document = read
    mismatch = _recorded_differently(application, signed, document)
    if mismatch is not None:
        return mismatch
    if signed.signature is not None:
        disagreement = match_four_items(signed.signature.four_items, signed.form)
        if disagreement is not None:
            return Refusal(
                disagreement.reason.value,
                disagreement.detail,
                {"signature": signed.signature.evidence()},
            )
    return signed


class _MissingPartError(LookupError):
    pass


@dataclass(frozen=True)
class _Parts:
    application_id: str
    inbox: RawSubmissions

    def get(self, name: str) -> bytes:
        content = self.inbox.get(self.application_id, name)
        if content is None:
            raise _MissingPartError(name)
        return content


_Read = tuple[SignedForm, ApplicationDocument | None] | Refusal


def _mynaportal(
    application: Application, parts: _Parts, trust: TrustStore, revocation: RevocationSource
) -> _Read:
    try:
        document, signature = parts.get(DOCUMENT_PART), parts.get(SIGNATURE_PART)
    except _MissingPartError as missing:
        return _missing(missing)
    result = verify_signed_document(document, signature, application.received_at, trust, revocation)
    if isinstance(result, Refusal):
        return result
    return _from_document(document, DOCUMENT_PART, result)


def verify_signed_document(
    document: bytes,
    signature: bytes,
    arrival: datetime,
    trust: TrustStore,
    revocation: RevocationSource,
) -> Verified | Refusal:
    """A Mynaportal detached CMS signature over ``document``, its certificate's chain and
    status at ``arrival`` (intake's stamp): verified, or refused with an application's reason
    code (the same rules for a signed change request). Raises
    :class:`verify.reasons.RetryLaterError` when revocation cannot be established yet."""
    result = verify_mynaportal(document, signature, arrival, trust, revocation)
    if not isinstance(result, Verified):
        return Refusal.from_rejection(result)
    return result


def _egov(
    application: Application, parts: _Parts, trust: TrustStore, revocation: RevocationSource
) -> _Read:
    try:
        package = parts.get(PACKAGE_PART)
    except _MissingPartError as missing:
        return _missing(missing)
    try:
        entries = read_package(package)
    except SubmissionError as exc:
        return _malformed(PACKAGE_PART, exc)
    files = {name: entry.content for name, entry in entries.items()}
    result = verify_egov(files, application.received_at, trust, revocation)
    if not isinstance(result, Verified):
        return Refusal.from_rejection(result)
    if DOCUMENT not in files:
        return Refusal.of(
            VerifyReason.SUBMISSION_MALFORMED,
            f"the package has no {DOCUMENT}",
            signature=result.evidence(),
        )
    return _from_document(files[DOCUMENT], DOCUMENT, result)


def _paper(parts: _Parts) -> _Read:
    try:
        raw = parts.get(FORM_PART)
    except _MissingPartError as missing:
        return _missing(missing)
    try:
        form = ApplicationForm.model_validate_json(raw)
    except (ValidationError, ValueError):
        return Refusal.of(VerifyReason.SUBMISSION_MALFORMED, f"{FORM_PART} is not a valid form")
    return SignedForm(form, None), None


def _from_document(content: bytes, part: str, verified: Verified) -> _Read:
    try:
        document = parse_document(content, part)
    except SubmissionError as exc:
        return _malformed(part, exc, signature=verified.evidence())
    return SignedForm(document.to_form(), verified), document


def _recorded_differently(
    application: Application, signed: SignedForm, document: ApplicationDocument | None
) -> Refusal | None:
    recorded = _comparable(application.form)
    read = _comparable(signed.form.to_applicant(application.application_id))
    evidence = {} if signed.signature is None else {"signature": signed.signature.evidence()}
    if recorded != read:
        differing = sorted(name for name in recorded if recorded[name] != read.get(name))
        return Refusal(
            VerifyReason.SUBMISSION_RECORD_MISMATCH.value,
            f"the recorded form differs from the submission on: {', '.join(differing)}",
            evidence,
        )
    if document is not None:
        listed = sorted((ref.name, ref.sha256) for ref in document.attachments)
        kept = sorted((a.name, a.sha256) for a in application.attachments)
        if listed != kept:
            return Refusal(
                VerifyReason.SUBMISSION_RECORD_MISMATCH.value,
                "the recorded attachments are not those the signed document lists",
                evidence,
            )
    return None


def _comparable(form: Any) -> Mapping[str, object]:
    values: dict[str, object] = form.model_dump(mode="json", context={REVEAL: True})
    values.pop("my_number", None)
    return values


def _missing(missing: _MissingPartError) -> Refusal:
    return Refusal.of(VerifyReason.SUBMISSION_MISSING, f"the inbox has no {missing.args[0]}")


def _malformed(part: str, exc: SubmissionError, **evidence: object) -> Refusal:
    # The slug only: a field path may hold a client's own key text.
    return Refusal.of(
        VerifyReason.SUBMISSION_MALFORMED, f"{part} cannot be read ({exc.slug})", **evidence
    )
