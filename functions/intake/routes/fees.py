"""Fees (受検手数料): staff record a payment on a sitting of their prefecture."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from intake import paths
from intake.access import request_id, require_caller
from intake.fee_payments import (
    GroupPayment,
    GroupPaymentRequest,
    PaymentRequest,
    SittingPayment,
    record_group_payment,
    record_payment,
)
from intake.responses import documented
from kentei.fees.payments import MAX_GROUP_SITTINGS
from kentei.roster.sitting import APPLICATION_ID_PATTERN

router = Router()  # type: ignore[no-untyped-call]


@router.post(
    paths.SITTING_PAYMENTS,
    summary="Record a fee payment on a sitting",
    description="Records that the fee (受検手数料) of the accepted application's sitting was "
    "paid, for the parts named (`written`, `practical`), with the method (支払方法) and the "
    "date (支払日, not after today in Japan): each part becomes 納付済, in one transaction with "
    "its audit entry. The same payment sent again answers the same fees and writes nothing; a "
    "part paid by another payment is a 409 (`fee-paid`); a part with no fee due (not sat, "
    "nothing due) or a date in the future is a 422 (`payment-refused`) naming the field. A "
    "group's combined payment is recorded on each member's sitting. Roles `clerk` or "
    "`exam_admin`, of the application's prefecture (others: 404).",
    tags=["roster"],
    responses=documented(200, "The sitting's fees", 400, 401, 403, 404, 409, 413, 415, 422),
)
def post_sitting_payment(
    application_id: Annotated[str, Path(pattern=APPLICATION_ID_PATTERN)],
    payment: Annotated[PaymentRequest, Body(description="The parts, method and date paid.")],
) -> SittingPayment:
    event = router.current_event.raw_event
    return record_payment(require_caller(event), application_id, payment, request_id(event))


@router.post(
    paths.ROSTER_PAYMENTS,
    summary="Record a group's combined fee payment",
    description="Records one combined payment (団体申込: a company pays for every member at "
    "once) on every sitting named: each part with a fee becomes 納付済 with the method and "
    "the date (not after today in Japan), all sittings or none, in one transaction with one "
    "audit entry per sitting changed. The sittings must all be of one group application "
    "(same 受検申請団体コード) and each have a fee to pay (else 422 `payment-refused` naming "
    "`application_ids`); a part paid by another payment is a 409 (`fee-paid`); the same "
    f"payment again answers the same and writes nothing. At most {MAX_GROUP_SITTINGS} "
    "sittings, each named once. Roles `clerk` or `exam_admin`; an application that is not "
    "an accepted one of the caller's prefecture makes the request a 404.",
    tags=["roster"],
    responses=documented(200, "Each sitting's fees", 400, 401, 403, 404, 409, 413, 415, 422),
)
def post_group_payment(
    payment: Annotated[
        GroupPaymentRequest, Body(description="The sittings, method and date paid.")
    ],
) -> GroupPayment:
    event = router.current_event.raw_event
    return record_group_payment(require_caller(event), payment, request_id(event))
