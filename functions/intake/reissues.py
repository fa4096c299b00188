"""Reissue of a printed certificate (合格証書の再交付, R14), asked by the certificates office.

One procedure covers loss, damage and a name change alike (``domain.md``). Staff name the
certificate to replace, the reason and the fee as paid (method and day; the amount is the fee
schedule's, :mod:`kentei.fees.schedule`), and, where the name cannot be printed as the roster
holds it (or a name change leaves an old printed spelling), a spelling to print. The request
is kept (``REISSUE#``) with its audit entry and a ``reissue_pending`` mark on the certificate
in one transaction, so a certificate is reissued once at a time and only while valid; certify
is told (``reissue_requested``) and issues the new certificate (a new certificate id, the next
serial of the 合格証書番号), supersedes the old one in the status list and publishes it; the
history stays on both records (``reissue_of``, ``superseded_by``) and the reissue is counted.

Refusals: another prefecture's certificate, or none, ``404``; a 合格証明書 (issued anew on
request, never reissued) ``422`` ``not-reissuable``; a certificate no longer valid
(superseded, revoked) or with a reissue pending ``409``; a pass revoked ``409``; a name the
font cannot draw without a spelling ``422`` ``printed-name-required``.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from intake import screening
from intake.access import staff_prefecture
from intake.dependencies import Dependencies, dependencies
from intake.errors import ConflictError, InvalidRequestError, NotFoundError
from intake.suspension_gate import refuse_while_suspended
from kentei.callers import Caller
from kentei.certificates.content import Name
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.certificates import (
    CertificateKind,
    CertificateState,
    ReissueFee,
    ReissueReason,
    ReissueRefusedError,
    ReissueRequest,
)
from kentei.fees.payments import PaymentMethod
from kentei.fees.schedule import load_fee_schedule
from kentei.field_errors import FieldError
from kentei.messages import ReissueRequested
from kentei.records.fields import JST

_NO_CERTIFICATE: Final = "no certificate with this id in the caller's prefecture"
_CONFIG: Final = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class ReissuePayment(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    method: PaymentMethod = Field(description="支払方法 of the reissue fee")
    paid_on: date = Field(description="支払日 (not after today, Japan)")


class ReissueBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", frozen=True, hide_input_in_errors=True
    )
    reason: ReissueReason = Field(
        description="loss (亡失), damage (損傷・汚損) or name_change (氏名の変更)"
    )
    fee: ReissuePayment = Field(description="the reissue fee (再交付手数料) as paid")
    printed_name: Name | None = Field(
        None,
        description="a spelling of the name to print (one the certificate font draws), where "
        "the roster's cannot be printed or a name change makes an earlier spelling stale; kept "
        "on the examinee, never logged",
    )


class ReissueQueued(BaseModel):
    model_config = _CONFIG
    reissue_id: str
    certificate_id: str = Field(description="the certificate being replaced")
    reason: str
    fee_amount: int = Field(description="yen, from the fee schedule")
    requested_at: AwareDatetime
    queued: bool = Field(description="certify issues the new certificate once")


def request_reissue(
    staff: Caller,
    certificate_id: str,
    body: ReissueBody,
    request_id: str,
    deps: Dependencies | None = None,
) -> ReissueQueued:
    deps = deps or dependencies()
    prefecture = staff_prefecture(staff)
    screening.refuse_in_staff_body(body)
    certificates = deps.certificates(prefecture)
    certificate = certificates.certificate(certificate_id)
    if certificate is None:
        raise NotFoundError(_NO_CERTIFICATE)
    if certificate.kind is not CertificateKind.PRINTED:
        raise InvalidRequestError(
            "only a printed certificate (合格証書) is reissued; ask for a new 合格証明書 instead",
            [FieldError(field="certificate_id", problem="not a printed certificate")],
            slug="not-reissuable",
        )
    person = certificate.qualification_pseudonym_id
    refuse_while_suspended(deps, prefecture, person, "a certificate's reissue")
    if deps.revocations(prefecture).revocation(person, certificate.application_id) is not None:
        raise ConflictError("the pass is revoked", slug="pass-revoked")
    if certificate.status is not CertificateState.VALID:
        raise ConflictError(
            f"the certificate is {certificate.status.value}", slug="certificate-not-valid"
        )
    at = deps.clock()
    if body.fee.paid_on > at.astimezone(JST).date():
        raise InvalidRequestError(
            "the fee's payment day is after today",
            [FieldError(field="fee.paid_on", problem="after today (Japan)")],
        )
    _printable(deps, prefecture, person, body)
    schedule = load_fee_schedule()
    key, fees = schedule.of(prefecture)
    request = ReissueRequest(
        reissue_id=secrets.token_hex(8),
        certificate_id=certificate_id,
        qualification_pseudonym_id=person,
        application_id=certificate.application_id,
        reason=body.reason,
        fee=ReissueFee(
            amount=fees.certificate_reissue,
            schedule=f"{key}@{schedule.version}",
            method=body.fee.method,
            paid_on=body.fee.paid_on,
        ),
        requested_by=staff.id,
        requested_at=at,
        printed_spelling=body.printed_name is not None,
    )
    audit = AuditEvent.by(
        staff,
        AuditAction.CERTIFICATE_REISSUE_REQUESTED,
        record_type="certificate",
        record_id=certificate_id,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        person_id=person,
    )
    try:
        certificates.request_reissue(request, printed_name=body.printed_name, audit=audit)
    except ReissueRefusedError:
        raise ConflictError(
            "the certificate is no longer valid, or a reissue of it is pending",
            slug="reissue-pending",
        ) from None
    deps.certify_queue.send(
        ReissueRequested(
            application_id=certificate.application_id,
            prefecture_code=prefecture,
            reissue_id=request.reissue_id,
        )
    )
    return ReissueQueued(
        reissue_id=request.reissue_id,
        certificate_id=certificate_id,
        reason=body.reason.value,
        fee_amount=request.fee.amount,
        requested_at=at,
        queued=True,
    )


def _printable(deps: Dependencies, prefecture: str, person: str, body: ReissueBody) -> None:
    """The name certify will print can be drawn: the spelling given, or else the roster's
    name (a stale printed spelling after a name change needs a new one)."""
    from kentei.certificates.glyphs import missing_glyphs  # fontTools: on this route only

    if body.printed_name is not None:
        if missing_glyphs(body.printed_name):
            raise InvalidRequestError(
                "the certificate font cannot draw this spelling either",
                [FieldError(field="printed_name", problem="characters the font cannot draw")],
                slug="printed-name-refused",
            )
        return
    stored = deps.roster(prefecture).examinee(person)
    if stored is None:
        raise NotFoundError("the examinee of the certificate is not on the roster")
    if stored.certificate_name is not None:
        # A spelling staff chose for an earlier hold prints again, unless the name changed.
        unprintable = body.reason is ReissueReason.NAME_CHANGE
    else:
        unprintable = bool(missing_glyphs(stored.examinee.name))
    if unprintable:
        raise InvalidRequestError(
            "give a spelling of the name to print (the font cannot draw the name, or a name "
            "change makes the earlier printed spelling stale)",
            [FieldError(field="printed_name", problem="required for this certificate")],
            slug="printed-name-required",
        )
