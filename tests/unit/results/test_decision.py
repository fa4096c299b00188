"""Pass decisions computed by hand (R12): the pass marks, a practical total of 60 that fails
on one component's minimum, a question minimum, absences, exemptions, part passes; and a
property: a higher score never turns a pass into a fail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentei.exams.parts import ComponentKind
from kentei.exemptions.model import Basis, ExemptionDecision, NotExemptReason, Outcome
from kentei.records.codes import Grade
from kentei.results.decision import (
    FailReason,
    PartOutcome,
    Result,
    ScoreEntry,
    ScoresError,
    decide,
)
from kentei.results.rules import AppliedRule, load_pass_rules
from kentei.roster.parts import Part

BOTH = (Part.WRITTEN, Part.PRACTICAL)
PRODUCTION, JUDGEMENT = ComponentKind.PRODUCTION, ComponentKind.JUDGEMENT
ON = dt.date(2026, 6, 1)


def _landscaping() -> AppliedRule:
    """造園工事作業 2級 in 2026: 製作等 70 points (minimum 60, question minimums), 判断等 30
    points (minimum 40), as pass_rules.json declares it."""
    return load_pass_rules().applied(2026, "030101", Grade.SECOND, (PRODUCTION, JUDGEMENT))


def _lathe(grade: Grade = Grade.SECOND) -> AppliedRule:
    """普通旋盤作業: no work rule, the grade's default; one component."""
    return load_pass_rules().applied(2026, "010101", grade, (PRODUCTION,))


def written(score: int | None) -> ScoreEntry:
    return ScoreEntry(part=Part.WRITTEN, score=score, absent=score is None)


def practical(kind: ComponentKind, score: int | None, *, missed: bool = False) -> ScoreEntry:
    return ScoreEntry(
        part=Part.PRACTICAL,
        component=kind,
        score=score,
        absent=score is None,
        question_minimum_missed=missed,
    )


def _exempt(part: Part, *, to_be_confirmed: bool = False) -> ExemptionDecision:
    if to_be_confirmed:
        return ExemptionDecision(
            part=part,
            outcome=Outcome.EXEMPT,
            basis=Basis.EVIDENCE,
            on_paper=True,
            to_be_confirmed=True,
            rules_version="t",
            decided_on=ON,
        )
    return ExemptionDecision(
        part=part,
        outcome=Outcome.EXEMPT,
        basis=Basis.PASS_RECORD,
        rule="same_work_part_pass",
        record_id="pass-1",
        rules_version="t",
        decided_on=ON,
    )


def test_the_rules_name_their_version() -> None:
    assert _landscaping().version == "2026.1/2026-030101-2#1"
    assert _lathe().version == "2026.1/default:2級#1"
    assert (_lathe().written_pass_mark, _lathe().practical_pass_mark) == (65, 60)
    assert _lathe(Grade.BASIC).written_pass_mark == 60


@pytest.mark.parametrize(("score", "passed"), [(65, True), (64, False), (100, True), (0, False)])
def test_the_written_pass_mark_is_65(score: int, passed: bool) -> None:
    decision = decide((Part.WRITTEN,), (), [written(score)], _lathe())
    (part, _) = decision.parts
    assert (part.outcome is PartOutcome.PASSED) is passed
    assert part.score == Decimal(score)
    if not passed:
        assert [f.reason for f in part.failures] == [FailReason.BELOW_PASS_MARK]


def test_basic_grade_passes_the_written_test_at_60() -> None:
    decision = decide((Part.WRITTEN,), (), [written(60)], _lathe(Grade.BASIC))
    assert decision.parts[0].outcome is PartOutcome.PASSED


def test_both_parts_passed_is_a_pass() -> None:
    scores = [written(70), practical(PRODUCTION, 80, missed=False), practical(JUDGEMENT, 50)]
    decision = decide(BOTH, (), scores, _landscaping())
    assert decision.result is Result.PASS
    assert decision.parts[1].score == Decimal("71.00"), "80×0.7 + 50×0.3"
    assert decision.passed_here == BOTH


def test_a_total_of_60_fails_on_one_components_minimum() -> None:
    # 72 × 0.7 + 32 × 0.3 = 50.4 + 9.6 = 60.0: the pass mark, but 判断等 32 < its minimum 40.
    scores = [written(70), practical(PRODUCTION, 72), practical(JUDGEMENT, 32)]
    decision = decide(BOTH, (), scores, _landscaping())
    part = decision.parts[1]
    assert part.score == Decimal("60.00")
    assert part.outcome is PartOutcome.FAILED
    assert [(f.reason, f.component) for f in part.failures] == [
        (FailReason.COMPONENT_BELOW_MINIMUM, JUDGEMENT)
    ]
    assert decision.result is Result.PART_PASS, "学科 passed: a part pass"
    assert decision.passed_here == (Part.WRITTEN,)


def test_a_total_below_the_mark_names_it_first_then_each_minimum() -> None:
    scores = [practical(PRODUCTION, 59), practical(JUDGEMENT, 39)]
    part = decide((Part.PRACTICAL,), (), scores, _landscaping()).parts[1]
    assert [(f.reason, f.component) for f in part.failures] == [
        (FailReason.BELOW_PASS_MARK, None),
        (FailReason.COMPONENT_BELOW_MINIMUM, PRODUCTION),
        (FailReason.COMPONENT_BELOW_MINIMUM, JUDGEMENT),
    ]


def test_a_missed_question_minimum_fails_whatever_the_total() -> None:
    scores = [practical(PRODUCTION, 95, missed=True), practical(JUDGEMENT, 90)]
    part = decide((Part.PRACTICAL,), (), scores, _landscaping()).parts[1]
    assert part.outcome is PartOutcome.FAILED
    assert [(f.reason, f.component) for f in part.failures] == [
        (FailReason.QUESTION_MINIMUM_MISSED, PRODUCTION)
    ]


def test_a_question_minimum_the_rule_does_not_have_is_refused() -> None:
    scores = [practical(PRODUCTION, 80), practical(JUDGEMENT, 80, missed=True)]
    with pytest.raises(ScoresError, match="no question minimums"):
        decide((Part.PRACTICAL,), (), scores, _landscaping())


def test_an_absent_component_fails_the_practical_test_without_a_score() -> None:
    scores = [practical(PRODUCTION, 90), practical(JUDGEMENT, None)]
    part = decide((Part.PRACTICAL,), (), scores, _landscaping()).parts[1]
    assert part.score is None
    assert [(f.reason, f.component) for f in part.failures] == [(FailReason.ABSENT, JUDGEMENT)]


def test_a_missing_score_is_never_a_guess() -> None:
    decision = decide(BOTH, (), [written(80)], _landscaping())
    part = decision.parts[1]
    assert {(f.reason, f.component) for f in part.failures} == {
        (FailReason.NO_SCORE, PRODUCTION),
        (FailReason.NO_SCORE, JUDGEMENT),
    }
    assert decide(BOTH, (), [], _landscaping()).result is Result.FAIL


def test_an_exempt_part_and_a_passed_one_make_a_pass() -> None:
    scores = [practical(PRODUCTION, 70), practical(JUDGEMENT, 60)]
    decision = decide((Part.PRACTICAL,), [_exempt(Part.WRITTEN)], scores, _landscaping())
    assert decision.result is Result.PASS
    assert decision.parts[0].outcome is PartOutcome.EXEMPT


def test_an_exemption_on_unconfirmed_evidence_holds_the_pass() -> None:
    scores = [practical(PRODUCTION, 70), practical(JUDGEMENT, 60)]
    exempt = [_exempt(Part.WRITTEN, to_be_confirmed=True)]
    decision = decide((Part.PRACTICAL,), exempt, scores, _landscaping())
    assert decision.result is Result.HELD
    assert decision.parts[0].outcome is PartOutcome.EXEMPT_TO_CONFIRM


def test_a_part_not_sat_and_not_exempt_allows_only_a_part_pass() -> None:
    refused = ExemptionDecision(
        part=Part.WRITTEN,
        outcome=Outcome.NOT_EXEMPT,
        reason=NotExemptReason.NO_PASS_FOUND,
        rules_version="t",
        decided_on=ON,
    )
    scores = [practical(PRODUCTION, 70), practical(JUDGEMENT, 60)]
    decision = decide((Part.PRACTICAL,), [refused], scores, _landscaping())
    assert decision.result is Result.PART_PASS
    assert decision.parts[0].outcome is PartOutcome.NOT_SAT


def test_scores_a_decision_cannot_rest_on_are_refused() -> None:
    with pytest.raises(ScoresError, match="two written"):
        decide((Part.WRITTEN,), (), [written(70), written(71)], _lathe())
    with pytest.raises(ScoresError, match="does not sit"):
        decide((Part.PRACTICAL,), (), [written(70)], _lathe())
    with pytest.raises(ScoresError, match="two scores"):
        decide(
            (Part.PRACTICAL,), (), [practical(PRODUCTION, 70), practical(PRODUCTION, 71)], _lathe()
        )
    with pytest.raises(ScoresError, match="does not know"):
        decide((Part.PRACTICAL,), (), [practical(JUDGEMENT, 70)], _lathe())
    with pytest.raises(ValueError, match="component"):
        ScoreEntry(part=Part.WRITTEN, component=PRODUCTION, score=1)
    with pytest.raises(ValueError, match="absent"):
        ScoreEntry(part=Part.WRITTEN, score=70, absent=True)


score = st.integers(min_value=0, max_value=100)


@given(score, score, score, st.integers(min_value=0, max_value=100))
def test_a_higher_score_never_turns_a_pass_into_a_fail(w: int, p: int, j: int, more: int) -> None:
    rule = _landscaping()

    def result(w: int, p: int, j: int) -> Result:
        scores = [written(w), practical(PRODUCTION, p), practical(JUDGEMENT, j)]
        return decide(BOTH, (), scores, rule).result

    rank = {Result.FAIL: 0, Result.PART_PASS: 1, Result.PASS: 2}
    before = rank[result(w, p, j)]
    assert rank[result(min(100, w + more), p, j)] >= before
    assert rank[result(w, min(100, p + more), j)] >= before
    assert rank[result(w, p, min(100, j + more))] >= before


@given(score, score)
def test_the_practical_pass_is_exactly_the_rule(p: int, j: int) -> None:
    part = decide(
        (Part.PRACTICAL,), (), [practical(PRODUCTION, p), practical(JUDGEMENT, j)], _landscaping()
    ).parts[1]
    exact = 7 * p + 3 * j >= 600 and p >= 60 and j >= 40
    assert (part.outcome is PartOutcome.PASSED) is exact
