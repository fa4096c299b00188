"""Fee payments (手数料の支払) on a sitting: each part's 支払状況, 支払方法 and 支払日.

At registration each part sat is 未納 (unpaid), or 納付不要 when a reduction leaves nothing
due; a part not sat has no fee and no payment items. Staff record a payment for one or more
parts with its method and date (:func:`record_payment`); a group's combined payment is
recorded on each member's sitting. Pure: the data layer writes the sitting it returns.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from kentei.fees.assessment import FeeAssessment
from kentei.roster.parts import Part
from kentei.roster.sitting import Sitting, SittingStatus


class FeeStatus(StrEnum):
    """支払状況 of one part's fee."""

    UNPAID = "未納"
    PAID = "納付済"
    NOT_DUE = "納付不要"
    """A reduction leaves nothing to pay."""


class PaymentMethod(StrEnum):
    """支払方法: how the fee was paid (the association's ways; [unconfirmed] per prefecture)."""

    PAYMENT_SLIP = "納付書"
    """At a bank or post office with the association's payment slip (払込取扱票・納付書)."""
    BANK_TRANSFER = "口座振込"
    CASH = "現金"
    """At the association's counter."""
    CARD = "クレジットカード"
    CONVENIENCE_STORE = "コンビニ払込"


_STATUS: Final = {Part.WRITTEN: "written_fee_status", Part.PRACTICAL: "practical_fee_status"}
_METHOD: Final = {Part.WRITTEN: "written_fee_method", Part.PRACTICAL: "practical_fee_method"}
_PAID: Final = {Part.WRITTEN: "written_fee_paid_date", Part.PRACTICAL: "practical_fee_paid_date"}


class FeePayment(BaseModel):
    """A payment for one or more parts of one sitting."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parts: frozenset[Part] = Field(min_length=1)
    method: PaymentMethod
    paid_on: date


class PaymentRefusedError(ValueError):
    """A payment the sitting cannot take: ``field`` names the request's field, ``rule`` why."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class AlreadyPaidError(ValueError):
    """A part named is paid already, other than by this same payment."""

    def __init__(self, parts: tuple[Part, ...]) -> None:
        super().__init__(f"paid already: {', '.join(p.value for p in parts)}")
        self.parts = parts


class PaymentConflictError(RuntimeError):
    """The sitting kept changing while the payment was recorded; nothing was written."""


def unpaid_items(fees: FeeAssessment) -> dict[str, Any]:
    """The payment items of a sitting just assessed: each part sat 未納 (納付不要 if nothing
    is due); a part not sat has none."""
    return {
        _STATUS[fee.part]: (FeeStatus.UNPAID if fee.amount > 0 else FeeStatus.NOT_DUE).value
        for fee in fees.parts
    }


def status_of(sitting: Sitting, part: Part) -> str | None:
    value: str | None = getattr(sitting, _STATUS[part])
    return value


def method_of(sitting: Sitting, part: Part) -> str | None:
    value: str | None = getattr(sitting, _METHOD[part])
    return value


def paid_date_of(sitting: Sitting, part: Part) -> date | None:
    value: date | None = getattr(sitting, _PAID[part])
    return value


def is_repeat(sitting: Sitting, payment: FeePayment) -> bool:
    """Every part named is paid already, by this same method on this same date (a client
    retrying a lost answer)."""
    return all(
        status_of(sitting, part) == FeeStatus.PAID
        and method_of(sitting, part) == payment.method.value
        and paid_date_of(sitting, part) == payment.paid_on
        for part in payment.parts
    )


def record_payment(sitting: Sitting, payment: FeePayment, *, today: date) -> Sitting:
    """``sitting`` with ``payment`` recorded for each part it names.

    :class:`PaymentRefusedError` when the sitting is deleted, a part has no fee due on it
    (not sat, nothing due, or assessed before fees were kept), or the date is after
    ``today`` (Japan); :class:`AlreadyPaidError` when a part is paid already (the same
    payment again is no error: :func:`is_repeat`, and the sitting is returned unchanged)."""
    if sitting.status is not SittingStatus.REGISTERED:
        raise PaymentRefusedError("application_id", "the sitting is not on the roster")
    if payment.paid_on > today:
        raise PaymentRefusedError("paid_on", "must not be after today (Japan)")
    if is_repeat(sitting, payment):
        return sitting
    not_due = [
        p for p in payment.parts if status_of(sitting, p) not in (FeeStatus.UNPAID, FeeStatus.PAID)
    ]
    if not_due:
        raise PaymentRefusedError("parts", "no fee is due for " + ", ".join(sorted(not_due)))
    paid = tuple(p for p in sorted(payment.parts) if status_of(sitting, p) == FeeStatus.PAID)
    if paid:
        raise AlreadyPaidError(paid)
    update: dict[str, Any] = {}
    for part in payment.parts:
        update[_STATUS[part]] = FeeStatus.PAID.value
        update[_METHOD[part]] = payment.method.value
        update[_PAID[part]] = payment.paid_on
    return sitting.model_copy(update=update)
