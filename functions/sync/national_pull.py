"""The pull from the national qualifications system (R16, issue 12): changes people made there
(their name, address or contact, through Mynaportal) become change proposals for staff, never
silent overwrites; a change made while ours moved too is kept as a conflict with both values.

- ``national_changes_due`` (the schedule, every 15 minutes): :func:`start_pulls` sends one
  ``national_changes_pull`` per prefecture with examinees to sync's own queue.
- ``national_changes_pull``: :func:`pull_changes` reads the prefecture's feed from its cursor
  (:meth:`kentei.national.port.NationalSystem.changes`), page by page, and takes each change
  (:func:`take_change`); the cursor moves forward after each page. After
  :data:`MAX_PAGES` pages it sends the next round and stops, so one message stays short.

A change is claimed once (``NATIONAL_CHANGE#<sequence>``, in the transaction that stores what it
became), so a retried pull or a cursor that did not move takes nothing twice. What it becomes:

- ``unknown_person``: we hold no examinee of that 資格仮名ID in the prefecture;
- ``refused``: the entry is outside the contract (:class:`kentei.national.model.RefusedChange`):
  claimed and counted, so one bad entry never holds up the feed;
- ``same``: every item holds the value already (ours travelled there, or staff took it);
- ``conflict`` (:class:`kentei.national.conflicts.NationalConflict`): ``values_refused`` when
  the values fail our examinee's rules; ``both_changed`` when ours moved since the version the
  change was made on (we sent a newer one since, or the examinee changed after the last
  version the national side acknowledged and is still on its way);
- ``proposed``: a :class:`kentei.roster.changes.Proposal` from ``national_system``. The person
  has one open at most: a later change supersedes it with both changes' items, the later
  winning, so staff decide once what the person's record there now says.

Accepting the proposal changes our examinee, which travels back through the outbox as a newer
version: both sides then hold the same version. Rejecting it sends ours back too
(:meth:`kentei.data.roster.PrefectureRoster.reassert_write`). A feed that cannot be read fails
the message (retried, then the DLQ); nothing personal is logged: counts and codes only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from kentei import prefectures
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.national_sync import SentMark
from kentei.data.roster import StoredExaminee
from kentei.messages import NationalChangesDue, NationalChangesPull
from kentei.national.conflicts import (
    ConflictCause,
    FieldValues,
    NationalConflict,
    new_conflict_id,
)
from kentei.national.model import FeedEntry, NationalChange, RecordKind, RefusedChange
from kentei.national.records import examinee_record_id
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    NothingToChangeError,
    Proposal,
    RequestedItems,
    new_proposal_id,
    requested_changes,
)
from sync.pull_ports import FeedSide, PullPorts

BY = "sync"
PAGE: int = 100
MAX_PAGES: int = 10
"""Pages one message reads (1,000 changes) before it hands on to the next round."""
MAX_ROUNDS: int = 100
"""Rounds one schedule's pull may chain; the rest waits for the next schedule."""


@dataclass(frozen=True)
class PullRun:
    prefecture_code: str
    counts: dict[str, int]
    """By outcome: ``proposed``, ``conflict``, ``same``, ``unknown_person``, ``taken_before``."""
    cursor: int
    more: bool
    """The next round was sent (the feed had more than this message reads)."""


def start_pulls(message: NationalChangesDue, ports: PullPorts) -> tuple[str, ...]:
    """One pull per prefecture with examinees (a prefecture without any has nothing the
    national side could change)."""
    sent = []
    for code in prefectures.NAMES:
        if not ports.has_examinees(code):
            continue
        ports.queue.send(
            NationalChangesPull(prefecture_code=code, scheduled_at=message.scheduled_at)
        )
        sent.append(code)
    return tuple(sent)


def pull_changes(
    message: NationalChangesPull, ports: PullPorts, clock: Callable[[], datetime]
) -> PullRun:
    code = message.prefecture_code
    feed = ports.feed(code)
    system = ports.system()
    after = feed.cursor()
    counts: Counter[str] = Counter()
    for _ in range(MAX_PAGES):
        changes = system.changes(code, after, PAGE)
        for change in changes:
            if change.prefecture_code != code or change.sequence <= after:
                raise ValueError("the feed answered a change outside the request")
            counts[take_change(change, feed, clock, _request_id(message))] += 1
            after = change.sequence
        if changes:
            feed.advance(after, clock())
        if len(changes) < PAGE:
            return PullRun(code, dict(counts), after, more=False)
    more = message.round + 1 < MAX_ROUNDS
    if more:
        ports.queue.send(message.model_copy(update={"round": message.round + 1}))
    return PullRun(code, dict(counts), after, more=more)


def take_change(
    change: FeedEntry, feed: FeedSide, clock: Callable[[], datetime], request_id: str
) -> str:
    """What the change becomes (its outcome), stored with its claim."""
    sequence = change.sequence
    if feed.taken(sequence) is not None:
        return "taken_before"
    at = clock()
    if isinstance(change, RefusedChange):
        # Outside the contract: claimed as refused (the reason in the log line, never a value),
        # so the entries after it are read; the national side's operators fix it there.
        person = change.qualification_pseudonym_id or "unknown"
        return _outcome(feed.take(sequence, outcome="refused", person=person, at=at), "refused")
    return _take(change, feed, at, request_id)


def _take(change: NationalChange, feed: FeedSide, at: datetime, request_id: str) -> str:
    """What a change within the contract becomes."""
    sequence, person = change.sequence, change.qualification_pseudonym_id
    stored = feed.examinee(person)
    if stored is None:
        claimed = feed.take(sequence, outcome="unknown_person", person=person, at=at)
        return _outcome(claimed, "unknown_person")
    sent = feed.sent(person)
    try:
        items = RequestedItems.model_validate(change.changes)
    except ValidationError:
        # The error would quote the values: the conflict keeps them for staff instead.
        return _conflict(
            change,
            stored,
            ConflictCause.VALUES_REFUSED,
            feed,
            sent=sent,
            at=at,
            request_id=request_id,
        )
    try:
        differences = requested_changes(stored.examinee, items)
    except NothingToChangeError:
        return _outcome(feed.take(sequence, outcome="same", person=person, at=at), "same")
    if _ours_moved(change, stored, sent):
        return _conflict(
            change,
            stored,
            ConflictCause.BOTH_CHANGED,
            feed,
            sent=sent,
            at=at,
            request_id=request_id,
        )
    superseding = feed.open_proposal(person)
    if superseding is not None:
        differences = _merged(stored, superseding, change)
    proposal = Proposal(
        proposal_id=new_proposal_id(at),
        prefecture_code=change.prefecture_code,
        qualification_pseudonym_id=person,
        kind=ChangeKind.UPDATE,
        registry_status=None,
        changes=differences,
        source=ChangeSource.NATIONAL_SYSTEM,
        run_id=None,
        proposed_at=at,
        basis=stored.updated_at,
        national_sequence=sequence,
    )
    event = _event(
        AuditAction.EXAMINEE_CHANGE_PROPOSED,
        ("change_proposal", proposal.proposal_id),
        change,
        at=at,
        request_id=request_id,
    )
    return _outcome(feed.propose(sequence, proposal, superseding, [event]), "proposed")


def _ours_moved(change: NationalChange, stored: StoredExaminee, sent: SentMark | None) -> bool:
    """Our examinee moved since the version the change was made on: a newer version went to
    the national side since, or the examinee changed after the last acknowledged one (still on
    its way), or nothing was ever acknowledged (no agreed version to build on)."""
    if sent is None:
        return True
    return sent.version > change.base_version or stored.updated_at > sent.sent_at


def _merged(
    stored: StoredExaminee, open_: Proposal, change: NationalChange
) -> tuple[FieldChange, ...]:
    """The open proposal's items and the change's, the change's winning, against the examinee
    as it is now."""
    items = {c.field: c.after for c in open_.changes} | dict(change.changes)
    return requested_changes(stored.examinee, RequestedItems.model_validate(items))


def _conflict(
    change: NationalChange,
    stored: StoredExaminee,
    cause: ConflictCause,
    feed: FeedSide,
    *,
    sent: SentMark | None,
    at: datetime,
    request_id: str,
) -> str:
    person = change.qualification_pseudonym_id
    fields = tuple(
        FieldValues(field=name, ours=_text(getattr(stored.examinee, name, None)), theirs=value)
        for name, value in change.changes.items()
    )
    conflict = NationalConflict(
        conflict_id=new_conflict_id(at),
        prefecture_code=change.prefecture_code,
        qualification_pseudonym_id=person,
        record_kind=RecordKind.EXAMINEE,
        record_id=examinee_record_id(change.prefecture_code, person),
        cause=cause,
        fields=fields,
        national_sequence=change.sequence,
        national_version=change.base_version + 1,
        our_version=None if sent is None else sent.version,
        found_at=at,
    )
    event = _event(
        AuditAction.NATIONAL_CONFLICT_KEPT,
        ("national_conflict", conflict.conflict_id),
        change,
        at=at,
        request_id=request_id,
    )
    return _outcome(feed.keep_conflict(change.sequence, conflict, [event]), "conflict")


def _outcome(claimed: bool, outcome: str) -> str:
    """``outcome``, or ``taken_before`` when another pull claimed the change first."""
    return outcome if claimed else "taken_before"


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _event(
    action: AuditAction,
    record: tuple[str, str],
    change: NationalChange,
    *,
    at: datetime,
    request_id: str,
) -> AuditEvent:
    record_type, record_id = record
    return AuditEvent(
        actor=BY,
        action=action,
        record_type=record_type,
        record_id=record_id,
        prefecture_code=change.prefecture_code,
        request_id=request_id,
        at=at,
        person_id=change.qualification_pseudonym_id,
    )


def _request_id(message: NationalChangesPull) -> str:
    """The pull's own id in the audit trail: which schedule and round took the change."""
    at = message.scheduled_at.isoformat()
    return f"national-changes:{message.prefecture_code}:{at}:{message.round}"
