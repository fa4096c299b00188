"""The exemption decision: for each part not sat, exempt with its basis or not with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.unit.exemptions.factory import ON, PERSON, ROUND, candidate, record

from kentei.exemptions.decision import Evidence, NoPassRecords, decide_exemptions
from kentei.exemptions.model import (
    Basis,
    ExemptionDecision,
    NotExemptReason,
    Outcome,
    PassKind,
)
from kentei.exemptions.rules import ValidityStart, load_exemption_rules
from kentei.records.codes import Grade, Term
from kentei.roster.parts import ExamRound, Part

RULES = load_exemption_rules()
NONE = Evidence()
DIGEST = "ab" * 32
"""The SHA-256 of an attachment named as evidence."""
RANKED = [entry.grade for entry in RULES.grade_ranks]


def _one(decisions: tuple[ExemptionDecision, ...]) -> ExemptionDecision:
    (decision,) = decisions
    return decision


def test_a_part_the_person_sits_needs_no_exemption() -> None:
    both = candidate(parts=(Part.WRITTEN, Part.PRACTICAL))

    assert decide_exemptions(both, [record()], NONE, RULES, on=ON) == ()


def test_a_part_pass_exempts_that_part_at_a_later_sitting_of_the_same_work_and_grade() -> None:
    decision = _one(decide_exemptions(candidate(), [record()], NONE, RULES, on=ON))

    assert decision.part is Part.WRITTEN
    assert decision.outcome is Outcome.EXEMPT
    assert decision.basis is Basis.PASS_RECORD
    assert decision.record_id == "pass-1"
    assert decision.rule == "part_pass_written_same_grade"
    assert not decision.to_be_confirmed
    assert decision.rules_version == RULES.version
    assert decision.decided_on == ON


def test_a_practical_part_pass_exempts_the_practical_test() -> None:
    practical = record(parts=(Part.PRACTICAL,))
    written_only = candidate(parts=(Part.WRITTEN,))

    decision = _one(decide_exemptions(written_only, [practical], NONE, RULES, on=ON))

    assert (decision.outcome, decision.rule) == (Outcome.EXEMPT, "part_pass_practical_same_grade")


HIGHER_LOWER = [
    (higher, lower)
    for higher in RANKED
    for lower in RANKED
    if (RULES.rank(higher) or 0) > (RULES.rank(lower) or 0)
]
"""Every pair of ranked grades, the higher first."""


@given(pair=st.sampled_from(HIGHER_LOWER), kind=st.sampled_from(PassKind))
def test_a_higher_grades_written_pass_exempts_every_lower_grades_written_test(
    pair: tuple[Grade, Grade], kind: PassKind
) -> None:
    higher, lower = pair
    parts = (Part.WRITTEN, Part.PRACTICAL) if kind is PassKind.PASS else (Part.WRITTEN,)
    held = record(grade=higher, kind=kind, parts=parts)

    decision = _one(decide_exemptions(candidate(grade=lower), [held], NONE, RULES, on=ON))

    assert decision.outcome is Outcome.EXEMPT
    assert decision.record_id == held.record_id


@given(pair=st.sampled_from(HIGHER_LOWER))
def test_a_lower_grades_written_pass_does_not_exempt_a_higher_grades(
    pair: tuple[Grade, Grade],
) -> None:
    higher, lower = pair

    decision = _one(
        decide_exemptions(candidate(grade=higher), [record(grade=lower)], NONE, RULES, on=ON)
    )

    assert (decision.outcome, decision.reason) == (Outcome.NOT_EXEMPT, NotExemptReason.LOWER_GRADE)


@given(
    held=st.sampled_from(Grade),
    sitting=st.sampled_from(Grade),
    kind=st.sampled_from(PassKind),
    work=st.sampled_from(["010102", "010201", "9999"]),
    trade=st.sampled_from(["0101", "0102"]),
)
def test_nothing_exempts_the_practical_test_across_works(
    held: Grade, sitting: Grade, kind: PassKind, work: str, trade: str
) -> None:
    parts = (Part.WRITTEN, Part.PRACTICAL) if kind is PassKind.PASS else (Part.PRACTICAL,)
    other_work = record(grade=held, kind=kind, parts=parts, work_code=work, trade_code=trade)
    written_only = candidate(grade=sitting, parts=(Part.WRITTEN,))

    decision = _one(decide_exemptions(written_only, [other_work], NONE, RULES, on=ON))

    assert decision.outcome is Outcome.NOT_EXEMPT
    assert decision.reason in {
        NotExemptReason.DIFFERENT_WORK,
        NotExemptReason.DIFFERENT_TRADE,
    }


@given(
    passed_on=st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)),
    start=st.sampled_from(ValidityStart),
)
def test_a_special_grade_pass_exempts_for_five_years_to_the_day(
    passed_on: dt.date, start: ValidityStart
) -> None:
    special = RULES.validity_of(Grade.SPECIAL).model_copy(update={"starts_at": start})
    rules = RULES.model_copy(
        update={
            "validity": tuple(special if Grade.SPECIAL in v.grades else v for v in RULES.validity)
        }
    )
    held = record(grade=Grade.SPECIAL, passed_on=passed_on, announced_on=passed_on)
    anniversary = special.ends_on(passed_on, passed_on)
    assert anniversary is not None
    sitting = candidate(
        grade=Grade.SPECIAL, exam_round=ExamRound(fiscal_year=2045, term=Term.SECOND)
    )

    last_day = _one(
        decide_exemptions(sitting, [held], NONE, rules, on=anniversary - dt.timedelta(days=1))
    )
    first_day_after = _one(decide_exemptions(sitting, [held], NONE, rules, on=anniversary))

    assert last_day.outcome is Outcome.EXEMPT
    assert (first_day_after.outcome, first_day_after.reason) == (
        Outcome.NOT_EXEMPT,
        NotExemptReason.EXPIRED,
    )


def test_the_special_grade_counts_from_the_announcement_when_so_configured() -> None:
    special = RULES.validity_of(Grade.SPECIAL).model_copy(
        update={"starts_at": ValidityStart.ANNOUNCEMENT_DATE}
    )
    rules = RULES.model_copy(
        update={"validity": (*RULES.validity[:1], special, *RULES.validity[2:])}
    )
    held = record(
        grade=Grade.SPECIAL, passed_on=dt.date(2021, 3, 1), announced_on=dt.date(2021, 3, 20)
    )
    sitting = candidate(grade=Grade.SPECIAL)
    on = dt.date(2026, 3, 10)

    assert (
        _one(decide_exemptions(sitting, [held], NONE, RULES, on=on)).outcome is Outcome.NOT_EXEMPT
    )
    assert _one(decide_exemptions(sitting, [held], NONE, rules, on=on)).outcome is Outcome.EXEMPT


@pytest.mark.parametrize("grade", [Grade.FIRST, Grade.SECOND, Grade.THIRD, Grade.SINGLE])
def test_a_part_pass_of_other_grades_never_expires(grade: Grade) -> None:
    held = record(grade=grade, passed_on=dt.date(1990, 3, 1))

    decision = _one(decide_exemptions(candidate(grade=grade), [held], NONE, RULES, on=ON))

    assert decision.outcome is Outcome.EXEMPT


@pytest.mark.parametrize(
    ("held", "reason"),
    [
        (record(parts=(Part.PRACTICAL,)), NotExemptReason.PART_NOT_PASSED),
        (record(trade_code="0202", work_code="020201"), NotExemptReason.DIFFERENT_TRADE),
        (record(work_code="010102"), NotExemptReason.DIFFERENT_WORK),
        (record(elective="旋盤"), NotExemptReason.DIFFERENT_ELECTIVE),
        (record(grade=Grade.THIRD), NotExemptReason.LOWER_GRADE),
        (record(grade=Grade.SINGLE), NotExemptReason.LOWER_GRADE),
        (record(exam_round=ROUND), NotExemptReason.NOT_EARLIER),
        (record(passed_on=dt.date(2026, 6, 1)), NotExemptReason.NOT_EARLIER),
    ],
)
def test_a_part_not_exempt_says_why(held: object, reason: NotExemptReason) -> None:
    decision = _one(decide_exemptions(candidate(), [held], NONE, RULES, on=ON))  # type: ignore[list-item]

    assert decision.outcome is Outcome.NOT_EXEMPT
    assert decision.reason is reason
    assert decision.considered == ("pass-1",)


def test_without_records_or_evidence_no_pass_is_found() -> None:
    records = NoPassRecords().passes_of(PERSON)

    decision = _one(decide_exemptions(candidate(), records, NONE, RULES, on=ON))

    assert (decision.outcome, decision.reason) == (
        Outcome.NOT_EXEMPT,
        NotExemptReason.NO_PASS_FOUND,
    )


def test_the_closest_miss_is_the_reason() -> None:
    records = [record("far", work_code="010102"), record("near", grade=Grade.THIRD)]

    decision = _one(decide_exemptions(candidate(), records, NONE, RULES, on=ON))

    assert decision.reason is NotExemptReason.LOWER_GRADE


def test_evidence_exempts_to_be_confirmed_by_staff_when_no_record_does() -> None:
    evidence = Evidence(claim="学科免除", attachments=(DIGEST,))

    decision = _one(decide_exemptions(candidate(), [], evidence, RULES, on=ON))

    assert decision.outcome is Outcome.EXEMPT
    assert decision.basis is Basis.EVIDENCE
    assert decision.attachment_sha256 == DIGEST
    assert decision.to_be_confirmed
    assert decision.record_id is None


def test_a_paper_application_exempts_on_its_enclosure() -> None:
    decision = _one(decide_exemptions(candidate(), [], Evidence(on_paper=True), RULES, on=ON))

    assert (decision.basis, decision.on_paper, decision.to_be_confirmed) == (
        Basis.EVIDENCE,
        True,
        True,
    )


def test_a_pass_record_is_preferred_to_evidence() -> None:
    evidence = Evidence(attachments=(DIGEST,))

    decision = _one(decide_exemptions(candidate(), [record()], evidence, RULES, on=ON))

    assert decision.basis is Basis.PASS_RECORD


def test_records_of_another_person_are_refused() -> None:
    with pytest.raises(ValueError, match="not all of the candidate"):
        decide_exemptions(
            candidate(), [record(qualification_pseudonym_id="someone-else")], NONE, RULES, on=ON
        )


@pytest.mark.parametrize(
    "items",
    [
        {"outcome": "exempt"},
        {"outcome": "exempt", "basis": "pass_record", "rule": "x"},
        {"outcome": "exempt", "basis": "evidence", "attachment_sha256": "1" * 64},
        {"outcome": "exempt", "basis": "evidence", "to_be_confirmed": True},
        {"outcome": "not_exempt"},
        {"outcome": "not_exempt", "reason": "expired", "record_id": "pass-1"},
        {
            "outcome": "exempt",
            "reason": "expired",
            "basis": "pass_record",
            "rule": "x",
            "record_id": "r",
        },
    ],
)
def test_a_decision_without_its_basis_or_reason_is_refused(items: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ExemptionDecision.model_validate(
            {"part": "written", "rules_version": "v", "decided_on": "2026-05-20"} | items
        )


def test_a_pass_must_pass_every_part_and_a_part_pass_one() -> None:
    with pytest.raises(ValidationError, match="every part"):
        record(kind=PassKind.PASS, parts=(Part.WRITTEN,))
    with pytest.raises(ValidationError, match="exactly one"):
        record(parts=(Part.WRITTEN, Part.PRACTICAL))
