"""Deciding and announcing a results group over in-memory ports: decisions from the stored
scores by the group's rule, a run's problems by application id, an announcement that waits
until the group is ready, pages that continue on the queue, and nothing done twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.unit.sessions.factory import sitting

from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.results import StoredScore
from kentei.exams.catalogue import load_catalogue
from kentei.exams.parts import ComponentKind
from kentei.exams.rounds import load_rounds
from kentei.exemptions.model import PassRecord
from kentei.messages import (
    Envelope,
    PassesAnnounced,
    ResultsAnnouncementDue,
    ResultsDecisionsDue,
)
from kentei.records.codes import Grade
from kentei.results.decision import Result, ScoreEntry
from kentei.results.passes import DecidedSitting, DecisionStatus, PassNumbers, pass_record
from kentei.results.rules import load_pass_rules
from kentei.results.runs import ResultsRun, RunKind, RunProblemCode
from kentei.roster.parts import Part
from kentei.roster.sitting import Sitting
from sync import announcements, decisions
from sync.announcements import announce_group
from sync.decisions import decide_group
from sync.dependencies import Dependencies
from sync.results_ports import ResultsPorts

AT = dt.datetime(2026, 9, 10, 9, 0, tzinfo=dt.UTC)
ANNOUNCED = dt.date(2026, 10, 2)
PRODUCTION, JUDGEMENT = ComponentKind.PRODUCTION, ComponentKind.JUDGEMENT
GROUP: dict[str, Any] = {
    "prefecture_code": "13",
    "fiscal_year": 2026,
    "term": "前期",
    "trade_code": "0301",
    "work_code": "030101",
    "grade": "2級",
    "requested_by": "staff:13:results-13",
    "request_id": "req-1",
}


@dataclass
class _CertifyQueue:
    sent: list[Envelope]

    def send(self, message: Envelope) -> None:
        self.sent.append(message)


@dataclass
class World:
    sittings: list[Sitting] = field(default_factory=list)
    scores: dict[str, list[StoredScore]] = field(default_factory=dict)
    decisions: dict[str, DecidedSitting] = field(default_factory=dict)
    passes: dict[str, PassRecord] = field(default_factory=dict)
    runs: dict[tuple[str, RunKind], ResultsRun] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    sent: list[Envelope] = field(default_factory=list)
    certify: list[Envelope] = field(default_factory=list)
    numbers: int = 0
    now: dt.datetime = AT

    # Roster
    def registered_in(self, round_key: str) -> list[Sitting]:
        return [s for s in self.sittings if s.exam_round.key == round_key]

    # Scores
    def scores_of(self, application_id: str) -> list[StoredScore]:
        return self.scores.get(application_id, [])

    # Passes
    def decision(self, group_key: str, application_id: str) -> DecidedSitting | None:
        found = self.decisions.get(application_id)
        return found if found is not None and found.group_key == group_key else None

    def put_decision(self, decided: DecidedSitting) -> None:
        stored = self.decisions.get(decided.application_id)
        assert stored is None or stored.status is DecisionStatus.DECIDED
        self.decisions[decided.application_id] = decided

    def decisions_of(self, group_key: str) -> list[DecidedSitting]:
        return [d for d in self.decisions.values() if d.group_key == group_key]

    def announce(
        self,
        decided: DecidedSitting,
        passed_on: dt.date,
        at: dt.datetime,
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> PassRecord | None:
        if decided.application_id in self.passes:
            return self.passes[decided.application_id]
        numbers: dict[str, str] = {}
        for kind in decided.needs_numbers:
            self.numbers += 1
            numbers[kind.value] = f"{kind.value}-{self.numbers}"
        self.decisions[decided.application_id] = decided.model_copy(
            update={"status": DecisionStatus.ANNOUNCED, "announced_on": passed_on}
        )
        self.audit.extend(audit)
        if not numbers:
            return None
        record = pass_record(
            decided,
            PassNumbers(
                passer_number=numbers.get("passer"),
                certificate_number=numbers.get("certificate"),
                notice_number=numbers.get("part_pass_notice"),
            ),
            passed_on,
        )
        self.passes[decided.application_id] = record
        return record

    def record_run(self, run: ResultsRun) -> None:
        self.runs[(run.group_key, run.kind)] = run

    def run(self, group_key: str, kind: RunKind) -> ResultsRun | None:
        return self.runs.get((group_key, kind))

    def record(self, event: AuditEvent) -> None:
        self.audit.append(event)

    def send(self, message: Envelope) -> None:
        self.sent.append(message)

    def deps(self) -> Dependencies:
        world = self

        class _Passes:
            decision = world.decision
            put_decision = world.put_decision
            decisions = world.decisions_of
            announce = world.announce
            record_run = world.record_run
            run = world.run

        return Dependencies(
            catalogue=load_catalogue,
            rounds=load_rounds,
            rules=load_pass_rules,
            clock=lambda: world.now,
            results=ResultsPorts(
                roster=lambda _p: world,
                scores=lambda _p: world,
                passes=lambda _p: _Passes(),
                audit=world,
                sync_queue=world,
                certify_queue=_CertifyQueue(world.certify),
            ),
        )


def _sitting(n: int, parts: tuple[Part, ...] = (Part.WRITTEN, Part.PRACTICAL)) -> Sitting:
    return sitting(
        parts=parts,
        trade_code="0301",
        work_code="030101",
        grade=Grade.SECOND,
        exam_number=f"N{n:05d}",
    )


def _score(world: World, one: Sitting, written: int | None, p: int | None, j: int | None) -> None:
    def stored(entry: ScoreEntry) -> StoredScore:
        return StoredScore(one.application_id, entry, "imp-1", None, world.now, "staff")

    entries = [
        ScoreEntry(part=Part.WRITTEN, score=written, absent=written is None),
        ScoreEntry(part=Part.PRACTICAL, component=PRODUCTION, score=p, absent=p is None),
        ScoreEntry(part=Part.PRACTICAL, component=JUDGEMENT, score=j, absent=j is None),
    ]
    world.scores[one.application_id] = [stored(e) for e in entries]


def _world() -> tuple[World, list[Sitting]]:
    world = World()
    made = [_sitting(n) for n in range(1, 5)]
    world.sittings = made
    _score(world, made[0], 80, 80, 50)  # pass
    _score(world, made[1], 70, 72, 32)  # total 60, 判断等 below 40: part pass (学科)
    _score(world, made[2], 50, 50, 50)  # fail
    _score(world, made[3], None, None, None)  # absent: fail
    return world, made


def _asked_again() -> ResultsDecisionsDue:
    """Staff ask again: another request."""
    return ResultsDecisionsDue(**{**GROUP, "request_id": "req-2"})


def test_a_group_is_decided_by_its_rule_from_the_stored_scores() -> None:
    world, made = _world()
    run = decide_group(ResultsDecisionsDue(**GROUP), world.deps())
    results = [world.decisions[s.application_id].decision.result for s in made]
    assert results == [Result.PASS, Result.PART_PASS, Result.FAIL, Result.FAIL]
    assert run.counts["sittings"] == 4
    assert (run.counts["pass"], run.counts["part_pass"], run.counts["fail"]) == (1, 1, 2)
    assert world.decisions[made[0].application_id].decision.rule_version.endswith("2026-030101-2#1")
    assert [e.action for e in world.audit] == [AuditAction.RESULTS_DECIDED]
    assert all(e.person_id is None for e in world.audit)

    again = decide_group(_asked_again(), world.deps())
    assert again.counts["unchanged"] == 4
    assert "written" not in again.counts


def test_inconsistent_scores_are_a_problem_of_the_run_never_a_guess() -> None:
    world, made = _world()
    world.scores[made[0].application_id] *= 2  # every score twice
    run = decide_group(ResultsDecisionsDue(**GROUP), world.deps())
    assert [(p.application_id, p.code) for p in run.problems] == [
        (made[0].application_id, RunProblemCode.SCORES_INCONSISTENT)
    ]
    assert made[0].application_id not in world.decisions


def test_an_announcement_waits_until_the_group_is_ready() -> None:
    world, made = _world()
    decide_group(ResultsDecisionsDue(**GROUP), world.deps())
    late = _sitting(9)
    world.sittings.append(late)  # registered after the decisions run
    world.now = AT + dt.timedelta(hours=1)
    _score(world, made[2], 90, 90, 90)  # a corrected score after the decision

    run = announce_group(ResultsAnnouncementDue(**GROUP, announced_on=ANNOUNCED), world.deps())
    assert run.refused is not None
    assert {(p.application_id, p.code) for p in run.problems} == {
        (late.application_id, RunProblemCode.NO_DECISION),
        (made[2].application_id, RunProblemCode.STALE),
    }
    assert world.passes == {}


def test_an_announcement_numbers_each_pass_once_page_by_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(announcements, "PAGE", 3)
    world, made = _world()
    decide_group(ResultsDecisionsDue(**GROUP), world.deps())
    first = announce_group(ResultsAnnouncementDue(**GROUP, announced_on=ANNOUNCED), world.deps())
    assert first.refused is None
    assert first.finished_at is None, "a page to go"
    (following,) = world.sent
    assert isinstance(following, ResultsAnnouncementDue)
    assert following.after == "N00003"
    last = announce_group(following, world.deps())
    assert last.finished_at is not None
    assert (last.counts["pass"], last.counts["part_pass"], last.counts["fail"]) == (1, 1, 2)
    passed = world.passes[made[0].application_id]
    assert (passed.passer_number, passed.certificate_number) == ("passer-1", "certificate-2")
    assert world.passes[made[1].application_id].notice_number == "part_pass_notice-3"
    assert world.passes[made[1].application_id].parts == (Part.WRITTEN,)
    announced = [e for e in world.audit if e.action is AuditAction.PASS_ANNOUNCED]
    assert len(announced) == 4
    assert {e.person_id for e in announced} == {s.qualification_pseudonym_id for s in made}

    # Certify hears of a page's passes and part passes (ids only), after its writes; the
    # second page (a fail) tells it nothing.
    (told,) = world.certify
    assert isinstance(told, PassesAnnounced)
    assert set(told.application_ids) == {made[0].application_id, made[1].application_id}
    assert told.group_key == world.decisions[made[0].application_id].group_key

    assert announce_group(following, world.deps()) == last, "a redelivered page counts once"
    asked_again = {**GROUP, "request_id": "req-2"}
    again = announce_group(
        ResultsAnnouncementDue(**asked_again, announced_on=ANNOUNCED), world.deps()
    )
    assert again.counts["already"] == 3
    assert world.certify[1:] == [told], "a redelivered page tells certify again"
    assert world.numbers == 3, "nothing numbered twice"
    assert decide_group(_asked_again(), world.deps()).counts["announced"] == 4


def test_a_large_group_is_decided_page_by_page_and_counted_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(decisions, "PAGE", 3)
    world, made = _world()
    first = decide_group(ResultsDecisionsDue(**GROUP), world.deps())
    assert first.finished_at is None, "a page to go"
    assert first.through == "N00003"
    (following,) = world.sent
    assert isinstance(following, ResultsDecisionsDue)
    assert following.after == "N00003"
    assert world.audit == [], "the group's audit entry comes with its last page"

    last = decide_group(following, world.deps())
    assert last.finished_at is not None
    assert last.started_at == first.started_at
    assert last.counts["sittings"] == 4
    assert (last.counts["pass"], last.counts["part_pass"], last.counts["fail"]) == (1, 1, 2)
    assert [e.action for e in world.audit] == [AuditAction.RESULTS_DECIDED]
    assert {s.application_id for s in made} == set(world.decisions)

    # Redelivered pages (the first, then the last) change nothing and count nothing twice;
    # the first sends its next page again (it may have stopped before sending it).
    assert decide_group(ResultsDecisionsDue(**GROUP), world.deps()) == last
    assert decide_group(following, world.deps()) == last
    assert len(world.sent) == 2
    assert len(world.audit) == 1


def test_a_large_group_is_checked_page_by_page_before_anything_is_announced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(announcements, "CHECK_PAGE", 2)
    world, made = _world()
    decide_group(ResultsDecisionsDue(**GROUP), world.deps())
    world.now = AT + dt.timedelta(hours=1)
    _score(world, made[0], 90, 90, 90)  # first page: stale
    _score(world, made[3], 90, 90, 90)  # second page: stale
    asked = ResultsAnnouncementDue(**GROUP, announced_on=ANNOUNCED)

    checking = announce_group(asked, world.deps())
    assert (checking.counts, checking.finished_at, checking.refused) == ({"checked": 2}, None, None)
    (following,) = world.sent
    assert isinstance(following, ResultsAnnouncementDue)
    assert (following.check_after, following.checking) == ("N00002", True)
    assert announce_group(asked, world.deps()) == checking, "a redelivered page counts once"

    refused = announce_group(following, world.deps())
    assert refused.refused is not None
    assert refused.counts == {"sittings": 4}
    assert [(p.application_id, p.code) for p in refused.problems] == [
        (made[0].application_id, RunProblemCode.STALE),
        (made[3].application_id, RunProblemCode.STALE),
    ]
    assert world.passes == {}
    assert announce_group(following, world.deps()).problems == refused.problems

    # Decided again, the group is ready: the last check page announces the first page.
    decide_group(_asked_again(), world.deps())
    again = {**GROUP, "request_id": "req-3"}
    announce_group(ResultsAnnouncementDue(**again, announced_on=ANNOUNCED), world.deps())
    last_check = world.sent[-1]
    assert isinstance(last_check, ResultsAnnouncementDue)
    assert last_check.check_after == "N00002"
    done = announce_group(last_check, world.deps())
    assert done.finished_at is not None
    assert (done.counts["pass"], done.counts["part_pass"], done.counts["fail"]) == (2, 1, 1)
    assert len(world.passes) == 3

    # Check pages redelivered once announcing began: the first sends its next page again, and
    # the last announces again (nothing twice); neither counts again or checks anew.
    numbers, sent = world.numbers, len(world.sent)
    assert (
        announce_group(ResultsAnnouncementDue(**again, announced_on=ANNOUNCED), world.deps())
        == done
    )
    assert world.sent[sent:] == [last_check]
    assert announce_group(last_check, world.deps()) == done
    assert world.numbers == numbers
    assert world.runs[(done.group_key, RunKind.ANNOUNCEMENT)] == done


def test_certify_hears_of_a_page_in_small_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(announcements, "CERTIFY_CHUNK", 1)
    world, made = _world()
    decide_group(ResultsDecisionsDue(**GROUP), world.deps())
    announce_group(ResultsAnnouncementDue(**GROUP, announced_on=ANNOUNCED), world.deps())
    told = [m.application_ids for m in world.certify if isinstance(m, PassesAnnounced)]
    assert told == [(made[0].application_id,), (made[1].application_id,)]
