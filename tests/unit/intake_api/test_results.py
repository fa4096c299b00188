"""The results office's routes (R12): asking sync to decide and announce a results group,
reading its decisions, downloading the passing exam numbers; their refusals (401, 403, 404,
409, 422) and audit entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kentei.data.audit import AuditAction, AuditOutcome
from kentei.messages import ResultsAnnouncementDue, ResultsDecisionsDue
from kentei.records.codes import Grade, Term
from kentei.results.decision import Decision, PartDecision, PartOutcome, Result
from kentei.results.passes import DecidedSitting, DecisionStatus
from kentei.roster.parts import ExamRound, Part

from .events import event, invoke
from .fakes import Fakes

RESULTS = "staff:13:results1:results"
CLERK = "staff:13:clerk1:clerk"
AUDITOR = "staff:13:auditor1:auditor"
OSAKA = "staff:27:results27:results"
GROUP: dict[str, Any] = {
    "fiscal_year": 2026,
    "term": "前期",
    "trade_code": "0301",
    "work_code": "030101",
    "grade": "2級",
}
QUERY = "fiscal_year=2026&term=%E5%89%8D%E6%9C%9F&trade_code=0301&work_code=030101&grade=2%E7%B4%9A"


def _post(path: str, body: dict[str, Any], caller: str | None = RESULTS) -> tuple[int, Any]:
    status, _, answer = invoke(
        event("POST", path, caller=caller, headers={"Content-Type": "application/json"}, body=body)
    )
    return status, answer


def _get(path: str, caller: str | None = RESULTS) -> tuple[int, dict[str, list[str]], Any]:
    return invoke(event("GET", path, caller=caller))


def _raw(path: str) -> dict[str, Any]:
    from intake.handler import handler
    from kentei_local.context import LocalContext

    answer: dict[str, Any] = handler(
        event("GET", path, caller=RESULTS), LocalContext.for_function("intake")
    )
    return answer


def _decided(
    n: int, result: Result, status: DecisionStatus = DecisionStatus.DECIDED, prefecture: str = "13"
) -> DecidedSitting:
    passed = PartDecision(part=Part.WRITTEN, outcome=PartOutcome.PASSED, pass_mark=65)
    failed = PartDecision.model_validate(
        {"part": "practical", "outcome": "failed", "failures": [{"reason": "absent"}]}
    )
    practical = (
        PartDecision(part=Part.PRACTICAL, outcome=PartOutcome.PASSED)
        if result is Result.PASS
        else failed
    )
    return DecidedSitting(
        application_id=f"{prefecture}-{n:026d}",
        prefecture_code=prefecture,
        qualification_pseudonym_id=f"person-{n:04d}",
        exam_round=ExamRound(fiscal_year=2026, term=Term.FIRST),
        trade_code="0301",
        work_code="030101",
        grade=Grade.SECOND,
        exam_number=f"N{n:05d}",
        decision=Decision(result=result, parts=(passed, practical), rule_version="2026.1/x#1"),
        decided_at=dt.datetime(2026, 9, 20, tzinfo=dt.UTC),
        decided_by=RESULTS,
        status=status,
        announced_on=dt.date(2026, 10, 2) if status is DecisionStatus.ANNOUNCED else None,
    )


def test_asking_for_decisions_queues_them_for_sync_and_is_audited(fakes: Fakes) -> None:
    status, answer = _post("/v1/results/decisions", GROUP)
    assert status == 202, answer
    assert answer["group_key"] == "2026-前期#0301#030101#2級"
    (sent,) = fakes.sync_queue.sent
    assert isinstance(sent, ResultsDecisionsDue)
    assert (sent.prefecture_code, sent.work_code, sent.grade, sent.requested_by) == (
        "13",
        "030101",
        "2級",
        "staff:13:results1",
    )
    (entry,) = fakes.audit.events
    assert entry.action is AuditAction.RESULTS_DECISIONS_REQUESTED
    assert entry.person_id is None


def test_a_group_the_catalogue_or_the_round_does_not_hold_is_refused(fakes: Fakes) -> None:
    status, answer = _post("/v1/results/decisions", {**GROUP, "work_code": "999999"})
    assert status == 422, answer
    assert answer["errors"][0]["field"] == "body.work_code"
    status, answer = _post("/v1/results/decisions", {**GROUP, "grade": "基礎級"})
    assert status == 422, answer
    status, answer = _post("/v1/results/decisions", {**GROUP, "term": "後期", "grade": "特級"})
    assert status == 422, answer
    assert fakes.sync_queue.sent == []


def test_only_the_results_office_may_ask(fakes: Fakes) -> None:
    assert _post("/v1/results/decisions", GROUP, caller=None)[0] == 401
    assert _post("/v1/results/decisions", GROUP, caller=CLERK)[0] == 403
    assert _post("/v1/results/announcements", GROUP, caller=AUDITOR)[0] == 403
    assert fakes.sync_queue.sent == []


def test_the_decisions_of_the_callers_prefecture_only(fakes: Fakes) -> None:
    for n, result in ((1, Result.PASS), (2, Result.FAIL)):
        one = _decided(n, result)
        fakes.records.decisions[one.application_id] = one
    other = _decided(3, Result.PASS, prefecture="27")
    fakes.records.decisions[other.application_id] = other
    status, _, answer = _get(f"/v1/results/decisions?{QUERY}", caller=AUDITOR)
    assert status == 200, answer
    assert [d["exam_number"] for d in answer["decisions"]] == ["N00001", "N00002"]
    assert answer["counts"] == {"pass": 1, "fail": 1, "decided": 2}
    assert answer["decisions"][1]["parts"][1]["failures"] == [
        {"reason": "absent", "component": None}
    ]
    listed = [e for e in fakes.audit.events if e.action is AuditAction.RESULTS_LISTED]
    assert [e.outcome for e in listed] == [AuditOutcome.ALLOWED]
    assert "person" not in str(answer)


def test_an_announcement_is_not_due_before_the_rounds_date(fakes: Fakes) -> None:
    fakes.clock.now = dt.datetime(2026, 10, 1, 14, 0, tzinfo=dt.UTC)  # 23:00 JST, 1 Oct
    status, answer = _post("/v1/results/announcements", GROUP)
    assert status == 409, answer
    assert answer["type"].endswith("announcement-not-due")
    fakes.clock.now = dt.datetime(2026, 10, 1, 15, 0, tzinfo=dt.UTC)  # 00:00 JST, 2 Oct
    status, answer = _post("/v1/results/announcements", GROUP)
    assert status == 202, answer
    assert answer["announced_on"] == "2026-10-02"
    (sent,) = fakes.sync_queue.sent
    assert isinstance(sent, ResultsAnnouncementDue)
    assert sent.announced_on == dt.date(2026, 10, 2)
    assert sent.after is None


def test_the_passing_numbers_once_the_whole_group_is_announced(fakes: Fakes) -> None:
    made = [_decided(n, r) for n, r in ((1, Result.PASS), (2, Result.PART_PASS), (3, Result.PASS))]
    for one in made:
        fakes.records.decisions[one.application_id] = one
    status, _, answer = _get(f"/v1/results/announcements?{QUERY}")
    assert status == 409, answer
    assert answer["type"].endswith("not-announced")
    for one in made:
        fakes.records.decisions[one.application_id] = one.model_copy(
            update={"status": DecisionStatus.ANNOUNCED, "announced_on": dt.date(2026, 10, 2)}
        )
    status, _, answer = _get(f"/v1/results/announcements?{QUERY}")
    assert status == 200, answer
    assert answer == {
        "group_key": "2026-前期#0301#030101#2級",
        "announced_on": "2026-10-02",
        "exam_numbers": ["N00001", "N00003"],
    }
    response = _raw(f"/v1/results/announcements?{QUERY}&format=csv")
    assert response["statusCode"] == 200
    assert response["multiValueHeaders"]["Content-Type"][0].startswith("text/csv")
    assert response["body"] == "\ufeff受検番号\r\nN00001\r\nN00003\r\n"
    downloads = [e for e in fakes.audit.events if e.action is AuditAction.ANNOUNCEMENT_DOWNLOADED]
    assert [e.outcome for e in downloads] == [
        AuditOutcome.ALLOWED,
        AuditOutcome.ALLOWED,
    ]
    assert _get(f"/v1/results/announcements?{QUERY}", caller=OSAKA)[0] == 409, "its own: none"


def _accepted_sitting(fakes: Fakes, prefecture: str = "13") -> str:
    from tests.unit.review.factory import application, form
    from tests.unit.sessions.factory import sitting

    from kentei.applications.model import Status
    from kentei.data.applications import StoredApplication

    made = application(
        form(fiscal_year=2026, term="前期", trade_code="0301", work_code="030101", grade="2級"),
        status=Status.ACCEPTED,
        prefecture_code=prefecture,
    )
    person = made.qualification_pseudonym_id
    assert person is not None
    fakes.records.applications[made.application_id] = StoredApplication(made, 4, "fp")
    fakes.records.sittings[made.application_id] = sitting(
        application_id=made.application_id,
        prefecture_code=prefecture,
        qualification_pseudonym_id=person,
        trade_code="0301",
        work_code="030101",
        grade=Grade.SECOND,
    )
    return made.application_id


CORRECTION: dict[str, Any] = {
    "scores": [{"part": "written", "score": 66}],
    "reason": "採点誤り: 問12 の正答を訂正",
}


def test_a_correction_before_the_announcement_replaces_the_score_with_its_audit(
    fakes: Fakes,
) -> None:
    application_id = _accepted_sitting(fakes)
    status, answer = _post(f"/v1/results/sittings/{application_id}/corrections", CORRECTION)
    assert status == 200, answer
    assert answer == {
        "application_id": application_id,
        "announced": False,
        "before": None,
        "after": None,
        "pass_record": None,
    }
    (stored,) = fakes.records.scores[application_id].values()
    assert stored.entry.score == 66
    assert stored.source.startswith("correction:")
    (entry,) = fakes.records.audit
    assert entry.action is AuditAction.RESULTS_SCORE_CORRECTED
    assert entry.person_id == fakes.records.sittings[application_id].qualification_pseudonym_id


def test_a_correction_the_sitting_cannot_take_is_refused(fakes: Fakes) -> None:
    application_id = _accepted_sitting(fakes)
    path = f"/v1/results/sittings/{application_id}/corrections"
    judging = {"part": "practical", "component": "計画立案等作業試験", "score": 70}
    status, answer = _post(path, {**CORRECTION, "scores": [judging]})
    assert status == 422, answer
    assert answer["errors"] == [
        {"field": "body.scores.0.component", "problem": "not a component of its grade"}
    ]
    status, answer = _post(path, {**CORRECTION, "scores": [{"part": "written"}]})
    assert status == 422, answer
    status, answer = _post(path, {**CORRECTION, "reason": "個人番号 123456789018"})
    assert status == 422, answer
    status, answer = _post(path, {"scores": CORRECTION["scores"]})
    assert status == 422, answer
    assert fakes.records.scores == {}
    assert fakes.records.audit == []


def test_a_correction_is_the_results_offices_in_its_own_prefecture(fakes: Fakes) -> None:
    application_id = _accepted_sitting(fakes)
    path = f"/v1/results/sittings/{application_id}/corrections"
    assert _post(path, CORRECTION, caller=None)[0] == 401
    assert _post(path, CORRECTION, caller=CLERK)[0] == 403
    assert _post(path, CORRECTION, caller=OSAKA)[0] == 404
    unknown = "13-" + "0" * 26
    assert _post(f"/v1/results/sittings/{unknown}/corrections", CORRECTION)[0] == 404
    assert fakes.records.scores == {}
