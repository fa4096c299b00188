"""The periodic registry re-check (定期照会, R9, R10): every active examinee's items against
what the registry says now, each difference a change proposal for staff, never a silent
overwrite.

- ``registry_recheck_due`` (the schedule, ``kentei.catalog.SCHEDULES``): :func:`start_runs`
  starts the run (its id from the scheduled instant) in each prefecture with examinees and
  sends that prefecture's first ``registry_recheck_batch``.
- ``registry_recheck_batch``: :func:`recheck_batch` reads one page of the roster (at most
  :data:`kentei.messages.RECHECK_BATCH_MAX` examinees), and for each with a registered sitting
  reveals the My Number from the vault by 資格仮名ID, looks the person up in the registry and
  compares (:func:`kentei.roster.changes.compare`). A difference becomes a proposal unless the
  person's open proposal is the same finding; another finding supersedes it. Then the next
  page's message goes to verify's own queue, and the batch's counts go into the run record
  once, with an audit entry for each lookup. A prefecture's pages run one after another;
  verify's reserved concurrency bounds the calls on the registry link across prefectures.

Safe to run twice: a done batch is skipped, a retried batch proposes nothing twice (the open
proposal) and counts once (the batch marker). A registry that cannot be reached fails the
batch (retried); a person the vault or the registry does not know is counted as an error.
Nothing personal leaves this module except into the proposal: log lines and the run record
hold counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kentei import prefectures
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.changes import BatchCounts
from kentei.messages import RegistryRecheckBatch, RegistryRecheckDue
from kentei.registry import RegistryProtocolError
from kentei.roster.changes import (
    ChangeSource,
    Proposal,
    RunRecord,
    compare,
    new_proposal_id,
    run_id_of,
)
from kentei.vault import UnknownPseudonymError
from verify.dependencies import RecheckDependencies

BY = "verify"


@dataclass(frozen=True)
class StartOutcome:
    run_id: str
    prefectures: tuple[str, ...]
    """The prefectures whose first batch was sent."""


@dataclass(frozen=True)
class BatchOutcome:
    run_id: str
    prefecture_code: str
    page: int
    counts: BatchCounts
    already_done: bool = False
    last: bool = False
    error_kinds: tuple[str, ...] = ()
    """Why each person not checked was not (``not_enrolled``, ``not_in_registry``, an
    adapter's error class): codes for the operator's log line, never a person."""
    suspended: int = 0
    """Persons not looked up because their use is suspended (利用停止)."""


def start_runs(message: RegistryRecheckDue, deps: RecheckDependencies) -> StartOutcome:
    run_id = run_id_of(message.scheduled_at)
    sent: list[str] = []
    for code in prefectures.NAMES:
        store = deps.store(code)
        if not store.has_examinees():
            continue
        run = RunRecord(
            run_id=run_id,
            prefecture_code=code,
            scheduled_at=message.scheduled_at,
            started_at=deps.clock(),
        )
        if not store.start_run(run) and store.batch_done(run_id, 0):
            continue  # a retried message: this prefecture's run is under way
        deps.queue.send(
            RegistryRecheckBatch(
                run_id=run_id, prefecture_code=code, scheduled_at=message.scheduled_at, page=0
            )
        )
        sent.append(code)
    return StartOutcome(run_id, tuple(sent))


def recheck_batch(
    message: RegistryRecheckBatch, deps: RecheckDependencies, request_id: str
) -> BatchOutcome:
    code, run_id = message.prefecture_code, message.run_id
    store = deps.store(code)
    if store.batch_done(run_id, message.page):
        return BatchOutcome(run_id, code, message.page, BatchCounts(), already_done=True)
    page = store.examinees(message.size, message.after)
    # A person whose use of their data is suspended (利用停止, P10) is not looked up.
    suspended = store.suspended_persons()
    held = 0
    queried = differences = proposed = errors = 0
    looked_up: list[AuditEvent] = []
    kinds: list[str] = []
    for entry in page.entries:
        person = entry.qualification_pseudonym_id
        if person in suspended:
            held += 1
            continue
        if not store.active(person):
            continue
        try:
            number = deps.vault.reveal(person)
        except UnknownPseudonymError:
            errors += 1
            kinds.append("not_enrolled")
            continue
        try:
            record = deps.registry.by_my_number(number)
        except RegistryProtocolError as exc:
            errors += 1
            kinds.append(type(exc).__name__)
            continue
        # RegistryUnavailableError propagates: the batch is retried later, whole.
        queried += 1
        at = deps.clock()
        looked_up.append(_event(AuditAction.EXAMINEE_RECHECKED, code, person, request_id, at))
        if not record.found:
            errors += 1
            kinds.append("not_in_registry")
            continue
        difference = compare(entry.examinee, record)
        if difference is None:
            continue
        differences += 1
        open_ = store.open_proposal(person)
        if open_ is not None and open_.difference.same_as(difference):
            continue
        proposal = Proposal(
            proposal_id=new_proposal_id(at),
            prefecture_code=code,
            qualification_pseudonym_id=person,
            kind=difference.kind,
            registry_status=difference.registry_status,
            changes=difference.changes,
            source=ChangeSource.REGISTRY_RECHECK,
            run_id=run_id,
            proposed_at=at,
            basis=entry.updated_at,
        )
        event = _event(AuditAction.EXAMINEE_CHANGE_PROPOSED, code, person, request_id, at)
        store.propose(
            proposal,
            open_,
            audit=[
                event.model_copy(
                    update={"record_type": "change_proposal", "record_id": proposal.proposal_id}
                )
            ],
        )
        proposed += 1
    last = page.next_cursor is None
    if not last:
        deps.queue.send(
            message.model_copy(update={"page": message.page + 1, "after": page.next_cursor})
        )
    counts = BatchCounts(queried, differences, proposed, errors)
    store.finish_batch(
        run_id,
        message.page,
        counts,
        finished_at=deps.clock() if last else None,
        audit=looked_up,
    )
    return BatchOutcome(
        run_id, code, message.page, counts, last=last, error_kinds=tuple(kinds), suspended=held
    )


def _event(
    action: AuditAction, prefecture: str, person: str, request_id: str, at: datetime
) -> AuditEvent:
    return AuditEvent(
        actor=BY,
        action=action,
        record_type="examinee",
        record_id=person,
        prefecture_code=prefecture,
        request_id=request_id,
        at=at,
        person_id=person,
    )
