"""Exemptions withdrawn when a pass is revoked (合格の取消し, R15), computed by hand: a registered
sitting exempt on the revoked record gets that part *not exempt* (``pass_revoked``) and keeps
its other decisions; an announced sitting is listed, not rewritten; a deleted sitting, an
exemption on another record or on evidence, and a refusal that only considered the record
stay; and a property: a rewrite only ever changes the decisions resting on the revoked
record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kentei.exemptions.model import (
    Basis,
    ExemptionDecision,
    NotExemptReason,
    Outcome,
    PassKind,
    PassRecord,
)
from kentei.records.codes import Grade, Term
from kentei.records.fields import JST
from kentei.results.revocations import (
    PassRevocationRecord,
    ReturnStatus,
    WithdrawnExemption,
    withdraw_exemptions,
)
from kentei.roster.parts import ExamRound, Part
from kentei.roster.sitting import Sitting, SittingStatus

PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"
REVOKED = "13-" + "0" * 25 + "A"
"""The revoked pass's application id, which is its record id."""
OTHER = "13-" + "0" * 25 + "B"
"""Another pass of the person, not revoked."""
DECIDED_ON = dt.date(2026, 3, 1)
ON = dt.date(2026, 11, 2)
LATER = ExamRound(fiscal_year=2026, term=Term.SECOND)


def _pass(record_id: str = REVOKED, kind: PassKind = PassKind.PART_PASS) -> PassRecord:
    return PassRecord(
        record_id=record_id,
        qualification_pseudonym_id=PERSON,
        kind=kind,
        parts=(Part.WRITTEN,) if kind is PassKind.PART_PASS else tuple(Part),
        exam_round=ExamRound(fiscal_year=2025, term=Term.FIRST),
        trade_code="0101",
        work_code="010101",
        grade=Grade.SECOND,
        passed_on=dt.date(2025, 9, 30),
        notice_number="P13G25-000001" if kind is PassKind.PART_PASS else None,
    )


def exempt_on(record_id: str, part: Part = Part.WRITTEN) -> ExemptionDecision:
    return ExemptionDecision(
        part=part,
        outcome=Outcome.EXEMPT,
        basis=Basis.PASS_RECORD,
        rule="same_work_part_pass",
        record_id=record_id,
        considered=(record_id,),
        rules_version="2026.1",
        decided_on=DECIDED_ON,
    )


def on_evidence(part: Part = Part.WRITTEN) -> ExemptionDecision:
    return ExemptionDecision(
        part=part,
        outcome=Outcome.EXEMPT,
        basis=Basis.EVIDENCE,
        attachment_sha256="ab" * 32,
        to_be_confirmed=True,
        rules_version="2026.1",
        decided_on=DECIDED_ON,
    )


def refused(part: Part, considered: tuple[str, ...] = (REVOKED,)) -> ExemptionDecision:
    """Not exempt (the record is of the other part), though the revoked record was examined."""
    return ExemptionDecision(
        part=part,
        outcome=Outcome.NOT_EXEMPT,
        reason=NotExemptReason.PART_NOT_PASSED,
        considered=considered,
        rules_version="2026.1",
        decided_on=DECIDED_ON,
    )


def sitting(
    number: int,
    *exemptions: ExemptionDecision,
    status: SittingStatus = SittingStatus.REGISTERED,
    parts: tuple[Part, ...] = (Part.PRACTICAL,),
) -> Sitting:
    fields: dict[str, Any] = {
        "application_id": f"13-{number:026d}",
        "prefecture_code": "13",
        "qualification_pseudonym_id": PERSON,
        "exam_round": LATER,
        "trade_code": "0101",
        "work_code": "010101",
        "grade": Grade.SECOND,
        "parts": parts,
        "exam_number": f"N{number:05d}",
        "status": status,
        "accepted_at": dt.datetime(2026, 9, 1, 9, 0, tzinfo=JST),
        "accepted_by": "staff:13:reviewer1",
        "exemptions": exemptions,
    }
    return Sitting.model_validate(fields)


def _announced(application_id: str) -> PassRecord:
    return _pass(application_id).model_copy(update={"announced_on": dt.date(2026, 10, 30)})


def test_a_registered_sitting_exempt_on_the_revoked_record_gets_the_part_not_exempt() -> None:
    # 学科 claimed exempt on the revoked part pass; 実技 claimed too but refused, so sat.
    before = sitting(1, exempt_on(REVOKED), refused(Part.PRACTICAL))

    withdrawal = withdraw_exemptions([before], _pass(), [_pass()], on=ON)

    ((was, after),) = withdrawal.rewrites
    assert was == before
    written, practical = after.exemptions
    assert written == ExemptionDecision(
        part=Part.WRITTEN,
        outcome=Outcome.NOT_EXEMPT,
        reason=NotExemptReason.PASS_REVOKED,
        considered=(REVOKED,),
        rules_version="2026.1",
        decided_on=ON,
    )
    assert practical == before.exemptions[1], "the other part's decision is unchanged"
    assert after == before.model_copy(update={"exemptions": (written, practical)})
    assert after.parts == (Part.PRACTICAL,)
    assert withdrawal.withdrawn == (
        WithdrawnExemption(application_id=before.application_id, part=Part.WRITTEN),
    )
    assert withdrawal.dependent_passes == ()


def test_an_announced_sitting_is_listed_as_a_dependent_pass_and_not_rewritten() -> None:
    announced = sitting(2, exempt_on(REVOKED))
    pending = sitting(3, exempt_on(REVOKED))

    withdrawal = withdraw_exemptions(
        [pending, announced], _pass(), [_pass(), _announced(announced.application_id)], on=ON
    )

    assert withdrawal.dependent_passes == (announced.application_id,)
    assert [before.application_id for before, _ in withdrawal.rewrites] == [pending.application_id]
    assert [w.application_id for w in withdrawal.withdrawn] == [pending.application_id]


def test_the_revoked_pass_itself_among_the_announced_is_not_a_dependent_pass() -> None:
    # The revoked record is announced (that is what makes it revocable); a sitting whose
    # application id is the revoked record's is the pass itself, never its own dependant.
    itself = sitting(4, exempt_on(REVOKED)).model_copy(update={"application_id": REVOKED})

    withdrawal = withdraw_exemptions([itself], _pass(), [_pass()], on=ON)

    assert withdrawal.dependent_passes == ()
    assert [w.application_id for w in withdrawal.withdrawn] == [REVOKED]


def test_a_deleted_sitting_is_ignored() -> None:
    deleted = sitting(5, exempt_on(REVOKED), status=SittingStatus.DELETED)
    deleted_and_announced = sitting(6, exempt_on(REVOKED), status=SittingStatus.DELETED)

    withdrawal = withdraw_exemptions(
        [deleted, deleted_and_announced],
        _pass(),
        [_announced(deleted_and_announced.application_id)],
        on=ON,
    )

    assert withdrawal.rewrites == ()
    assert withdrawal.withdrawn == ()
    assert withdrawal.dependent_passes == ()


def test_exemptions_on_another_record_or_on_evidence_stay() -> None:
    on_other = sitting(7, exempt_on(OTHER))
    evidenced = sitting(8, on_evidence())
    only_considered = sitting(9, refused(Part.WRITTEN), parts=(Part.WRITTEN, Part.PRACTICAL))
    sat_everything = sitting(10, parts=(Part.WRITTEN, Part.PRACTICAL))

    withdrawal = withdraw_exemptions(
        [on_other, evidenced, only_considered, sat_everything], _pass(), [_pass()], on=ON
    )

    assert withdrawal.rewrites == ()
    assert withdrawal.withdrawn == ()
    assert withdrawal.dependent_passes == ()


def test_a_sitting_exempt_on_both_the_revoked_and_another_record_keeps_the_other() -> None:
    both = sitting(11, exempt_on(OTHER, Part.PRACTICAL), exempt_on(REVOKED, Part.WRITTEN))

    withdrawal = withdraw_exemptions([both], _pass(), [_pass(), _pass(OTHER)], on=ON)

    ((_, after),) = withdrawal.rewrites
    kept, withdrawn = after.exemptions
    assert kept == both.exemptions[0]
    assert (withdrawn.part, withdrawn.outcome, withdrawn.reason) == (
        Part.WRITTEN,
        Outcome.NOT_EXEMPT,
        NotExemptReason.PASS_REVOKED,
    )
    assert withdrawal.withdrawn == (
        WithdrawnExemption(application_id=both.application_id, part=Part.WRITTEN),
    )


def test_rewrites_come_in_application_order_whatever_order_the_sittings_come_in() -> None:
    sittings = [sitting(n, exempt_on(REVOKED)) for n in (14, 12, 13)]

    withdrawal = withdraw_exemptions(sittings, _pass(), [], on=ON)

    ids = [before.application_id for before, _ in withdrawal.rewrites]
    assert ids == sorted(s.application_id for s in sittings)
    assert [w.application_id for w in withdrawal.withdrawn] == ids


def test_a_revocation_record_asks_the_return_only_when_certificates_were_revoked() -> None:
    fields: dict[str, Any] = {
        "qualification_pseudonym_id": PERSON,
        "application_id": REVOKED,
        "record_id": REVOKED,
        "effective_on": ON,
        "reason": "不正受検",
        "legal_basis": "職業能力開発促進法施行規則",
        "revoked_by": "staff:13:cert1",
        "revoked_at": dt.datetime(2026, 11, 2, 10, 0, tzinfo=JST),
    }
    printed = PassRevocationRecord(**fields, certificates=("C13G262-00001-1",))
    none = PassRevocationRecord(**fields, certificates=())

    assert printed.return_asked is True
    assert none.return_asked is False
    assert printed.return_status is ReturnStatus.PENDING


# The property: whatever the sittings, a rewrite changes only what rested on the record.

_DECISIONS = st.sampled_from(
    [
        exempt_on(REVOKED, Part.WRITTEN),
        exempt_on(REVOKED, Part.PRACTICAL),
        exempt_on(OTHER, Part.WRITTEN),
        exempt_on(OTHER, Part.PRACTICAL),
        on_evidence(Part.WRITTEN),
        on_evidence(Part.PRACTICAL),
        refused(Part.WRITTEN),
        refused(Part.PRACTICAL, (REVOKED, OTHER)),
    ]
)


@st.composite
def _sittings(draw: st.DrawFn) -> list[tuple[Sitting, bool]]:
    """Distinct sittings of the person, each with whether it is announced."""
    numbers = draw(st.lists(st.integers(1, 999), unique=True, max_size=6))
    return [
        (
            sitting(
                n,
                *draw(st.lists(_DECISIONS, max_size=3)),
                status=draw(st.sampled_from(SittingStatus)),
            ),
            draw(st.booleans()),
        )
        for n in numbers
    ]


def _rests_on_revoked(decision: ExemptionDecision) -> bool:
    return decision.outcome is Outcome.EXEMPT and decision.record_id == REVOKED


@given(drawn=_sittings())
def test_a_rewrite_only_changes_decisions_resting_on_the_revoked_record(
    drawn: list[tuple[Sitting, bool]],
) -> None:
    announced = [_announced(s.application_id) for s, is_announced in drawn if is_announced]

    withdrawal = withdraw_exemptions([s for s, _ in drawn], _pass(), announced, on=ON)

    affected = {
        s.application_id: is_announced
        for s, is_announced in drawn
        if s.status is SittingStatus.REGISTERED and any(map(_rests_on_revoked, s.exemptions))
    }
    rewritten = [before.application_id for before, _ in withdrawal.rewrites]
    assert rewritten == sorted(a for a, is_announced in affected.items() if not is_announced)
    assert withdrawal.dependent_passes == tuple(sorted(a for a, ann in affected.items() if ann))
    expected_withdrawn: list[WithdrawnExemption] = []
    for before, after in withdrawal.rewrites:
        assert after.model_dump(exclude={"exemptions"}) == before.model_dump(exclude={"exemptions"})
        assert len(after.exemptions) == len(before.exemptions)
        for was, now in zip(before.exemptions, after.exemptions, strict=True):
            if _rests_on_revoked(was):
                assert (now.part, now.outcome, now.reason, now.decided_on) == (
                    was.part,
                    Outcome.NOT_EXEMPT,
                    NotExemptReason.PASS_REVOKED,
                    ON,
                )
                expected_withdrawn.append(
                    WithdrawnExemption(application_id=before.application_id, part=was.part)
                )
            else:
                assert now == was
        assert not any(map(_rests_on_revoked, after.exemptions))
    assert withdrawal.withdrawn == tuple(expected_withdrawn)
