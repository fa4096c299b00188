"""Fee payments (手数料の支払) on a sitting: each part's 支払状況, 支払方法 and 支払日.

At registration each part sat is 未納 (unpaid), or 納付不要 when a reduction leaves nothing
due; a part not sat has no fee and no payment items. Staff record a payment for one or more
parts with its method and date (:func:`record_payment`); a group's combined payment is
recorded on every member's sitting at once (:func:`record_group_payment`). Pure: the data
layer writes the sittings it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
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

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

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


MAX_GROUP_SITTINGS: Final = 25
"""The sittings one combined payment may name: their writes and audit entries go in one
``TransactWriteItems`` (at most 100 items)."""


def due_parts(sitting: Sitting) -> frozenset[Part]:
    """The parts of ``sitting`` with a fee to pay (unpaid, or paid already)."""
    return frozenset(
        part for part in Part if status_of(sitting, part) in (FeeStatus.UNPAID, FeeStatus.PAID)
    )


def record_group_payment(
    sittings: Sequence[Sitting], method: PaymentMethod, paid_on: date, *, today: date
) -> list[Sitting]:
    """A group's combined payment (団体申込, one payment for every member): each sitting with
    every part that has a fee paid by ``method`` on ``paid_on``, in order.

    :class:`PaymentRefusedError` naming ``application_ids`` when the sittings are not all of
    one group application or one has no fee to pay, and the refusals of
    :func:`record_payment` (a part paid by another payment: :class:`AlreadyPaidError`). A
    sitting paid already by this same payment is returned unchanged."""
    groups = {sitting.group for sitting in sittings}
    if len(groups) != 1 or None in groups:
        raise PaymentRefusedError(
            "application_ids", "every sitting named must be of one group application (団体申込)"
        )
    paid: list[Sitting] = []
    for sitting in sittings:
        parts = due_parts(sitting)
        if not parts:
            raise PaymentRefusedError("application_ids", "a sitting named has no fee to pay")
        payment = FeePayment(parts=parts, method=method, paid_on=paid_on)
        paid.append(record_payment(sitting, payment, today=today))
    return paid
