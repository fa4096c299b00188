"""Deciding a results group (合否判定, R12) for a ``results_decisions_due`` message.

Every registered sitting of the round's work and grade in the prefecture is decided from its
stored scores, its parts and exemptions, by the rule of its fiscal year, work and grade
(:func:`kentei.results.decision.decide`), and the decision recorded. Staff ask again after a
corrected import: decisions are made again until the group is announced; an announced
sitting is left alone (a change then is a correction). Scores a decision cannot rest on are
a problem of the run (by application id), never a guess. The run's counts and problems are
kept for staff (``RESULTS_RUN#<group>#decisions``), with one audit entry for the group.

Safe to run twice: a decision equal to the stored one is not written again.
"""

from __future__ import annotations

from collections import Counter

from kentei.data.audit import AuditAction
from kentei.messages import ResultsDecisionsDue
from kentei.results.decision import FailReason, ScoresError, decide
from kentei.results.groups import rule_for
from kentei.results.passes import DecidedSitting, DecisionStatus
from kentei.results.runs import MAX_PROBLEMS, ResultsRun, RunKind, RunProblem, RunProblemCode
from sync.dependencies import Dependencies
from sync.groups import event, group_of


def decide_group(message: ResultsDecisionsDue, deps: Dependencies) -> ResultsRun:
    group = group_of(message)
    prefecture = message.prefecture_code
    started = deps.clock()
    rule = rule_for(group, deps.catalogue(), deps.rules())
    ports = deps.results
    passes, scores = ports.passes(prefecture), ports.scores(prefecture)
    registered = ports.roster(prefecture).registered_in(group.exam_round.key)
    sittings = [s for s in registered if group.holds(s)]
    counts: Counter[str] = Counter(sittings=len(sittings))
    problems: list[RunProblem] = []
    for sitting in sorted(sittings, key=lambda s: s.exam_number):
        stored = passes.decision(group.key, sitting.application_id)
        if stored is not None and stored.status is DecisionStatus.ANNOUNCED:
            counts["announced"] += 1
            continue
        entries = [score.entry for score in scores.scores_of(sitting.application_id)]
        try:
            decision = decide(sitting.parts, sitting.exemptions, entries, rule)
        except ScoresError:
            counts["problems"] += 1
            if len(problems) < MAX_PROBLEMS:
                problems.append(
                    RunProblem(
                        application_id=sitting.application_id,
                        code=RunProblemCode.SCORES_INCONSISTENT,
                    )
                )
            continue
        counts[decision.result.value] += 1
        if any(f.reason is FailReason.NO_SCORE for p in decision.parts for f in p.failures):
            counts["no_score"] += 1
        if stored is not None and stored.decision == decision:
            counts["unchanged"] += 1
            continue
        passes.put_decision(
            DecidedSitting(
                application_id=sitting.application_id,
                prefecture_code=prefecture,
                qualification_pseudonym_id=sitting.qualification_pseudonym_id,
                exam_round=sitting.exam_round,
                trade_code=sitting.trade_code,
                work_code=sitting.work_code,
                grade=sitting.grade,
                elective=sitting.elective,
                exam_number=sitting.exam_number,
                decision=decision,
                decided_at=started,
                decided_by=message.requested_by,
            )
        )
        counts["written"] += 1
    run = ResultsRun(
        group_key=group.key,
        kind=RunKind.DECISIONS,
        request_id=message.request_id,
        requested_by=message.requested_by,
        started_at=started,
        finished_at=deps.clock(),
        counts=dict(counts),
        problems=tuple(problems),
    )
    passes.record_run(run)
    deps.results.audit.record(
        event(message, AuditAction.RESULTS_DECIDED, started, record=("results_group", group.key))
    )
    return run
