"""Deciding a results group (合否判定, R12) for a ``results_decisions_due`` message.

Every registered sitting of the round's work and grade in the prefecture is decided from its
stored scores, its parts and exemptions, by the rule of its fiscal year, work and grade
(:func:`kentei.results.decision.decide`), and the decision recorded. Staff ask again after a
corrected import: decisions are made again until the group is announced; an announced
sitting is left alone (a change then is a correction). Scores a decision cannot rest on are
a problem of the run (by application id), never a guess. The run's counts and problems are
kept for staff (``RESULTS_RUN#<group>#decisions``), with one audit entry for the group.

A message decides a page of :data:`PAGE` sittings in exam-number order; the next page is a
message of its own on the sync queue (``after``: the last exam number decided), so a large
group never runs into the function's timeout. The run's counts add up page by page (a
redelivered page is not counted twice: :meth:`ResultsRun.counted`); the last page finishes the
run and writes the audit entry.

Safe to run twice: a decision equal to the stored one is not written again.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Final

from kentei.data.audit import AuditAction
from kentei.messages import ResultsDecisionsDue
from kentei.results.decision import FailReason, ScoresError, decide
from kentei.results.groups import rule_for
from kentei.results.passes import DecidedSitting, DecisionStatus
from kentei.results.rules import AppliedRule
from kentei.results.runs import MAX_PROBLEMS, ResultsRun, RunKind, RunProblem, RunProblemCode
from kentei.roster.sitting import Sitting
from sync.dependencies import Dependencies
from sync.groups import event, group_of, page_of
from sync.results_ports import Passes, Scores

PAGE: Final = 200
"""Sittings one message decides: a stored decision read, the scores queried and a decision
written for each, about 600 sequential requests (~5 s on DynamoDB at ~8 ms each; ~20 s on the
local runtime), well within sync's 60 s timeout whatever the group's size."""


def decide_group(message: ResultsDecisionsDue, deps: Dependencies) -> ResultsRun:
    """Decide the page of the group's sittings after ``message.after``; the run so far."""
    group = group_of(message)
    prefecture = message.prefecture_code
    started = deps.clock()
    rule = rule_for(group, deps.catalogue(), deps.rules())
    ports = deps.results
    passes, scores = ports.passes(prefecture), ports.scores(prefecture)
    registered = ports.roster(prefecture).registered_in(group.exam_round.key)
    sittings = sorted((s for s in registered if group.holds(s)), key=lambda s: s.exam_number)
    page, last, more = page_of(sittings, message.after, PAGE)
    counts: Counter[str] = Counter()
    if message.after is None:
        counts["sittings"] = len(sittings)
    problems: list[RunProblem] = []
    for sitting in page:
        outcome = _decide_one(
            sitting, message=message, rule=rule, passes=passes, scores=scores, at=started
        )
        if isinstance(outcome, RunProblem):
            counts["problems"] += 1
            problems.append(outcome)
        else:
            counts.update(outcome)
    previous = passes.run(group.key, RunKind.DECISIONS)
    if previous is not None and previous.counted(message.request_id, message.after):
        run = previous  # a redelivered page: its counts are in already
    else:
        run = _run_so_far(message, previous, counts, problems, started)
        run = run.model_copy(
            update={"finished_at": None if more else deps.clock(), "through": last}
        )
        passes.record_run(run)
        if not more:
            group_key = ("results_group", group.key)
            deps.results.audit.record(
                event(message, AuditAction.RESULTS_DECIDED, started, record=group_key)
            )
    if more:
        deps.results.sync_queue.send(message.model_copy(update={"after": last}))
    return run


def _run_so_far(
    message: ResultsDecisionsDue,
    previous: ResultsRun | None,
    counts: Counter[str],
    problems: list[RunProblem],
    started: datetime,
) -> ResultsRun:
    """The run with this page added: to the pages before it of the same request, or new."""
    if previous is not None and previous.continues(message.request_id, message.after):
        return previous.model_copy(
            update={
                "counts": dict(counts + Counter(previous.counts)),
                "problems": (*previous.problems, *problems)[:MAX_PROBLEMS],
            }
        )
    return ResultsRun(
        group_key=group_of(message).key,
        kind=RunKind.DECISIONS,
        request_id=message.request_id,
        requested_by=message.requested_by,
        started_at=started,
        counts=dict(counts),
        problems=tuple(problems[:MAX_PROBLEMS]),
    )


def _decide_one(
    sitting: Sitting,
    *,
    message: ResultsDecisionsDue,
    rule: AppliedRule,
    passes: Passes,
    scores: Scores,
    at: datetime,
) -> Counter[str] | RunProblem:
    """What deciding one sitting counted, or its problem."""
    counts: Counter[str] = Counter()
    stored = passes.decision(group_of(message).key, sitting.application_id)
    if stored is not None and stored.status is DecisionStatus.ANNOUNCED:
        counts["announced"] += 1
        return counts
    entries = [score.entry for score in scores.scores_of(sitting.application_id)]
    try:
        decision = decide(sitting.parts, sitting.exemptions, entries, rule)
    except ScoresError:
        return RunProblem(
            application_id=sitting.application_id, code=RunProblemCode.SCORES_INCONSISTENT
        )
    counts[decision.result.value] += 1
    if any(f.reason is FailReason.NO_SCORE for p in decision.parts for f in p.failures):
        counts["no_score"] += 1
    if stored is not None and stored.decision == decision:
        counts["unchanged"] += 1
        return counts
    passes.put_decision(
        DecidedSitting(
            application_id=sitting.application_id,
            prefecture_code=message.prefecture_code,
            qualification_pseudonym_id=sitting.qualification_pseudonym_id,
            exam_round=sitting.exam_round,
            trade_code=sitting.trade_code,
            work_code=sitting.work_code,
            grade=sitting.grade,
            elective=sitting.elective,
            exam_number=sitting.exam_number,
            decision=decision,
            decided_at=at,
            decided_by=message.requested_by,
        )
    )
    counts["written"] += 1
    return counts
