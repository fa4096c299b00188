"""Fees (受検手数料): staff record a payment on a sitting of their prefecture."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from intake import paths
from intake.access import request_id, require_caller
from intake.fee_payments import PaymentRequest, SittingPayment, record_payment
from intake.responses import documented
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
