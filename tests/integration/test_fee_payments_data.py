"""Fee payments on the roster's sittings against moto: the sitting's JSON rewritten with the
payment in one transaction with the audit entry, the seats left as they are, the same payment
again writing nothing, a change meanwhile read again, a deleted sitting refused, and the
prefecture's partition."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.integration.moto_tables import RECORDS, isolate_dynamodb_writes, records_and_audit
from tests.unit.review.factory import application, form

from kentei import aws
from kentei.applications.model import Status
from kentei.callers import Caller, CallerKind, Role
from kentei.data.audit import AuditAction, AuditEvent, AuditTrail
from kentei.data.payments import PrefecturePayments
from kentei.data.roster import PrefectureRoster, sitting_key
from kentei.fees.payments import (
    AlreadyPaidError,
    FeePayment,
    PaymentConflictError,
    PaymentMethod,
    PaymentRefusedError,
)
from kentei.roster.deletion import SittingNotOnRosterError
from kentei.roster.exam_numbers import schemes
from kentei.roster.parts import Part
from kentei.roster.registration import registration_of
from kentei.roster.sitting import Sitting, SittingStatus

AT = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 5, 1)
PERSON = "p-payment-0001"
STAFF = Caller(
    CallerKind.STAFF, prefecture_code="13", user_id="clerk1", roles=frozenset({Role.CLERK})
)
PAYMENT = FeePayment(
    parts=frozenset({Part.WRITTEN, Part.PRACTICAL}),
    method=PaymentMethod.PAYMENT_SLIP,
    paid_on=TODAY,
)


@pytest.fixture(autouse=True)
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    isolate_dynamodb_writes(monkeypatch)
    with records_and_audit(monkeypatch):
        yield


def _register() -> Sitting:
    accepted = application(
        form(fiscal_year=2026, term="前期", trade_code="0101", work_code="010101"),
        status=Status.UNDER_REVIEW,
    ).model_copy(update={"qualification_pseudonym_id": PERSON})
    registration = registration_of(accepted)
    roster = PrefectureRoster("13")
    scheme = schemes().of("13")
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))
    return sitting


def _event(sitting: Sitting) -> AuditEvent:
    return AuditEvent.by(
        STAFF,
        AuditAction.FEE_PAYMENT_RECORDED,
        record_type="sitting",
        record_id=sitting.application_id,
        prefecture_code="13",
        request_id="request-1",
        at=AT,
        person_id=PERSON,
    )


def _item(sitting: Sitting) -> dict[str, Any]:
    found = aws.dynamodb().get_item(
        TableName=RECORDS,
        Key={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": sitting_key(PERSON, sitting.application_id)},
        },
    )["Item"]
    return dict(found)


def _recorded() -> list[AuditEvent]:
    return [
        e for e in AuditTrail().day("13", AT.date()) if e.action is AuditAction.FEE_PAYMENT_RECORDED
    ]


def test_a_payment_rewrites_the_sitting_with_its_audit_entry_and_keeps_the_seats() -> None:
    sitting = _register()
    assert sitting.written_fee_status == "未納"
    aws.dynamodb().update_item(
        TableName=RECORDS,
        Key={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": sitting_key(PERSON, sitting.application_id)},
        },
        UpdateExpression="SET session_written = :s",
        ExpressionAttributeValues={":s": {"S": "S-0001"}},
    )

    paid = PrefecturePayments("13").record_payment(
        PERSON, sitting.application_id, PAYMENT, today=TODAY, audit=(_event(sitting),)
    )

    item = _item(sitting)
    stored = Sitting.model_validate_json(item["sitting"]["S"])
    assert stored == paid
    assert (stored.written_fee_status, stored.practical_fee_status) == ("納付済", "納付済")
    assert stored.written_fee_method == "納付書"
    assert stored.practical_fee_paid_date == TODAY
    assert item["session_written"] == {"S": "S-0001"}
    assert item["status"] == {"S": "registered"}
    assert json.loads(item["sitting"]["S"])["written_fee_status"] == "納付済"  # English names
    (entry,) = _recorded()
    assert (entry.record_id, entry.person_id) == (sitting.application_id, PERSON)


def test_the_same_payment_again_writes_nothing_and_another_is_refused() -> None:
    sitting = _register()
    payments = PrefecturePayments("13")
    first = payments.record_payment(
        PERSON, sitting.application_id, PAYMENT, today=TODAY, audit=(_event(sitting),)
    )
    again = payments.record_payment(
        PERSON, sitting.application_id, PAYMENT, today=TODAY, audit=(_event(sitting),)
    )
    assert again == first
    assert len(_recorded()) == 1
    with pytest.raises(AlreadyPaidError):
        payments.record_payment(
            PERSON,
            sitting.application_id,
            PAYMENT.model_copy(update={"method": PaymentMethod.CASH}),
            today=TODAY,
        )


def test_a_change_meanwhile_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    sitting = _register()
    payments = PrefecturePayments("13")
    written = FeePayment(parts=frozenset({Part.WRITTEN}), method=PaymentMethod.CASH, paid_on=TODAY)
    original = payments._get
    calls = {"n": 0}

    def get_then_pay_practical(key: str) -> dict[str, Any] | None:
        item = original(key)
        calls["n"] += 1
        if calls["n"] == 1:  # another clerk records the practical fee between read and write
            PrefecturePayments("13").record_payment(
                PERSON,
                sitting.application_id,
                FeePayment(
                    parts=frozenset({Part.PRACTICAL}),
                    method=PaymentMethod.BANK_TRANSFER,
                    paid_on=TODAY,
                ),
                today=TODAY,
            )
        return item

    monkeypatch.setattr(payments, "_get", get_then_pay_practical)
    paid = payments.record_payment(PERSON, sitting.application_id, written, today=TODAY)

    assert calls["n"] == 2
    assert (paid.written_fee_method, paid.practical_fee_method) == ("現金", "口座振込")
    assert Sitting.model_validate_json(_item(sitting)["sitting"]["S"]) == paid


def test_a_sitting_that_keeps_changing_is_a_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    sitting = _register()
    payments = PrefecturePayments("13")
    original = payments._get

    def stale(key: str) -> dict[str, Any] | None:
        item = original(key)
        assert item is not None
        return {**item, "sitting": {"S": item["sitting"]["S"].replace("}", " }", 1)}}

    monkeypatch.setattr(payments, "_get", stale)
    with pytest.raises(PaymentConflictError):
        payments.record_payment(PERSON, sitting.application_id, PAYMENT, today=TODAY)
    assert Sitting.model_validate_json(_item(sitting)["sitting"]["S"]) == sitting


def test_a_deleted_or_unknown_sitting_or_another_prefecture_takes_no_payment() -> None:
    sitting = _register()
    with pytest.raises(SittingNotOnRosterError):
        PrefecturePayments("27").record_payment(
            PERSON, sitting.application_id, PAYMENT, today=TODAY
        )
    with pytest.raises(SittingNotOnRosterError):
        PrefecturePayments("13").record_payment(
            "p-someone-else", sitting.application_id, PAYMENT, today=TODAY
        )
    deleted = sitting.model_copy(update={"status": SittingStatus.DELETED})
    aws.dynamodb().update_item(
        TableName=RECORDS,
        Key={
            "prefecture_code": {"S": "13"},
            "record_key": {"S": sitting_key(PERSON, sitting.application_id)},
        },
        UpdateExpression="SET sitting = :j, #s = :d",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={
            ":j": {"S": deleted.model_dump_json()},
            ":d": {"S": "deleted"},
        },
    )
    with pytest.raises(PaymentRefusedError):
        PrefecturePayments("13").record_payment(
            PERSON, sitting.application_id, PAYMENT, today=TODAY
        )
    assert _recorded() == []
