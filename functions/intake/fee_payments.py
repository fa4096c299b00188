"""Fee payments (受検手数料の支払) recorded by staff on a sitting of their prefecture.

The counter (``clerk``) or the exam office (``exam_admin``) records that a sitting's fee was
paid, for one or both parts, with the method and the date: each part's 支払状況 becomes 納付済
with its 支払方法 and 支払日, in one transaction with the audit entry (the person's
資格仮名ID on it; :mod:`kentei.data.payments`). The same payment sent again (a client
retrying a lost answer) answers the sitting's fees and writes nothing; a part paid by another
payment is ``409``, a part with no fee due or a date after today (Japan) ``422``. Only
accepted applications of the caller's prefecture are found: anything else is ``404``.

A group's combined payment (団体申込, one transfer for every member) is recorded on each
member's sitting, one request per sitting.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from intake import screening
from intake.dependencies import Dependencies, dependencies
from intake.errors import NotFoundError
from intake.roster_views import SittingFeesView
from intake.telemetry import instruments
from kentei.applications.model import Status
from kentei.callers import Caller
from kentei.data.audit import AuditAction, AuditEvent
from kentei.fees.payments import FeePayment, PaymentMethod
from kentei.records.fields import JST
from kentei.roster.deletion import SittingNotOnRosterError
from kentei.roster.parts import Part

_NOT_FOUND = "no accepted application with this id in the caller's prefecture"


class PaymentRequest(BaseModel):
    """A payment of a sitting's fee, for the parts named."""

    model_config = ConfigDict(extra="forbid", frozen=True)
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

    model_config = ConfigDict(extra="forbid", frozen=True)
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
