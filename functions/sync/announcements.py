"""Announcing a results group (合格発表, R12) for a ``results_announcement_due`` message.

The first page checks that the group is ready: every registered sitting decided, none held
for an exemption to confirm, none decided without a score, none whose scores changed after
its decision. A group that is not ready is not announced at all: the run says why, sitting by
sitting (``RESULTS_RUN#<group>#announcement``), and staff fix it and ask again.

Then each decided sitting is announced in exam-number order (:meth:`Passes.announce`): a pass
gets its passer and certificate numbers, a part pass its notice number, each with its pass
record, the decision marked announced and a ``pass.announced`` audit entry naming the person,
in one transaction. A page is :data:`PAGE` sittings; the next page is a message of its own on
the sync queue (``after``: the last exam number done), so a large group never runs into the
function's timeout. Announcing is idempotent: a redelivered page announces nothing twice and
draws no number twice.

After a page's writes, certify is told (``passes_announced``, ids only) every pass and part
pass of the page that is announced, those announced before included: a redelivered page sends
them again, and certify's issuing is idempotent.

The pass date is the message's ``announced_on`` (the round's announcement date for the grade;
an on-demand round's is the day staff announce), fixed by the API when staff ask.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Final

from kentei.data.audit import AuditAction
from kentei.messages import PASSES_ANNOUNCED_MAX, PassesAnnounced, ResultsAnnouncementDue
from kentei.results.decision import FailReason, Result
from kentei.results.groups import ResultsGroup
from kentei.results.passes import DecidedSitting, DecisionStatus
from kentei.results.runs import MAX_PROBLEMS, ResultsRun, RunKind, RunProblem, RunProblemCode
from sync.dependencies import Dependencies
from sync.groups import event, group_of
from sync.results_ports import Passes

PAGE: Final = PASSES_ANNOUNCED_MAX
CERTIFIED: Final = frozenset({Result.PASS, Result.PART_PASS})
"""The results that have a pass record: what certify is told about."""


def announce_group(message: ResultsAnnouncementDue, deps: Dependencies) -> ResultsRun:
    group = group_of(message)
    prefecture = message.prefecture_code
    passes = deps.results.passes(prefecture)
    at = deps.clock()
    decided = _decided(passes, group)
    previous = passes.run(group.key, RunKind.ANNOUNCEMENT)
    counts: Counter[str] = Counter()
    if message.after is None:
        problems = _readiness(prefecture, group, decided, deps)
        if problems:
            run = _run(
                message, group, at, {"sittings": len(decided)}, problems=problems, refused=True
            )
            passes.record_run(run)
            return run
    elif previous is not None and previous.request_id == message.request_id:
        counts.update(previous.counts)
    page = [d for d in decided if message.after is None or d.exam_number > message.after][:PAGE]
    announced: list[str] = []
    for one in page:
        if one.status is DecisionStatus.ANNOUNCED:
            counts["already"] += 1
            if one.decision.result in CERTIFIED:
                announced.append(one.application_id)
            continue
        entry = event(
            message,
            AuditAction.PASS_ANNOUNCED,
            at,
            record=("sitting", one.application_id),
            person_id=one.qualification_pseudonym_id,
        )
        record = passes.announce(one, message.announced_on, at, audit=(entry,))
        counts[one.decision.result.value] += 1
        if record is not None:
            announced.append(one.application_id)
    last = page[-1].exam_number if page else None
    more = last is not None and any(d.exam_number > last for d in decided)
    run = _run(message, group, at, dict(counts), finished=not more)
    passes.record_run(run)
    if announced:
        deps.results.certify_queue.send(
            PassesAnnounced(
                prefecture_code=prefecture,
                group_key=group.key,
                application_ids=tuple(announced),
            )
        )
    if more:
        deps.results.sync_queue.send(message.model_copy(update={"after": last}))
    return run


def _decided(passes: Passes, group: ResultsGroup) -> list[DecidedSitting]:
    found = passes.decisions(group.key)
    return sorted(found, key=lambda d: d.exam_number)


def _readiness(
    prefecture: str, group: ResultsGroup, decided: list[DecidedSitting], deps: Dependencies
) -> list[RunProblem]:
    by_id = {d.application_id: d for d in decided}
    problems: list[RunProblem] = []

    def add(application_id: str, code: RunProblemCode) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(RunProblem(application_id=application_id, code=code))

    scores = deps.results.scores(prefecture)
    for sitting in deps.results.roster(prefecture).registered_in(group.exam_round.key):
        if not group.holds(sitting):
            continue
        one = by_id.get(sitting.application_id)
        if one is None:
            add(sitting.application_id, RunProblemCode.NO_DECISION)
            continue
        if one.status is DecisionStatus.ANNOUNCED:
            continue
        if one.decision.result is Result.HELD:
            add(one.application_id, RunProblemCode.HELD)
        elif any(f.reason is FailReason.NO_SCORE for p in one.decision.parts for f in p.failures):
            add(one.application_id, RunProblemCode.NO_SCORE)
        stored = scores.scores_of(one.application_id)
        if any(score.recorded_at > one.decided_at for score in stored):
            add(one.application_id, RunProblemCode.STALE)
    return problems


def _run(
    message: ResultsAnnouncementDue,
    group: ResultsGroup,
    at: datetime,
    counts: dict[str, int],
    *,
    problems: list[RunProblem] | None = None,
    refused: bool = False,
    finished: bool = True,
) -> ResultsRun:
    return ResultsRun(
        group_key=group.key,
        kind=RunKind.ANNOUNCEMENT,
        request_id=message.request_id,
        requested_by=message.requested_by,
        started_at=at,
        finished_at=at if finished else None,
        counts=counts,
        problems=tuple(problems or ()),
        refused="the group is not ready: see its problems" if refused else None,
    )
