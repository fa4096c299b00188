"""Certificates of passes for the certificates office (role ``certificates``, issue 11).

- A pass's certificates (by its application id): each one's id, kind, language, status and
  when it was issued; ids and facts only. Audited (it tells whose pass it is).
- A certificate's PDF: a link valid for five minutes (presigned GET of the certificates
  bucket), audited before the link goes out (the PDF holds the name).
- The glyph holds (passes whose name the certificate font cannot draw): fields and counts of
  missing characters, never the characters. Audited.
- A hold's resolution: a spelling of the name to print (one the font draws) with a reason,
  kept on the examinee's own item with the audit entry in one transaction; certify is told
  the pass again (``passes_announced``) and issues it with that spelling.
- A request for a 合格証明書 (``ja``, or ``en`` with the name in Latin letters as the person
  wrote it, kept on the examinee's own item): ``PROOF_REQUEST#`` with the audit entry in one
  transaction, then ``proof_requested`` to certify, which issues it once (counted as a proof
  in its language).
- The counts of certificates issued in a fiscal year, by grade, kind, language and new or
  reissue: numbers only (the read is audited as every staff route is).

Every read is scoped to the caller's prefecture: another prefecture's pass or certificate is
``404``.
"""

from __future__ import annotations

import secrets
from typing import Final, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from intake.access import staff_event, staff_prefecture
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, InvalidRequestError, NotFoundError
from kentei.applications.model import Status
from kentei.callers import Caller
from kentei.certificates.content import LatinName, Name
from kentei.data.audit import AuditAction, AuditEvent, AuditOutcome
from kentei.data.certificates import (
    CertificateHold,
    CertificateRecord,
    HoldNotOpenError,
    ProofRequest,
)
from kentei.exemptions.model import PassKind
from kentei.field_errors import FieldError
from kentei.messages import PassesAnnounced, ProofRequested

DOWNLOAD_SECONDS: Final = 300
_NOT_ACCEPTED = "no accepted application with this id in the caller's prefecture"
_NO_CERTIFICATE = "no certificate with this id in the caller's prefecture"
_NO_HOLD = "no held pass of an accepted application with this id in the caller's prefecture"
_CONFIG: Final = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class CertificateView(BaseModel):
    model_config = _CONFIG
    certificate_id: str
    kind: str = Field(description="printed (合格証書) | proof (合格証明書) | electronic")
    language: str
    application_id: str
    certificate_number: str = Field(description="合格証書番号")
    grade: str
    status: str = Field(description="valid | revoked | superseded")
    issued_at: AwareDatetime
    issued_by: str
    has_pdf: bool
    has_vc: bool
    reissue_of: str | None
    superseded_by: str | None

    @classmethod
    def of(cls, record: CertificateRecord) -> CertificateView:
        return cls(
            certificate_id=record.certificate_id,
            kind=record.kind.value,
            language=record.language,
            application_id=record.application_id,
            certificate_number=record.certificate_number,
            grade=record.grade,
            status=record.status.value,
            issued_at=record.issued_at,
            issued_by=record.issued_by,
            has_pdf=record.pdf_key is not None,
            has_vc=record.vc_key is not None,
            reissue_of=record.reissue_of,
            superseded_by=record.superseded_by,
        )


class PassCertificates(BaseModel):
    model_config = _CONFIG
    application_id: str
    certificates: tuple[CertificateView, ...]
    held: bool = Field(description="the pass waits for staff: its name cannot be printed")


class CertificateDownload(BaseModel):
    model_config = _CONFIG
    certificate_id: str
    download_url: str = Field(description="a link to the signed PDF, valid for a few minutes")
    expires_in_s: int


class HeldFieldView(BaseModel):
    model_config = _CONFIG
    field: str
    missing: int = Field(description="how many characters of the field the font cannot draw")


class HoldView(BaseModel):
    model_config = _CONFIG
    qualification_pseudonym_id: str
    application_id: str
    kind: str
    fields: tuple[HeldFieldView, ...]
    held_at: AwareDatetime
    resolved_at: AwareDatetime | None
    resolved_by: str | None

    @classmethod
    def of(cls, hold: CertificateHold) -> HoldView:
        return cls(
            qualification_pseudonym_id=hold.qualification_pseudonym_id,
            application_id=hold.application_id,
            kind=hold.kind.value,
            fields=tuple(HeldFieldView(field=f.field, missing=f.missing) for f in hold.fields),
            held_at=hold.held_at,
            resolved_at=hold.resolved_at,
            resolved_by=hold.resolved_by,
        )


class Holds(BaseModel):
    model_config = _CONFIG
    holds: tuple[HoldView, ...]


class CountView(BaseModel):
    model_config = _CONFIG
    grade: str
    kind: str
    language: str
    reissue: bool
    count: int


class Counts(BaseModel):
    model_config = _CONFIG
    fiscal_year: int
    counts: tuple[CountView, ...]
    total: int


def pass_certificates(
    staff: Caller, application_id: str, request_id: str, deps: Dependencies | None = None
) -> PassCertificates:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    stored = deps.applications(prefecture).get(application_id)
    person = None if stored is None else stored.application.qualification_pseudonym_id
    if stored is None or stored.application.status is not Status.ACCEPTED or person is None:
        raise NotFoundError(_NOT_ACCEPTED)
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.CERTIFICATES_LISTED,
            ("sitting", application_id),
            person=person,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    store = deps.certificates(prefecture)
    found = store.certificates_of_pass(person, application_id)
    return PassCertificates(
        application_id=application_id,
        certificates=tuple(CertificateView.of(r) for r in found),
        held=store.hold(person, application_id) is not None,
    )


def download_certificate(
    staff: Caller, certificate_id: str, request_id: str, deps: Dependencies | None = None
) -> CertificateDownload:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    record = deps.certificates(prefecture).certificate(certificate_id)
    if record is None or record.pdf_key is None:
        raise NotFoundError(_NO_CERTIFICATE)
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.CERTIFICATE_DOWNLOADED,
            ("certificate", certificate_id),
            person=record.qualification_pseudonym_id,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    url = deps.certificate_links.download_url(record.pdf_key, DOWNLOAD_SECONDS)
    return CertificateDownload(
        certificate_id=certificate_id, download_url=url, expires_in_s=DOWNLOAD_SECONDS
    )


def certificate_holds(staff: Caller, request_id: str, deps: Dependencies | None = None) -> Holds:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.CERTIFICATE_HOLDS_LISTED,
            ("certificate_hold", prefecture),
            person=None,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    holds = sorted(deps.certificates(prefecture).holds(), key=lambda h: h.held_at)
    return Holds(holds=tuple(HoldView.of(h) for h in holds))


class HoldResolution(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", frozen=True, hide_input_in_errors=True
    )
    printed_name: Name = Field(
        description="the name as it is to be printed (a spelling the certificate font draws, "
        "e.g. 吉 for 𠮷); kept on the examinee, never logged"
    )
    reason: str = Field(min_length=1, max_length=500, description="why this spelling")


def resolve_hold(
    staff: Caller,
    application_id: str,
    request: HoldResolution,
    request_id: str,
    deps: Dependencies | None = None,
) -> HoldView:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    stored = deps.applications(prefecture).get(application_id)
    person = None if stored is None else stored.application.qualification_pseudonym_id
    store = deps.certificates(prefecture)
    hold = None if person is None else store.hold(person, application_id)
    if stored is None or stored.application.status is not Status.ACCEPTED or hold is None:
        raise NotFoundError(_NO_HOLD)
    if hold.resolved_at is not None or hold.group_key is None:
        raise ConflictError("the hold is resolved already", slug="hold-resolved")
    if _missing_glyphs(request.printed_name):
        raise InvalidRequestError(
            "the certificate font cannot draw this spelling either",
            [FieldError(field="printed_name", problem="characters the font cannot draw")],
            slug="printed-name-refused",
        )
    at = deps.clock()
    audit = AuditEvent.by(
        staff,
        AuditAction.CERTIFICATE_HOLD_RESOLVED,
        record_type="certificate_hold",
        record_id=application_id,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        person_id=hold.qualification_pseudonym_id,
    )
    try:
        resolved = store.resolve_hold(
            hold,
            printed_name=request.printed_name,
            reason=request.reason,
            by=staff.id,
            at=at,
            audit=audit,
        )
    except HoldNotOpenError:
        raise ConflictError("the hold is resolved already", slug="hold-resolved") from None
    deps.certify_queue.send(
        PassesAnnounced(
            prefecture_code=prefecture,
            group_key=hold.group_key,
            application_ids=(application_id,),
        )
    )
    return HoldView.of(resolved)


class ProofRequestBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", frozen=True, hide_input_in_errors=True
    )
    application_id: str = Field(
        pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$",
        description="the pass's application (its sitting)",
    )
    language: Literal["ja", "en"]
    name_latin: LatinName | None = Field(
        None,
        description="English only, required there: the name in Latin letters as the person "
        "wrote it on the request; kept on the examinee, never logged",
    )

    @model_validator(mode="after")
    def _latin_for_english(self) -> Self:
        if (self.language == "en") != (self.name_latin is not None):
            raise ValueError("name_latin is given for an English certificate, and only then")
        return self


class ProofQueued(BaseModel):
    model_config = _CONFIG
    proof_id: str
    application_id: str
    language: str
    queued: bool = Field(description="certify issues it once")


def request_proof(
    staff: Caller, body: ProofRequestBody, request_id: str, deps: Dependencies | None = None
) -> ProofQueued:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    stored = deps.applications(prefecture).get(body.application_id)
    person = None if stored is None else stored.application.qualification_pseudonym_id
    if stored is None or stored.application.status is not Status.ACCEPTED or person is None:
        raise NotFoundError(_NOT_ACCEPTED)
    passed = deps.results(prefecture).pass_of(person, body.application_id)
    if passed is None or passed.kind is not PassKind.PASS:
        raise NotFoundError("the application has no pass to certify")
    at = deps.clock()
    request = ProofRequest(
        proof_id=secrets.token_hex(8),
        qualification_pseudonym_id=person,
        application_id=body.application_id,
        language=body.language,
        requested_by=staff.id,
        requested_at=at,
    )
    audit = AuditEvent.by(
        staff,
        AuditAction.CERTIFICATE_PROOF_REQUESTED,
        record_type="sitting",
        record_id=body.application_id,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        person_id=person,
    )
    deps.certificates(prefecture).request_proof(request, name_latin=body.name_latin, audit=audit)
    deps.certify_queue.send(
        ProofRequested(
            application_id=body.application_id,
            prefecture_code=prefecture,
            proof_id=request.proof_id,
        )
    )
    return ProofQueued(
        proof_id=request.proof_id,
        application_id=body.application_id,
        language=body.language,
        queued=True,
    )


def _missing_glyphs(text: str) -> bool:
    # fontTools reads the font's cmap only when a resolution is checked (cold start).
    from kentei.certificates.glyphs import missing_glyphs

    return bool(missing_glyphs(text))


def certificate_counts(
    staff: Caller, fiscal_year: int, request_id: str, deps: Dependencies | None = None
) -> Counts:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.CERTIFICATE_COUNTS_READ,
            ("certificate_count", str(fiscal_year)),
            person=None,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    counts = deps.certificates(prefecture).counts(fiscal_year)
    views = tuple(
        CountView(
            grade=c.grade,
            kind=c.kind.value,
            language=c.language,
            reissue=c.reissue,
            count=c.count,
        )
        for c in counts
    )
    return Counts(fiscal_year=fiscal_year, counts=views, total=sum(c.count for c in counts))
