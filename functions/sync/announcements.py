"""Announcing a results group (合格発表, R12) for a ``results_announcement_due`` message.

First the group is checked, a page of :data:`CHECK_PAGE` sittings per message
(``check_after``: the last exam number checked): every registered sitting decided, none held
for an exemption to confirm, none decided without a score, none whose scores changed after
its decision. A group that is not ready is not announced at all: the run says why, sitting by
sitting (``RESULTS_RUN#<group>#announcement``), and staff fix it and ask again. The page that
finishes a ready check goes on to announce the first page.

Then each decided sitting is announced in exam-number order (:meth:`Passes.announce`): a pass
gets its passer and certificate numbers, a part pass its notice number, each with its pass
record, the decision marked announced and a ``pass.announced`` audit entry naming the person,
in one transaction. A page is :data:`PAGE` sittings; the next page is a message of its own on
the sync queue (``after``: the last exam number done), so a large group never runs into the
function's timeout. Announcing is idempotent: a redelivered page announces nothing twice,
draws no number twice and counts nothing twice (:meth:`ResultsRun.counted`; a check page
redelivered once announcing began counts as done, and its announcing is done again, idempotently).

After a page's writes, certify is told (``passes_announced``, ids only, :data:`CERTIFY_CHUNK`
to a message) every pass and part pass of the page that is announced, those announced before
included: a redelivered page sends them again, and certify's issuing is idempotent.

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
from kentei.roster.sitting import Sitting
from sync.dependencies import Dependencies
from sync.groups import event, group_of, page_of
from sync.results_ports import Passes, Scores

PAGE: Final = PASSES_ANNOUNCED_MAX
"""Sittings one message announces: a transaction each (~2 s on DynamoDB)."""
CHECK_PAGE: Final = 300
"""Sittings one message checks: a decision read and the scores queried for each, about 600
sequential requests (~5 s on DynamoDB; ~20 s on the local runtime) within sync's 60 s."""
CERTIFY_CHUNK: Final = 5
"""Passes certify is told of in one message: each is a PDF signed as PAdES, a VC-JWT and a
COSE code, about half a second at certify's size (0.6 s on the local runtime), so a batch of
ten such messages (the event source's batch, 50 passes) stays within half of certify's 120 s
timeout, where its consumer would hand the rest back to wait out the visibility timeout
(:mod:`kentei.consumer`); a page's chunks are issued by as many certify containers at once."""
CERTIFIED: Final = frozenset({Result.PASS, Result.PART_PASS})
"""The results that have a pass record: what certify is told about."""


def announce_group(message: ResultsAnnouncementDue, deps: Dependencies) -> ResultsRun:
    if message.checking:
        checked = _check_page(message, deps)
        if checked is not None:
            return checked
        message = message.model_copy(update={"checked": True, "check_after": None})
    group = group_of(message)
    prefecture = message.prefecture_code
    passes = deps.results.passes(prefecture)
    at = deps.clock()
    decided = _decided(passes, group)
    previous = passes.run(group.key, RunKind.ANNOUNCEMENT)
    counts: Counter[str] = Counter()
    if previous is not None and previous.continues(message.request_id, message.after):
        counts.update(previous.counts)
    page, last, more = page_of(decided, message.after, PAGE)
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
    if previous is not None and previous.counted(message.request_id, message.after):
        run = previous  # a redelivered page: its counts are in already
    else:
        run = _run(message, group, at, dict(counts), finished=not more, through=last)
        passes.record_run(run)
    for start in range(0, len(announced), CERTIFY_CHUNK):
        deps.results.certify_queue.send(
            PassesAnnounced(
                prefecture_code=prefecture,
                group_key=group.key,
                application_ids=tuple(announced[start : start + CERTIFY_CHUNK]),
            )
        )
    if more:
        deps.results.sync_queue.send(message.model_copy(update={"after": last}))
    return run


def _check_page(message: ResultsAnnouncementDue, deps: Dependencies) -> ResultsRun | None:
    """Check the page of sittings after ``check_after``: the run while pages remain or once
    the group is refused; None when the group is ready (announcing starts)."""
    group = group_of(message)
    prefecture = message.prefecture_code
    passes = deps.results.passes(prefecture)
    at = deps.clock()
    registered = deps.results.roster(prefecture).registered_in(group.exam_round.key)
    sittings = sorted((s for s in registered if group.holds(s)), key=lambda s: s.exam_number)
    after = message.check_after
    page, last, more = page_of(sittings, after, CHECK_PAGE)
    problems = _readiness(page, group, passes, deps.results.scores(prefecture))
    previous = passes.run(group.key, RunKind.ANNOUNCEMENT)
    if previous is not None and previous.counted(message.request_id, after, checking=True):
        so_far = previous  # a redelivered page: its problems are in already
    else:
        checked = len(page)
        if previous is not None and previous.continues(message.request_id, after):
            problems = [*previous.problems, *problems]
            checked += previous.counts.get("checked", 0)
        so_far = _run(
            message,
            group,
            at,
            {"checked": checked},
            problems=problems[:MAX_PROBLEMS],
            finished=False,
            through=last,
            checking=True,
        )
    if more:
        if so_far is not previous:
            passes.record_run(so_far)
        deps.results.sync_queue.send(message.model_copy(update={"check_after": last}))
        return so_far
    if so_far.problems:
        run = _run(
            message,
            group,
            at,
            {"sittings": len(sittings)},
            problems=list(so_far.problems),
            refused=True,
            through=last,
        )
        passes.record_run(run)
        return run
    return None


def _decided(passes: Passes, group: ResultsGroup) -> list[DecidedSitting]:
    found = passes.decisions(group.key)
    return sorted(found, key=lambda d: d.exam_number)


def _readiness(
    page: list[Sitting], group: ResultsGroup, passes: Passes, scores: Scores
) -> list[RunProblem]:
    problems: list[RunProblem] = []

    def add(application_id: str, code: RunProblemCode) -> None:
        problems.append(RunProblem(application_id=application_id, code=code))

    for sitting in page:
        one = passes.decision(group.key, sitting.application_id)
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
    through: str | None = None,
    checking: bool = False,
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
        through=through,
        checking=checking,
    )
