"""Revocation of a pass (合格の取消し, R15) and the return of its certificate (返納), for the
certificates office (role ``certificates``).

- Revoke: staff name the pass (its application), the day the revocation takes effect, the
  reason and the legal basis as text (both screened for a My Number). In one transaction
  (:meth:`kentei.data.pass_revocations.PrefecturePassRevocations.revoke`): the revocation
  record, the pass record kept and marked revoked (the passer roster and every exemption
  check stop counting it), every certificate of the pass marked revoked, the exemptions that
  rested on it withdrawn from the person's registered sittings not yet announced
  (:func:`kentei.results.revocations.withdraw_exemptions`; sittings announced on such an
  exemption are listed as dependent passes for staff), and the audit entries. Certify is then
  told (``pass_revoked``): it flips each certificate's status list entry to revoked, publishes
  the lists, and sends the person a notice. A pass revoked already is ``409``
  ``pass-revoked``; anything changed meanwhile ``409`` ``concurrent-change``.
- The revocations of the prefecture, or those whose return is pending, and one revocation.
- The return: recorded as returned (the day) or closed as not returned (with a note), once.

Every read and write is in the caller's prefecture: another prefecture's pass is ``404``.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from intake import screening
from intake.access import staff_event, staff_prefecture
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, InvalidRequestError, NotFoundError
from kentei.applications.model import Status
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditOutcome
from kentei.data.pass_revocations import ReturnClosedError, RevocationConflictError
from kentei.exemptions.model import PassRevocation
from kentei.field_errors import FieldError
from kentei.messages import PassRevoked
from kentei.records.fields import JST
from kentei.results.revocations import PassRevocationRecord, ReturnStatus, withdraw_exemptions

_NO_ANNOUNCED: Final = (
    "no announced pass of an accepted application with this id in the caller's prefecture"
)
_NO_REVOCATION: Final = "no revoked pass with this application id in the caller's prefecture"
_CONFIG: Final = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class RevocationBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", frozen=True, hide_input_in_errors=True
    )
    application_id: str = Field(
        pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])-[0-9A-HJKMNP-TV-Z]{26}$",
        description="the pass's application (its sitting)",
    )
    effective_on: date = Field(description="取消日: the day the revocation takes effect")
    reason: str = Field(min_length=1, max_length=1000, description="why (取消しの理由)")
    legal_basis: str = Field(
        min_length=1, max_length=500, description="the legal basis as text (根拠条項)"
    )


class WithdrawnView(BaseModel):
    model_config = _CONFIG
    application_id: str
    part: str


class RevocationView(BaseModel):
    model_config = _CONFIG
    application_id: str
    qualification_pseudonym_id: str
    effective_on: date
    reason: str
    legal_basis: str
    revoked_by: str
    revoked_at: AwareDatetime
    certificates: tuple[str, ...] = Field(description="the certificate ids revoked")
    withdrawn_exemptions: tuple[WithdrawnView, ...]
    dependent_passes: tuple[str, ...] = Field(
        description="passes announced on an exemption this pass gave: for staff to review"
    )
    return_status: str = Field(description="pending | returned | not_returned (返納)")
    return_on: date | None
    return_note: str | None

    @classmethod
    def of(cls, record: PassRevocationRecord) -> RevocationView:
        return cls(
            application_id=record.application_id,
            qualification_pseudonym_id=record.qualification_pseudonym_id,
            effective_on=record.effective_on,
            reason=record.reason,
            legal_basis=record.legal_basis,
            revoked_by=record.revoked_by,
            revoked_at=record.revoked_at,
            certificates=record.certificates,
            withdrawn_exemptions=tuple(
                WithdrawnView(application_id=w.application_id, part=w.part.value)
                for w in record.withdrawn
            ),
            dependent_passes=record.dependent_passes,
            return_status=record.return_status.value,
            return_on=record.return_on,
            return_note=record.return_note,
        )


class Revocations(BaseModel):
    model_config = _CONFIG
    revocations: tuple[RevocationView, ...]


class ReturnBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", frozen=True, hide_input_in_errors=True
    )
    outcome: Literal["returned", "not_returned"]
    on: date = Field(description="the day it was returned, or the return was given up")
    note: str | None = Field(
        None, min_length=1, max_length=500, description="required for not_returned"
    )

    @model_validator(mode="after")
    def _note_when_not_returned(self) -> ReturnBody:
        if self.outcome == "not_returned" and self.note is None:
            raise ValueError("a return closed as not returned says why (note)")
        return self


def revoke_pass(
    staff: Caller, body: RevocationBody, request_id: str, deps: Dependencies | None = None
) -> RevocationView:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    screening.refuse_in_staff_body(body)
    stored = deps.applications(prefecture).get(body.application_id)
    person = None if stored is None else stored.application.qualification_pseudonym_id
    if stored is None or stored.application.status is not Status.ACCEPTED or person is None:
        raise NotFoundError(_NO_ANNOUNCED)
    results = deps.results(prefecture)
    record = results.pass_of(person, body.application_id)
    if record is None:
        raise NotFoundError(_NO_ANNOUNCED)
    revocations = deps.revocations(prefecture)
    if revocations.revocation(person, body.application_id) is not None:
        raise ConflictError("the pass is revoked already", slug="pass-revoked")
    at = deps.clock()
    if body.effective_on > at.astimezone(JST).date():
        raise InvalidRequestError(
            "a revocation takes effect today or earlier",
            [FieldError(field="effective_on", problem="after today (Japan)")],
        )
    certificates = deps.certificates(prefecture).certificates_of_pass(person, body.application_id)
    sittings = revocations.sittings_read(person)
    withdrawal = withdraw_exemptions(
        (sitting for sitting, _ in sittings),
        record,
        results.passes_of(person),
        on=body.effective_on,
    )
    revocation = PassRevocationRecord(
        qualification_pseudonym_id=person,
        application_id=body.application_id,
        record_id=record.record_id,
        effective_on=body.effective_on,
        reason=body.reason,
        legal_basis=body.legal_basis,
        revoked_by=staff.id,
        revoked_at=at,
        certificates=tuple(c.certificate_id for c in certificates),
        withdrawn=withdrawal.withdrawn,
        dependent_passes=withdrawal.dependent_passes,
    )
    reads = {sitting.application_id: read for sitting, read in sittings}
    audit = [
        staff_event(
            staff,
            AuditAction.PASS_REVOCATION,
            ("sitting", application_id),
            person=person,
            at=at,
            request_id=request_id,
        )
        for application_id in (
            body.application_id,
            *(after.application_id for _, after in withdrawal.rewrites),
        )
    ]
    try:
        revocations.revoke(
            revocation,
            PassRevocation(person, record.record_id, body.reason),
            certificates=certificates,
            rewrites=[(after, reads[after.application_id]) for _, after in withdrawal.rewrites],
            audit=audit,
        )
    except RevocationConflictError:
        raise ConflictError(
            "the pass, its certificates or the person's sittings changed meanwhile (or the pass "
            "is revoked already); read them again",
            slug="concurrent-change",
        ) from None
    deps.certify_queue.send(
        PassRevoked(
            application_id=body.application_id,
            prefecture_code=prefecture,
            qualification_pseudonym_id=person,
        )
    )
    return RevocationView.of(revocation)


def list_revocations(
    staff: Caller,
    return_status: ReturnStatus | None,
    request_id: str,
    deps: Dependencies | None = None,
) -> Revocations:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.PASS_REVOCATIONS_LISTED,
            ("pass_revocation", prefecture),
            person=None,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    found = deps.revocations(prefecture).revocations(return_status)
    return Revocations(revocations=tuple(RevocationView.of(r) for r in found))


def get_revocation(
    staff: Caller, application_id: str, request_id: str, deps: Dependencies | None = None
) -> RevocationView:
    deps = deps or dependencies()
    record = _revocation(staff, application_id, deps)
    deps.audit.record(
        staff_event(
            staff,
            AuditAction.PASS_REVOCATIONS_LISTED,
            ("sitting", application_id),
            person=record.qualification_pseudonym_id,
            at=deps.clock(),
            request_id=request_id,
            outcome=AuditOutcome.ALLOWED,
        )
    )
    return RevocationView.of(record)


def record_return(
    staff: Caller,
    application_id: str,
    body: ReturnBody,
    request_id: str,
    deps: Dependencies | None = None,
) -> RevocationView:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    screening.refuse_in_staff_body(body)
    record = _revocation(staff, application_id, deps)
    at = deps.clock()
    if body.on > at.astimezone(JST).date():
        raise InvalidRequestError(
            "the return's day is after today", [FieldError(field="on", problem="after today")]
        )
    if record.return_status is not ReturnStatus.PENDING:
        raise ConflictError("the return is recorded already", slug="return-recorded")
    audit = staff_event(
        staff,
        AuditAction.CERTIFICATE_RETURN_RECORDED,
        ("sitting", application_id),
        person=record.qualification_pseudonym_id,
        at=at,
        request_id=request_id,
    )
    try:
        closed = deps.revocations(prefecture).record_return(
            record,
            ReturnStatus(body.outcome),
            on=body.on,
            note=body.note,
            by=staff.id,
            at=at,
            audit=audit,
        )
    except ReturnClosedError:
        raise ConflictError("the return is recorded already", slug="return-recorded") from None
    return RevocationView.of(closed)


def _revocation(staff: Caller, application_id: str, deps: Dependencies) -> PassRevocationRecord:
    prefecture = staff_prefecture(staff)
    stored = deps.applications(prefecture).get(application_id)
    person = None if stored is None else stored.application.qualification_pseudonym_id
    record = (
        None if person is None else deps.revocations(prefecture).revocation(person, application_id)
    )
    if record is None:
        raise NotFoundError(_NO_REVOCATION)
    return record
