"""Fee payments (受検手数料の支払) recorded by staff on a sitting of their prefecture.

The counter (``clerk``) or the exam office (``exam_admin``) records that a sitting's fee was
paid, for one or both parts, with the method and the date: each part's 支払状況 becomes 納付済
with its 支払方法 and 支払日, in one transaction with the audit entry (the person's
資格仮名ID on it; :mod:`kentei.data.payments`). The same payment sent again (a client
retrying a lost answer) answers the sitting's fees and writes nothing; a part paid by another
payment is ``409``, a part with no fee due or a date after today (Japan) ``422``. Only
accepted applications of the caller's prefecture are found: anything else is ``404``.

A group's combined payment (団体申込, one transfer for every member) is recorded on every
member's sitting at once (:func:`record_group_payment`): every part with a fee, all sittings
or none, one audit entry per sitting changed; the sittings named must all be of one group
application (``422`` otherwise), and any that is not an accepted application of the
caller's prefecture makes the whole request ``404``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from intake import screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import NotFoundError
from intake.roster_views import SittingFeesView
from intake.telemetry import instruments
from kentei.applications.model import Status
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent
from kentei.fees.payments import MAX_GROUP_SITTINGS, FeePayment, PaymentMethod
from kentei.records.fields import JST
from kentei.roster.deletion import SittingNotOnRosterError
from kentei.roster.parts import Part
from kentei.roster.sitting import APPLICATION_ID_PATTERN

_NOT_FOUND = "no accepted application with this id in the caller's prefecture"


class PaymentRequest(BaseModel):
    """A payment of a sitting's fee, for the parts named."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    parts: frozenset[Part] = Field(
        min_length=1, description="the parts paid for: written (学科), practical (実技)"
    )
    method: PaymentMethod = Field(description="支払方法")
    paid_on: date = Field(description="支払日 (not after today, Japan)")

    @property
    def payment(self) -> FeePayment:
        return FeePayment(parts=self.parts, method=self.method, paid_on=self.paid_on)


class SittingPayment(BaseModel):
    """The sitting's fees after the payment."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_id: str
    fees: SittingFeesView


def record_payment(
    staff: Caller,
    application_id: str,
    request: PaymentRequest,
    request_id: str,
    deps: Dependencies | None = None,
) -> SittingPayment:
    """Record ``request`` on the sitting of ``application_id`` (see the module)."""
    screening.refuse_in_staff_body(request)
    deps = deps or dependencies()
    prefecture = staff.prefecture_code
    if prefecture is None:
        raise NotFoundError(_NOT_FOUND)
    stored = deps.applications(prefecture).get(application_id)
    person = None if stored is None else stored.application.qualification_pseudonym_id
    if stored is None or stored.application.status is not Status.ACCEPTED or person is None:
        raise NotFoundError(_NOT_FOUND)
    at = deps.clock()
    event = AuditEvent.by(
        staff,
        AuditAction.FEE_PAYMENT_RECORDED,
        record_type="sitting",
        record_id=application_id,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        person_id=person,
    )
    try:
        sitting = deps.payments(prefecture).record_payment(
            person,
            application_id,
            request.payment,
            today=at.astimezone(JST).date(),
            audit=(event,),
        )
    except SittingNotOnRosterError:
        raise NotFoundError(_NOT_FOUND) from None
    instruments.logger.info(
        "fee payment recorded",
        extra={
            "application_id": application_id,
            "parts": sorted(p.value for p in request.parts),
            "method": request.method.name,
        },
    )
    return SittingPayment(application_id=application_id, fees=SittingFeesView.of(sitting))


class GroupPaymentRequest(BaseModel):
    """A group's combined payment (団体申込): every member's sitting named, paid at once."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    application_ids: tuple[
        Annotated[str, StringConstraints(pattern=APPLICATION_ID_PATTERN)], ...
    ] = Field(
        min_length=1,
        max_length=MAX_GROUP_SITTINGS,
        description="the accepted applications of the group's members, each once",
    )
    method: PaymentMethod = Field(description="支払方法")
    paid_on: date = Field(description="支払日 (not after today, Japan)")

    @field_validator("application_ids")
    @classmethod
    def _once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("each application is named once")
        return value


class GroupPayment(BaseModel):
    """Every member's sitting's fees after the combined payment, in the order named."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    total: int = Field(description="the fees of every sitting named, in yen")
    sittings: tuple[SittingPayment, ...]


def record_group_payment(
    staff: Caller,
    request: GroupPaymentRequest,
    request_id: str,
    deps: Dependencies | None = None,
) -> GroupPayment:
    """Record a group's combined payment on every sitting named (see the module)."""
    screening.refuse_in_staff_body(request)
    deps = deps or dependencies()
    prefecture = staff.prefecture_code
    if prefecture is None:
        raise NotFoundError(_NOT_FOUND)
    applications = deps.applications(prefecture)
    members: list[tuple[str, str]] = []
    for application_id in request.application_ids:
        stored = applications.get(application_id)
        person = None if stored is None else stored.application.qualification_pseudonym_id
        if stored is None or stored.application.status is not Status.ACCEPTED or person is None:
            raise NotFoundError(_NOT_FOUND)
        members.append((person, application_id))
    at = deps.clock()
    audit = {
        application_id: AuditEvent.by(
            staff,
            AuditAction.FEE_PAYMENT_RECORDED,
            record_type="sitting",
            record_id=application_id,
            prefecture_code=prefecture,
            request_id=request_id,
            at=at,
            person_id=person,
        )
        for person, application_id in members
    }
    try:
        sittings = deps.payments(prefecture).record_group_payment(
            members, request.method, request.paid_on, today=at.astimezone(JST).date(), audit=audit
        )
    except SittingNotOnRosterError:
        raise NotFoundError(_NOT_FOUND) from None
    instruments.logger.info(
        "group fee payment recorded",
        extra={"sittings": len(sittings), "method": request.method.name},
    )
    answers = tuple(
        SittingPayment(application_id=s.application_id, fees=SittingFeesView.of(s))
        for s in sittings
    )
    return GroupPayment(total=sum(a.fees.total for a in answers), sittings=answers)
