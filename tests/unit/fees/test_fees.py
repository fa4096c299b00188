"""The fee schedule as data, what a sitting costs, and the payments recorded on it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from tests.unit.sessions.factory import sitting

from kentei.fees.__main__ import main
from kentei.fees.assessment import age_on, assess
from kentei.fees.payments import (
    AlreadyPaidError,
    FeePayment,
    FeeStatus,
    PaymentMethod,
    PaymentRefusedError,
    due_parts,
    record_group_payment,
    record_payment,
    unpaid_items,
)
from kentei.fees.schedule import FeeSchedule, load_fee_schedule, shipped_text
from kentei.records.codes import Grade
from kentei.roster.parts import Part
from kentei.roster.sitting import Sitting, SittingStatus

SCHEDULE = load_fee_schedule()
BOTH = (Part.WRITTEN, Part.PRACTICAL)
TODAY = date(2026, 5, 1)


def _assess(**changes: Any) -> dict[Part, tuple[int, str | None]]:
    facts: dict[str, Any] = {
        "prefecture_code": "13",
        "grade": Grade.SECOND,
        "parts": BOTH,
        "fiscal_year": 2026,
        "birth_date": date(1980, 1, 1),
        "employed": True,
        **changes,
    }
    schedule = facts.pop("schedule", SCHEDULE)
    fees = assess(schedule, **facts)
    return {fee.part: (fee.amount, fee.reduction) for fee in fees.parts}


# The schedule


def test_the_shipped_schedule_is_unconfirmed_with_its_provenance_and_every_grade() -> None:
    assert SCHEDULE.unconfirmed
    assert SCHEDULE.provenance
    for grade in Grade:
        assert SCHEDULE.default.amount(Part.WRITTEN, grade) == 3100
        assert SCHEDULE.default.amount(Part.PRACTICAL, grade) == 17900
    (young,) = SCHEDULE.default.reductions
    assert (young.code, young.amount, young.under_age, young.employed) == (
        "young_employee",
        9000,
        35,
        True,
    )
    assert young.grades == {Grade.SECOND, Grade.THIRD}
    assert young.unconfirmed


def test_a_schedule_missing_a_grade_or_with_a_bad_prefecture_is_refused() -> None:
    data = json.loads(shipped_text())
    del data["default"]["practical"]["特級"]
    with pytest.raises(ValidationError, match="特級"):
        FeeSchedule.model_validate(data)
    data = json.loads(shipped_text())
    data["prefectures"] = {"48": data["default"]}
    with pytest.raises(ValidationError, match="prefecture"):
        FeeSchedule.model_validate(data)


def test_the_check_command_passes_the_shipped_file_and_names_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    assert "fee data ok" in capsys.readouterr().out
    data = json.loads(shipped_text())
    data["default"]["written"]["1級"] = -1
    broken = tmp_path / "fees.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", "--file", str(broken)]) == 1
    assert "fee data:" in capsys.readouterr().err


# What a sitting costs


def test_each_part_sat_costs_its_fee_and_a_part_not_sat_nothing() -> None:
    assert _assess(grade=Grade.FIRST) == {Part.WRITTEN: (3100, None), Part.PRACTICAL: (17900, None)}
    assert _assess(grade=Grade.FIRST, parts=(Part.PRACTICAL,)) == {Part.PRACTICAL: (17900, None)}
    assert _assess(grade=Grade.FIRST, parts=(Part.WRITTEN,)) == {Part.WRITTEN: (3100, None)}


@pytest.mark.parametrize(
    ("birth_date", "reduced"),
    [
        (date(1991, 4, 2), True),  # 34 on 1 April 2026
        (date(1991, 4, 1), False),  # 35 on that day
        (date(2005, 1, 1), True),
    ],
)
def test_the_young_employee_reduction_is_by_age_on_the_first_day_of_the_fiscal_year(
    birth_date: date, reduced: bool
) -> None:
    fees = _assess(birth_date=birth_date)
    expected = (8900, "young_employee") if reduced else (17900, None)
    assert fees[Part.PRACTICAL] == expected
    assert fees[Part.WRITTEN] == (3100, None)  # the written fee is never reduced


def test_the_reduction_needs_an_employee_of_grade_2_or_3_and_a_known_birth_date() -> None:
    young = date(2000, 1, 1)
    assert _assess(birth_date=young, employed=False)[Part.PRACTICAL] == (17900, None)
    assert _assess(birth_date=young, grade=Grade.FIRST)[Part.PRACTICAL] == (17900, None)
    assert _assess(birth_date=young, grade=Grade.THIRD)[Part.PRACTICAL] == (8900, "young_employee")
    assert _assess(birth_date=None)[Part.PRACTICAL] == (17900, None)


def test_a_prefectures_schedule_replaces_the_default() -> None:
    data = json.loads(shipped_text())
    own = json.loads(json.dumps(data["default"]))
    own["practical"]["2級"] = 5000
    own["reductions"][0]["amount"] = 9000
    data["prefectures"] = {"27": own}
    schedule = FeeSchedule.model_validate(data)

    young = date(2000, 1, 1)
    assert _assess(schedule=schedule, prefecture_code="27", birth_date=young) == {
        Part.WRITTEN: (3100, None),
        Part.PRACTICAL: (0, "young_employee"),  # never below zero
    }
    assert (
        assess(
            schedule,
            prefecture_code="27",
            grade=Grade.SECOND,
            parts=BOTH,
            fiscal_year=2026,
            birth_date=None,
            employed=False,
        ).schedule
        == "27"
    )
    assert _assess(schedule=schedule, prefecture_code="13")[Part.PRACTICAL] == (17900, None)


def test_age_is_counted_in_completed_years() -> None:
    assert age_on(date(1991, 4, 2), date(2026, 4, 1)) == 34
    assert age_on(date(1991, 4, 1), date(2026, 4, 1)) == 35
    assert age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25


# Payments


def _due(parts: tuple[Part, ...] = BOTH, **changes: Any) -> Sitting:
    fees = assess(
        SCHEDULE,
        prefecture_code="13",
        grade=Grade.SECOND,
        parts=parts,
        fiscal_year=2026,
        birth_date=None,
        employed=False,
    )
    return sitting(parts=parts, fees=fees.model_dump(), **unpaid_items(fees), **changes)


def _payment(*parts: Part, paid_on: date = TODAY) -> FeePayment:
    return FeePayment(parts=frozenset(parts), method=PaymentMethod.BANK_TRANSFER, paid_on=paid_on)


def test_a_registered_sitting_owes_each_part_sat_unpaid() -> None:
    due = _due((Part.PRACTICAL,))
    assert (due.written_fee_status, due.practical_fee_status) == (None, FeeStatus.UNPAID)
    assert due.fees is not None
    assert due.fees.total == 17900


def test_a_payment_marks_each_part_paid_with_its_method_and_date() -> None:
    paid = record_payment(_due(), _payment(Part.WRITTEN), today=TODAY)
    assert (paid.written_fee_status, paid.written_fee_method, paid.written_fee_paid_date) == (
        "納付済",
        "口座振込",
        TODAY,
    )
    assert paid.practical_fee_status == "未納"
    assert paid.practical_fee_method is None
    both = record_payment(paid, _payment(Part.PRACTICAL), today=TODAY)
    assert both.practical_fee_status == "納付済"
    assert Sitting.model_validate_json(both.model_dump_json()) == both


def test_the_same_payment_again_changes_nothing_and_another_is_refused() -> None:
    paid = record_payment(_due(), _payment(*BOTH), today=TODAY)
    assert record_payment(paid, _payment(*BOTH), today=TODAY) == paid
    with pytest.raises(AlreadyPaidError) as caught:
        record_payment(paid, _payment(Part.WRITTEN, paid_on=date(2026, 4, 30)), today=TODAY)
    assert caught.value.parts == (Part.WRITTEN,)


@pytest.mark.parametrize(
    ("sat", "payment", "field"),
    [
        ((Part.PRACTICAL,), _payment(Part.WRITTEN), "parts"),  # not sat: exempt, no fee
        (BOTH, _payment(Part.WRITTEN, paid_on=date(2026, 5, 2)), "paid_on"),
    ],
)
def test_a_part_without_a_fee_or_a_future_date_is_refused_by_field(
    sat: tuple[Part, ...], payment: FeePayment, field: str
) -> None:
    with pytest.raises(PaymentRefusedError) as caught:
        record_payment(_due(sat), payment, today=TODAY)
    assert caught.value.field == field


def test_a_deleted_sitting_or_one_registered_before_fees_takes_no_payment() -> None:
    with pytest.raises(PaymentRefusedError):
        record_payment(_due(status=SittingStatus.DELETED), _payment(Part.WRITTEN), today=TODAY)
    with pytest.raises(PaymentRefusedError) as caught:
        record_payment(sitting(), _payment(Part.WRITTEN), today=TODAY)
    assert caught.value.field == "parts"


def test_nothing_due_after_a_reduction_is_not_due() -> None:
    data = json.loads(shipped_text())
    data["default"]["practical"]["2級"] = 9000
    schedule = FeeSchedule.model_validate(data)
    fees = assess(
        schedule,
        prefecture_code="13",
        grade=Grade.SECOND,
        parts=(Part.PRACTICAL,),
        fiscal_year=2026,
        birth_date=date(2000, 1, 1),
        employed=True,
    )
    assert unpaid_items(fees) == {"practical_fee_status": "納付不要"}


def test_a_groups_combined_payment_pays_every_part_with_a_fee_of_each_member() -> None:
    group: dict[str, Any] = {"group_or_individual": "団体", "applying_group_code": "G0001"}
    members = [_due(**group), _due((Part.PRACTICAL,), **group)]

    paid = record_group_payment(members, PaymentMethod.PAYMENT_SLIP, TODAY, today=TODAY)

    assert [due_parts(s) for s in paid] == [frozenset(BOTH), frozenset({Part.PRACTICAL})]
    assert {s.practical_fee_status for s in paid} == {"納付済"}
    assert paid[1].written_fee_status is None
    assert record_group_payment(paid, PaymentMethod.PAYMENT_SLIP, TODAY, today=TODAY) == paid


@pytest.mark.parametrize(
    "others",
    [
        {"group_or_individual": "個人"},
        {"group_or_individual": "団体", "applying_group_code": "G0002"},
    ],
)
def test_a_combined_payment_is_for_one_groups_sittings_only(others: dict[str, Any]) -> None:
    group: dict[str, Any] = {"group_or_individual": "団体", "applying_group_code": "G0001"}
    with pytest.raises(PaymentRefusedError) as caught:
        record_group_payment(
            [_due(**group), _due(**others)], PaymentMethod.CASH, TODAY, today=TODAY
        )
    assert caught.value.field == "application_ids"
