"""Sync's results work against moto, over the real stores: sittings on the roster, scores
recorded from an import, a group decided by its rule, announced page by page with numbers
and pass records, and the audit entries; a part pass then exempts a later sitting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from tests.integration.moto_tables import records_and_audit
from tests.unit.review.factory import application, form

from kentei.applications.model import Status
from kentei.data.audit import AuditAction, AuditTrail
from kentei.data.passes import PrefecturePasses
from kentei.data.results import PrefectureScores, ScoreRow
from kentei.data.roster import PrefectureRoster
from kentei.exams.catalogue import load_catalogue
from kentei.exams.parts import ComponentKind
from kentei.exams.rounds import load_rounds
from kentei.exemptions.model import PassKind
from kentei.messages import Envelope, ResultsAnnouncementDue, ResultsDecisionsDue
from kentei.results.decision import Result, ScoreEntry
from kentei.results.numbering import NumberKind
from kentei.results.passes import DecisionStatus
from kentei.results.rules import load_pass_rules
from kentei.results.runs import RunKind
from kentei.roster.exam_numbers import schemes
from kentei.roster.parts import Part
from kentei.roster.registration import registration_of
from kentei.roster.sitting import Sitting
from sync import announcements
from sync.announcements import announce_group
from sync.decisions import decide_group
from sync.dependencies import Dependencies
from sync.results_ports import ResultsPorts

AT = dt.datetime(2026, 9, 20, 9, 0, tzinfo=dt.UTC)
ANNOUNCED = dt.date(2026, 10, 2)
BY = "staff:13:results-13"
GROUP = {
    "prefecture_code": "13",
    "fiscal_year": 2026,
    "term": "前期",
    "trade_code": "0301",
    "work_code": "030101",
    "grade": "2級",
    "requested_by": BY,
    "request_id": "req-results-1",
}


@dataclass
class Queue:
    sent: list[Envelope] = field(default_factory=list)

    def send(self, message: Envelope) -> None:
        self.sent.append(message)


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _deps(queue: Queue, clock: list[dt.datetime]) -> Dependencies:
    return Dependencies(
        catalogue=load_catalogue,
        rounds=load_rounds,
        rules=load_pass_rules,
        clock=lambda: clock[0],
        results=ResultsPorts(
            roster=PrefectureRoster,
            scores=PrefectureScores,
            passes=PrefecturePasses,
            audit=AuditTrail(),
            sync_queue=queue,
            certify_queue=Queue(),
        ),
    )


def _register(n: int) -> Sitting:
    accepted = application(
        form(fiscal_year=2026, term="前期", trade_code="0301", work_code="030101", grade="2級"),
        status=Status.UNDER_REVIEW,
    ).model_copy(update={"qualification_pseudonym_id": f"person-{n:04d}"})
    registration = registration_of(accepted)
    roster = PrefectureRoster("13")
    scheme = schemes().of("13")
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer-13"
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, AT))
    return sitting


def _rows(sitting: Sitting, written: int, production: int, judgement: int) -> list[ScoreRow]:
    return [
        ScoreRow(sitting.application_id, ScoreEntry(part=Part.WRITTEN, score=written)),
        ScoreRow(
            sitting.application_id,
            ScoreEntry(part=Part.PRACTICAL, component=ComponentKind.PRODUCTION, score=production),
        ),
        ScoreRow(
            sitting.application_id,
            ScoreEntry(part=Part.PRACTICAL, component=ComponentKind.JUDGEMENT, score=judgement),
        ),
    ]


@pytest.mark.usefixtures("moto")
def test_a_group_decided_and_announced_over_the_real_stores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(announcements, "PAGE", 2)
    made = [_register(n) for n in range(3)]
    scores = PrefectureScores("13")
    rows = [
        *_rows(made[0], 80, 80, 50),  # pass
        *_rows(made[1], 70, 72, 32),  # 実技 60.0 but 判断等 below its minimum: part pass
        *_rows(made[2], 40, 50, 50),  # fail
    ]
    scores.record_many(rows, source="imp-1", at=AT - dt.timedelta(days=1), by=BY)
    queue, clock = Queue(), [AT]

    run = decide_group(ResultsDecisionsDue(**GROUP), _deps(queue, clock))
    assert (run.counts["pass"], run.counts["part_pass"], run.counts["fail"]) == (1, 1, 1)
    passes = PrefecturePasses("13")
    decided = {d.application_id: d for d in passes.decisions(GROUP_KEY)}
    assert [decided[s.application_id].decision.result for s in made] == [
        Result.PASS,
        Result.PART_PASS,
        Result.FAIL,
    ]

    clock[0] = AT + dt.timedelta(days=12)
    first = announce_group(
        ResultsAnnouncementDue(**GROUP, announced_on=ANNOUNCED), _deps(queue, clock)
    )
    assert first.refused is None, first.problems
    (following,) = queue.sent
    assert isinstance(following, ResultsAnnouncementDue)
    last = announce_group(following, _deps(queue, clock))
    assert last.finished_at is not None
    assert passes.run(GROUP_KEY, RunKind.ANNOUNCEMENT) == last

    passed = passes.passes_of(made[0].qualification_pseudonym_id)
    assert [(p.kind, p.passer_number, p.certificate_number) for p in passed] == [
        (PassKind.PASS, "13G26-000001", "C13G262-00001")
    ]
    (part,) = passes.passes_of(made[1].qualification_pseudonym_id)
    assert (part.kind, part.parts, part.notice_number) == (
        PassKind.PART_PASS,
        (Part.WRITTEN,),
        "P13G26-000001",
    )
    assert passes.passes_of(made[2].qualification_pseudonym_id) == []
    assert all(d.status is DecisionStatus.ANNOUNCED for d in passes.decisions(GROUP_KEY))
    days = {clock[0].date()}
    trail = [e for day in days for e in AuditTrail().day("13", day)]
    announced = [e for e in trail if e.action is AuditAction.PASS_ANNOUNCED]
    assert {e.person_id for e in announced} == {s.qualification_pseudonym_id for s in made}

    # Redelivered: nothing numbered or counted again.
    again = announce_group(following, _deps(queue, clock))
    assert again == last
    assert passes.numbering("passer#governor#2026").last == 1


GROUP_KEY = "2026-前期#0301#030101#2級"


@pytest.mark.usefixtures("moto")
def test_a_part_pass_makes_a_later_sittings_full_pass() -> None:
    """前期 2026: 学科 passed, 実技 failed → a part pass. 後期 2026: the person applies for 実技
    only; the acceptance exempts 学科 on the part pass; passing 実技 is a full pass."""
    queue, clock = Queue(), [AT]
    first = _register(7)
    PrefectureScores("13").record_many(
        _rows(first, 90, 40, 40), source="imp-1", at=AT - dt.timedelta(days=1), by=BY
    )
    decide_group(ResultsDecisionsDue(**GROUP), _deps(queue, clock))
    clock[0] = AT + dt.timedelta(days=12)
    announce_group(ResultsAnnouncementDue(**GROUP, announced_on=ANNOUNCED), _deps(queue, clock))
    passes = PrefecturePasses("13")
    (part,) = passes.passes_of(first.qualification_pseudonym_id)
    assert (part.kind, part.parts) == (PassKind.PART_PASS, (Part.WRITTEN,))

    later = application(
        form(
            fiscal_year=2026,
            term="後期",
            trade_code="0301",
            work_code="030101",
            grade="2級",
            exam_category="実技のみ",
        ),
        status=Status.UNDER_REVIEW,
    ).model_copy(update={"qualification_pseudonym_id": first.qualification_pseudonym_id})
    registration = registration_of(later, passes)
    roster = PrefectureRoster("13")
    scheme = schemes().of("13")
    accepted_at = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=accepted_at, by=BY
    )
    (exempt,) = sitting.exemptions
    assert (exempt.part, exempt.outcome.value, exempt.record_id) == (
        Part.WRITTEN,
        "exempt",
        first.application_id,
    )
    roster.register(roster.registration_writes(registration.examinee, sitting, accepted_at))
    PrefectureScores("13").record_many(
        _rows(sitting, 0, 80, 60)[1:], source="imp-2", at=accepted_at, by=BY
    )
    clock[0] = dt.datetime(2027, 2, 20, 9, 0, tzinfo=dt.UTC)
    second = {**GROUP, "term": "後期", "request_id": "req-results-2"}
    run = decide_group(ResultsDecisionsDue(**second), _deps(queue, clock))
    assert run.counts["pass"] == 1, run
    announce_group(
        ResultsAnnouncementDue(**second, announced_on=dt.date(2027, 3, 12)), _deps(queue, clock)
    )
    full = [
        p for p in passes.passes_of(first.qualification_pseudonym_id) if p.kind is PassKind.PASS
    ]
    assert [(p.record_id, p.passed_on) for p in full] == [
        (sitting.application_id, dt.date(2027, 3, 12))
    ]
    assert full[0].passer_number is not None


@pytest.mark.usefixtures("moto")
def test_corrections_after_the_announcement_follow_the_pass_record() -> None:
    """A fail corrected into a part pass gets its notice number; corrected again into a full
    pass the record is replaced and numbered; a pass corrected into a fail is revoked. Each
    correction stays on the decision with its reason."""
    from dataclasses import replace

    from tests.unit.intake_api.fakes import Fakes

    from intake.results_corrections import CorrectionRequest, ScoreCorrection, correct_scores
    from kentei.callers import Caller, CallerKind, Role
    from kentei.data.applications import PrefectureApplications

    queue, clock = Queue(), [AT]
    sitting = _register(21)
    accepted = application(
        form(fiscal_year=2026, term="前期", trade_code="0301", work_code="030101", grade="2級"),
        status=Status.ACCEPTED,
    ).model_copy(
        update={
            "application_id": sitting.application_id,
            "qualification_pseudonym_id": sitting.qualification_pseudonym_id,
        }
    )
    PrefectureApplications("13").create(accepted, "fp-21")
    PrefectureScores("13").record_many(
        _rows(sitting, 50, 50, 50), source="imp-1", at=AT - dt.timedelta(days=1), by=BY
    )
    decide_group(ResultsDecisionsDue(**GROUP), _deps(queue, clock))
    clock[0] = AT + dt.timedelta(days=12)
    announce_group(ResultsAnnouncementDue(**GROUP, announced_on=ANNOUNCED), _deps(queue, clock))
    passes = PrefecturePasses("13")
    assert passes.passes_of(sitting.qualification_pseudonym_id) == []

    staff = Caller(
        CallerKind.STAFF,
        user_id="results-13",
        prefecture_code="13",
        roles=frozenset({Role.RESULTS}),
    )
    deps = replace(
        Fakes().dependencies(),
        applications=PrefectureApplications,
        roster=PrefectureRoster,
        results=PrefecturePasses,
        scores=PrefectureScores,
        audit=AuditTrail(),
        clock=lambda: clock[0],
    )

    def correct(request_id: str, *scores: ScoreCorrection) -> object:
        clock[0] += dt.timedelta(minutes=5)
        request = CorrectionRequest(scores=list(scores), reason="再採点の結果")
        return correct_scores(staff, sitting.application_id, request, request_id, deps)

    written = ScoreCorrection(part=Part.WRITTEN, score=70)
    answer = correct("req-c1", written)
    assert (answer.before, answer.after) == (Result.FAIL, Result.PART_PASS)  # type: ignore[attr-defined]
    (part,) = passes.passes_of(sitting.qualification_pseudonym_id)
    assert (part.kind, part.notice_number) == (PassKind.PART_PASS, "P13G26-000001")

    practical = [
        ScoreCorrection(part=Part.PRACTICAL, component=ComponentKind.PRODUCTION, score=80),
        ScoreCorrection(part=Part.PRACTICAL, component=ComponentKind.JUDGEMENT, score=60),
    ]
    correct("req-c2", *practical)
    (full,) = passes.passes_of(sitting.qualification_pseudonym_id)
    assert (full.kind, full.passer_number, full.notice_number) == (
        PassKind.PASS,
        "13G26-000001",
        None,
    )
    assert passes.claimed_by(NumberKind.PART_PASS_NOTICE, "P13G26-000001") == (
        sitting.application_id
    ), "the old number stays claimed, never reused"

    correct(
        "req-c3",
        ScoreCorrection(part=Part.WRITTEN, score=10),
        ScoreCorrection(part=Part.PRACTICAL, component=ComponentKind.PRODUCTION, score=10),
    )
    assert passes.passes_of(sitting.qualification_pseudonym_id) == []
    decided = passes.decision(GROUP_KEY, sitting.application_id)
    assert decided is not None
    assert [(c.before, c.after) for c in decided.corrections] == [
        (Result.FAIL, Result.PART_PASS),
        (Result.PART_PASS, Result.PASS),
        (Result.PASS, Result.FAIL),
    ]
    history = PrefectureScores("13").history_of(sitting.application_id)
    assert [c.after_source for c in history if c.after.part is Part.WRITTEN] == [
        "imp-1",
        "correction:req-c1",
        "correction:req-c3",
    ]
    trail = AuditTrail().day("13", clock[0].date())
    assert [e.action for e in trail].count(AuditAction.RESULTS_SCORE_CORRECTED) == 3
