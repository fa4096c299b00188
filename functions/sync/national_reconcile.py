"""Reconciliation with the national qualifications system (R16, issue 12; 突合): does the
national side hold the records we sent it, as we hold them? Per prefecture, by digests over
buckets of records, drilling down only where the digests differ; what differs is repaired by
sending ours again, or kept as a conflict for staff; each run leaves a report.

- ``national_reconcile_due`` (the schedule ``national-reconcile``, ``kentei.catalog.SCHEDULES``):
  :func:`start_runs` sends one ``national_reconcile_prefecture`` per prefecture that holds
  synced items or sent marks, to sync's own queue.
- ``national_reconcile_prefecture``: :func:`reconcile_prefecture` runs one prefecture.

**Our side.** Each synced item (``EXAMINEE#``, ``SITTING#``, ``PASS#``, ``CERTIFICATE#``) is our
record as the national side should hold it: the item mapped (:mod:`kentei.national.records`) at
the version of its sent mark (``NATIONAL_SENT#``, the newest version the national side
acknowledged). An item without a mark is not sent yet; a mark whose item is gone is a deleted
record (a tombstone, as the outbox sent it). Per kind, our records' content digests go into the
national side's buckets (:func:`kentei.national.model.bucket_of`, :func:`~kentei.national.model.
bucket_digest`), and a bucket is read record by record (``bucket``) only where its digest and
the national side's (``digests``) differ, or where it holds an item of ours not sent yet.

**Repairs.** A record the national side lacks, holds older, or holds at the same version with
other content (a hand edit on either side), and a record only it holds (sent as deleted), are
sent again as version ``max(ours, theirs) + 1``: a ``national_record_due`` on the FIFO national
queue, so it goes in order with the person's other changes and the outbox
(:func:`sync.national.send_due`) sends the item as it is then (gone: deleted). An examinee
record the national side holds at a newer version with other data is a change made on that
side: if the person has an open national proposal or conflict, or a change in the feed the pull
has not read yet, it is ``pending`` (staff, or the pull, have it); otherwise it becomes a
``newer_on_national_side`` conflict with each differing item's values (ours and theirs) for
staff. Any other record newer there (not an examinee's, or the same data, or deleted on either
side) is sent again. A record of a person whose use of their data is suspended (利用停止) is
not sent (a deletion excepted): it is ``pending`` until the suspension is lifted, which starts
a run of the prefecture at once.

**Safe to run twice.** The run's id is its scheduled instant. A second attempt of the run
counts again but does not send a repair the attempts before sent (the report keeps them, with
their versions); a repair sent twice anyway (an attempt that failed before its report) has the
same deduplication id on the FIFO queue, and the outbox ends a version acknowledged already;
a record keeps one open conflict (its marker). Repairs made by the first attempt and applied
since are no longer differences. The national side unreachable or throttled fails the run; the
message is retried (another attempt).

Caveat: versions are the stream's sequence numbers, and a repair's ``max + 1`` may be the very
number the stream gives the record's next change (locally, where moto's numbers are dense).
That change then meets the repair's mark and is not sent; the next run finds the record
differing (same version, other content) and repairs it.

Nothing personal leaves this module except into a conflict: the report and log lines hold
counts, kinds, record ids and versions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from kentei import prefectures
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.national_conflicts import ConflictOpenAlreadyError
from kentei.data.national_sync import SentMark
from kentei.messages import NationalReconcileDue, NationalReconcilePrefecture
from kentei.national.conflicts import (
    ConflictCause,
    FieldValues,
    NationalConflict,
    new_conflict_id,
)
from kentei.national.model import (
    ExamineeData,
    NationalRecord,
    RecordKind,
    bucket_digest,
    bucket_of,
)
from kentei.national.port import NationalSystem
from kentei.national.reconciliation import (
    KindCounts,
    ReconcileReport,
    Repair,
    RepairReason,
    Unsettled,
)
from kentei.national.records import (
    CERTIFICATE_PREFIX,
    EXAMINEE_PREFIX,
    SITTING_PREFIX,
    MyNumberInItemError,
    SyncedKey,
    UnsyncableItemError,
    national_record,
    removed_record,
    synced_key,
)
from kentei.roster.changes import ChangeSource, run_id_of
from sync.national import due_for
from sync.reconcile_ports import ReconcilePorts

BY: Final = "sync"
FEED_PAGE: Final = 100
MAX_FEED_PAGES: Final = 1000
"""The feed read after the pull's cursor, at most (a quarter of an hour's changes)."""
MAX_LISTED: Final = 1000
"""Ids a report lists at most of each list (a DynamoDB item holds 400 KB); beyond them it
counts them (``unlisted``), and a second attempt may send those again (the FIFO queue's
deduplication and the outbox's marks end them)."""
REPAIRED: Final = "repaired"
CONFLICT: Final = "conflict"
PENDING: Final = "pending"


def start_runs(message: NationalReconcileDue, ports: ReconcilePorts) -> tuple[str, ...]:
    """One run message per prefecture with synced items or sent marks; their codes."""
    sent: list[str] = []
    for code in sorted(prefectures.NAMES):
        if not ports.ours(code).has_synced():
            continue
        ports.sync_queue.send(
            NationalReconcilePrefecture(prefecture_code=code, scheduled_at=message.scheduled_at)
        )
        sent.append(code)
    return tuple(sent)


@dataclass(frozen=True)
class Ours:
    """One record of ours: which, the record at its sent mark's version (None: not sent yet)
    with its content digest, and whether its item is there now."""

    key: SyncedKey
    record: NationalRecord | None
    digest: str | None
    item: Mapping[str, Any] | None


@dataclass
class OurRecords:
    by_kind: dict[RecordKind, dict[str, Ours]] = field(default_factory=dict)
    unsyncable: Counter[RecordKind] = field(default_factory=Counter)
    skipped: set[tuple[RecordKind, str]] = field(default_factory=set)
    """Records whose item cannot be mapped: compared on neither side."""

    def add(self, ours: Ours) -> None:
        self.by_kind.setdefault(ours.key.kind, {})[ours.key.record_id] = ours


def our_records(
    prefecture_code: str, items: Iterable[Mapping[str, Any]], marks: Iterable[SentMark]
) -> OurRecords:
    """Our side of the prefecture: each item at its mark's version, each mark without an item
    as a deleted record."""
    sent = {(RecordKind(mark.kind), mark.record_id): mark for mark in marks}
    found = OurRecords()
    for item in items:
        key: SyncedKey | None = None
        try:
            key = synced_key(item)
            if key is None:
                continue
            mark = sent.pop((key.kind, key.record_id), None)
            record = national_record(item, 1 if mark is None else mark.version)
        except (UnsyncableItemError, MyNumberInItemError):
            kind = _kind_of_prefix(item)
            found.unsyncable[kind] += 1
            if key is not None:
                sent.pop((key.kind, key.record_id), None)
                found.skipped.add((key.kind, key.record_id))
            continue
        assert record is not None  # a synced key maps to a record
        if mark is None:
            found.add(Ours(key, None, None, item))
        else:
            found.add(Ours(key, record, record.content_digest(), item))
    for (kind, record_id), mark in sent.items():
        key = SyncedKey(kind, record_id, mark.qualification_pseudonym_id, prefecture_code)
        removed = removed_record(key, mark.version)
        found.add(Ours(key, removed, removed.content_digest(), None))
    return found


def our_digests(records: Mapping[str, Ours]) -> dict[int, str]:
    """Our sent records' bucket digests, as the national side computes its own."""
    buckets: dict[int, dict[str, str]] = {}
    for record_id, ours in records.items():
        if ours.digest is not None:
            buckets.setdefault(bucket_of(record_id), {})[record_id] = ours.digest
    return {number: bucket_digest(digests) for number, digests in buckets.items()}


def reconcile_prefecture(
    message: NationalReconcilePrefecture,
    ports: ReconcilePorts,
    clock: Callable[[], datetime],
) -> ReconcileReport:
    """Compare, repair, report (kept, and returned)."""
    code = message.prefecture_code
    run_id = run_id_of(message.scheduled_at)
    started = clock()
    reports = ports.reports(code)
    previous = reports.report(run_id)
    side = ports.ours(code)
    ours = our_records(code, side.synced_items(), side.sent_marks())
    request_id = f"national-reconcile:{code}:{message.scheduled_at.isoformat()}"
    run = _Run(code, ports, ports.system(), clock, previous, request_id=request_id)
    kinds = {
        kind: run.kind(kind, ours.by_kind.get(kind, {}), ours.unsyncable[kind], ours.skipped)
        for kind in RecordKind
    }
    before = previous.conflicts if previous is not None else ()
    report = ReconcileReport(
        run_id=run_id,
        prefecture_code=code,
        scheduled_at=message.scheduled_at,
        started_at=started,
        finished_at=clock(),
        attempt=1 if previous is None else previous.attempt + 1,
        kinds=kinds,
        repairs=run.all_repairs()[:MAX_LISTED],
        conflicts=(*before, *run.conflicts)[:MAX_LISTED],
        pending=tuple(run.pending[:MAX_LISTED]),
        unlisted=sum(
            max(0, len(listed) - MAX_LISTED)
            for listed in (run.all_repairs(), (*before, *run.conflicts), run.pending)
        ),
    )
    reports.keep(report)
    return report


class _Run:
    """One attempt's comparisons and what they did."""

    def __init__(
        self,
        prefecture_code: str,
        ports: ReconcilePorts,
        system: NationalSystem,
        clock: Callable[[], datetime],
        previous: ReconcileReport | None,
        *,
        request_id: str,
    ) -> None:
        self._code = prefecture_code
        self._ports = ports
        self._system = system
        self._clock = clock
        self._sent_before = () if previous is None else previous.repairs
        self._sent_keys = {(r.kind, r.record_id, r.version) for r in self._sent_before}
        self._repairs: dict[tuple[RecordKind, str, int], Repair] = {}
        self.conflicts: list[Unsettled] = []
        self.pending: list[Unsettled] = []
        self._with_staff_known: set[str] | None = None
        self._suspended = ports.ours(prefecture_code).suspended_persons()
        """Whose use is suspended (利用停止): their records wait, pending, until lifted."""
        self._request_id = request_id
        """The run's id in the audit trail (which schedule and prefecture kept a conflict)."""

    def all_repairs(self) -> tuple[Repair, ...]:
        """The repairs of the attempts before, then this one's new ones."""
        new = [repair for key, repair in self._repairs.items() if key not in self._sent_keys]
        return (*self._sent_before, *new)

    def kind(
        self,
        kind: RecordKind,
        mine: Mapping[str, Ours],
        unsyncable: int,
        skipped: set[tuple[RecordKind, str]],
    ) -> KindCounts:
        ours_digests = our_digests(mine)
        theirs_digests = self._system.digests(self._code, kind)
        by_bucket: dict[int, set[str]] = {}
        for record_id in mine:
            by_bucket.setdefault(bucket_of(record_id), set()).add(record_id)
        buckets = set(ours_digests) | set(theirs_digests) | set(by_bucket)
        drill = {b for b in buckets if ours_digests.get(b) != theirs_digests.get(b)}
        drill |= {bucket_of(rid) for rid, ours in mine.items() if ours.record is None}
        outcomes: Counter[str] = Counter()
        only_theirs = 0
        for number in sorted(drill):
            held = self._system.bucket(self._code, kind, number)
            for record_id in sorted(by_bucket.get(number, set()) | set(held)):
                if (kind, record_id) in skipped:
                    continue
                only_theirs += record_id not in mine
                outcome = self._record(kind, record_id, mine.get(record_id), held.get(record_id))
                if outcome is not None:
                    outcomes[outcome] += 1
        return KindCounts(
            compared=len(mine) + only_theirs,
            buckets=len(buckets),
            buckets_drilled=len(drill),
            differing=sum(outcomes.values()),
            repaired=outcomes[REPAIRED],
            conflicts=outcomes[CONFLICT],
            pending=outcomes[PENDING],
            unsyncable=unsyncable,
        )

    def _record(
        self, kind: RecordKind, record_id: str, ours: Ours | None, theirs: tuple[int, str] | None
    ) -> str | None:
        """One record of a drilled bucket: None when both sides agree, else what was done."""
        if ours is None:
            assert theirs is not None
            held = self._system.get(kind, record_id)
            if held is None:  # gone meanwhile: nothing to undo
                return None
            key = SyncedKey(kind, record_id, held.qualification_pseudonym_id, self._code)
            return self._repair(key, theirs[0] + 1, RepairReason.ONLY_THEIRS, removed=True)
        found = verdict(ours, theirs)
        if found is None:
            return None
        if found.reason is RepairReason.NEWER_THERE and ours.record is not None:
            done = self._changed_there(ours.record)
            if done is not None:
                return done
        return self._repair(ours.key, found.version, found.reason, removed=ours.item is None)

    def _repair(self, key: SyncedKey, version: int, reason: RepairReason, *, removed: bool) -> str:
        """Send ours again as ``version`` (unless an attempt before sent that already); a
        suspended person's record (but a deletion) waits, pending, until the suspension is
        lifted."""
        if not removed and key.qualification_pseudonym_id in self._suspended:
            self.pending.append(Unsettled(kind=key.kind, record_id=key.record_id))
            return PENDING
        repair = Repair(kind=key.kind, record_id=key.record_id, version=version, reason=reason)
        sent = (repair.kind, repair.record_id, repair.version)
        if sent not in self._sent_keys:
            self._ports.due.send(due_for(key, version, removed=removed))
        self._repairs[sent] = repair
        return REPAIRED

    def _changed_there(self, mine: NationalRecord) -> str | None:
        """An examinee's newer data on the national side: staff's (pending) or a conflict.
        None: not that (another kind, the same data, or deleted on either side)."""
        if mine.kind is not RecordKind.EXAMINEE or mine.data is None:
            return None
        theirs = self._system.get(mine.kind, mine.record_id)
        if theirs is None or theirs.version <= mine.version or theirs.data is None:
            return None
        fields = differing_items(mine.data, theirs.data)
        if not fields:
            return None
        unsettled = Unsettled(kind=mine.kind, record_id=mine.record_id)
        person = mine.qualification_pseudonym_id
        if self._with_staff(person):
            self.pending.append(unsettled)
            return PENDING
        at = self._clock()
        conflict = NationalConflict(
            conflict_id=new_conflict_id(at),
            prefecture_code=self._code,
            qualification_pseudonym_id=person,
            record_kind=mine.kind,
            record_id=mine.record_id,
            cause=ConflictCause.NEWER_ON_NATIONAL_SIDE,
            fields=fields,
            national_version=theirs.version,
            our_version=mine.version,
            found_at=at,
        )
        kept = AuditEvent(
            actor=BY,
            action=AuditAction.NATIONAL_CONFLICT_KEPT,
            record_type="national_conflict",
            record_id=conflict.conflict_id,
            prefecture_code=self._code,
            request_id=self._request_id,
            at=at,
            person_id=person,
        )
        try:
            self._ports.conflicts(self._code).open(conflict, [kept])
        except ConflictOpenAlreadyError:  # another attempt kept it meanwhile
            self.pending.append(unsettled)
            return PENDING
        self.conflicts.append(unsettled.model_copy(update={"conflict_id": conflict.conflict_id}))
        return CONFLICT

    def _with_staff(self, person: str) -> bool:
        """The person's change from the national side is staff's already (an open national
        proposal or conflict), or the pull's (a change after its cursor)."""
        if self._with_staff_known is None:
            self._with_staff_known = set(self._ports.conflicts(self._code).open_persons())
            self._with_staff_known |= self._unread_feed()
        if person in self._with_staff_known:
            return True
        proposals = self._ports.proposals(self._code)
        return proposals.open_proposal(person, ChangeSource.NATIONAL_SYSTEM) is not None

    def _unread_feed(self) -> set[str]:
        """The persons of the feed's changes the pull has not read yet."""
        after = self._ports.feed(self._code).cursor()
        persons: set[str] = set()
        for _ in range(MAX_FEED_PAGES):
            page = self._system.changes(self._code, after, FEED_PAGE)
            # A refused entry names its person where it could be read: the pull has it still.
            persons |= {
                entry.qualification_pseudonym_id
                for entry in page
                if entry.qualification_pseudonym_id is not None
            }
            if len(page) < FEED_PAGE:
                break
            after = page[-1].sequence
        return persons


@dataclass(frozen=True)
class Verdict:
    """A record of ours to send again: as which version, and why."""

    version: int
    reason: RepairReason


def verdict(ours: Ours, theirs: tuple[int, str] | None) -> Verdict | None:
    """Compare our record with the national side's (version, content digest): None when they
    agree."""
    mine = ours.record
    if mine is None:
        return _not_sent(ours, theirs)
    if theirs is None:
        return Verdict(mine.version + 1, RepairReason.MISSING)
    version, digest = theirs
    if version == mine.version:
        return None if digest == ours.digest else Verdict(version + 1, RepairReason.OTHER_CONTENT)
    if version < mine.version:
        return Verdict(mine.version + 1, RepairReason.OLDER)
    return Verdict(version + 1, RepairReason.NEWER_THERE)


def _not_sent(ours: Ours, theirs: tuple[int, str] | None) -> Verdict | None:
    """An item without a sent mark: missing there, or held there (its mark not kept yet) with
    the item's content or other content."""
    if theirs is None:
        return Verdict(1, RepairReason.MISSING)
    assert ours.item is not None  # an item not sent yet is there
    current = national_record(ours.item, theirs[0])
    if current is not None and current.content_digest() == theirs[1]:
        return None
    return Verdict(theirs[0] + 1, RepairReason.NOT_SENT)


def differing_items(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> tuple[FieldValues, ...]:
    """The examinee's items the two sides hold differently, with both values (personal data:
    only for the conflict)."""
    return tuple(
        FieldValues(field=name, ours=_text(ours.get(name)), theirs=_text(theirs.get(name)))
        for name in ExamineeData.model_fields
        if ours.get(name) != theirs.get(name)
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _kind_of_prefix(item: Mapping[str, Any]) -> RecordKind:
    """The kind an item that cannot be mapped would be (for its count)."""
    record_key = str(item.get("record_key", {}).get("S", ""))
    for prefix, kind in (
        (EXAMINEE_PREFIX, RecordKind.EXAMINEE),
        (SITTING_PREFIX, RecordKind.SITTING),
        (CERTIFICATE_PREFIX, RecordKind.CERTIFICATE),
    ):
        if record_key.startswith(prefix):
            return kind
    return RecordKind.PASS
