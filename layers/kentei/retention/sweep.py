"""The retention job's plan (保存期間満了による廃棄): which items of one prefecture's partition
have passed their period at an instant, and what goes with each.

Pure: it reads items as plain values (``record_key`` and the attributes the data layer read),
the schedule (:mod:`kentei.retention.schedule`) and the legal holds, and returns a
:class:`Plan`. The job deletes what the plan lists; its dry run writes the same plan down
instead, so the two cannot disagree.

- **Which items.** Only kinds the schedule gives to ``job``: a kind deleted by DynamoDB TTL,
  an S3 lifecycle or log retention is left to those, a permanent one is never touched.
- **Which instant.** Each sort-key prefix of such a kind names how its event is read from the
  item (:data:`EVENTS`); an item whose event cannot be read (a proposal still open, a prefix
  with no reader yet: :data:`UNDATED_PREFIXES`) is kept and counted as ``undated``, never
  guessed. An examinee's event is the person's last activity in the prefecture: the latest
  instant of its own and of the person's applications, sittings, passes, proposals and
  notices.
- **Due.** :meth:`~kentei.retention.schedule.RetentionSchedule.due` at the job's instant: an
  item is never taken a day, or an instant, before its ``deletable_from``.
- **Holds.** A legal hold (訴訟ホールド) on the person, the kind or the record keeps it, for
  a kind whose entry says a hold stops it.
- **Kept while.** A record is kept while a record of the person of a ``kept_while`` kind stays
  in the partition (one this plan does not delete).
- **What goes with it.** Derived items (an application's status index) and S3 objects (an
  application's attachments, a ticket's PDF) with every version.
- **The vault.** Only verify may touch the vault: the plan names the persons none of whose
  examinees, applications or initial registrations stay in the prefecture, with their last
  activity, for verify to release their vault entry if no other prefecture needs it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from kentei.retention.kinds import DeletedBy, RecordKind
from kentei.retention.schedule import RetentionSchedule

Attributes = Mapping[str, Any]


@dataclass(frozen=True)
class StoredItem:
    """One records-table item of the partition: its sort key and its attributes as plain
    values (strings, numbers, sets)."""

    record_key: str
    kind: RecordKind
    """Its kind by its key prefix (:func:`kentei.data.record_kinds.kind_of`)."""
    attributes: Attributes


class HoldScope(StrEnum):
    """What a legal hold covers."""

    PERSON = "person"
    """Every record of a 資格仮名ID in the prefecture."""
    KIND = "kind"
    """Every record of a :class:`RecordKind` in the prefecture."""
    RECORD = "record"
    """One record, by its sort key (and what goes with it)."""


@dataclass(frozen=True)
class Hold:
    scope: HoldScope
    value: str


REASON_LIMIT: Final = 200


class HoldRefusedError(ValueError):
    """A hold that names nothing the job could delete, or a reason that may not be stored."""


def checked_hold(
    hold: Hold, reason: str, schedule: RetentionSchedule, kind_of: Callable[[str], RecordKind]
) -> Hold:
    """The hold if it names a person (a 資格仮名ID), a kind a hold stops, or a record of one,
    with a short reason holding no My Number; else :class:`HoldRefusedError` naming why."""
    from kentei.my_number import candidates  # the detector: only when a hold is placed
    from kentei.vault.pseudonym import is_qualification_pseudonym_id

    if not reason.strip() or len(reason) > REASON_LIMIT:
        raise HoldRefusedError(f"reason: 1 to {REASON_LIMIT} characters")
    if candidates(reason):
        raise HoldRefusedError("reason: holds a My Number")
    if hold.scope is HoldScope.PERSON and not is_qualification_pseudonym_id(hold.value):
        raise HoldRefusedError("person: not a qualification pseudonymous ID")
    if hold.scope is HoldScope.KIND or hold.scope is HoldScope.RECORD:
        try:
            kind = RecordKind(hold.value) if hold.scope is HoldScope.KIND else kind_of(hold.value)
        except (KeyError, ValueError):
            raise HoldRefusedError(f"{hold.scope.value}: unknown") from None
        if not schedule.default[kind].hold:
            raise HoldRefusedError(f"{hold.scope.value}: a hold does not stop {kind.value}")
    return hold


@dataclass(frozen=True)
class StoredObject:
    """An S3 object of a record, in a catalog bucket: a key, or every key under a prefix."""

    bucket: str
    key: str
    prefix: bool = False


@dataclass(frozen=True)
class Doomed:
    """A record whose period has ended: deleted with its companions and objects."""

    record_key: str
    kind: RecordKind
    event_at: datetime
    deletable_from: datetime
    rule: str
    """The rule applied: ``<scope>:<period> (<counting>) from <event>``."""
    person: str | None
    companions: tuple[str, ...] = ()
    objects: tuple[StoredObject, ...] = ()


@dataclass(frozen=True)
class Release:
    """A person none of whose vault-needing records stays in the prefecture."""

    qualification_pseudonym_id: str
    last_activity: datetime


@dataclass(frozen=True)
class Plan:
    prefecture_code: str
    at: datetime
    doomed: tuple[Doomed, ...]
    held: Mapping[RecordKind, tuple[str, ...]] = field(default_factory=dict)
    kept_while: Mapping[RecordKind, tuple[str, ...]] = field(default_factory=dict)
    undated: Mapping[RecordKind, tuple[str, ...]] = field(default_factory=dict)
    releases: tuple[Release, ...] = ()

    def by_kind(self) -> dict[RecordKind, tuple[Doomed, ...]]:
        grouped: dict[RecordKind, list[Doomed]] = defaultdict(list)
        for doomed in self.doomed:
            grouped[doomed.kind].append(doomed)
        return {kind: tuple(items) for kind, items in sorted(grouped.items())}


def parse_instant(value: object) -> datetime | None:
    """An aware instant from a stored ISO 8601 text; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _document(attributes: Attributes, name: str) -> Mapping[str, Any]:
    raw = attributes.get(name)
    if not isinstance(raw, str):
        return {}
    try:
        loaded = json.loads(raw)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


@dataclass(frozen=True)
class EventSource:
    """An item's event instant: in a top-level attribute, or in a field of the JSON document
    that attribute holds."""

    attribute: str
    field: str | None = None

    def read(self, attributes: Attributes) -> datetime | None:
        if self.field is None:
            return parse_instant(attributes.get(self.attribute))
        return parse_instant(_document(attributes, self.attribute).get(self.field))


_FINAL: Final = frozenset({"accepted", "rejected"})


@dataclass(frozen=True)
class ApplicationDecided:
    """When an application was accepted or rejected: its last change into a final status
    (None while it is not final)."""

    attribute: str = "application"

    def read(self, attributes: Attributes) -> datetime | None:
        application = _document(attributes, self.attribute)
        if application.get("status") not in _FINAL:
            return None
        changes = [c for c in application.get("history", ()) if isinstance(c, dict)]
        final = [parse_instant(c.get("at")) for c in changes if c.get("status") in _FINAL]
        instants = [at for at in final if at is not None]
        return max(instants) if instants else None


EXAMINEE_PREFIX: Final = "EXAMINEE#"
APPLICATION_PREFIX: Final = "APPLICATION#"
STATUS_PREFIX: Final = "STATUS#"
TICKET_PREFIX: Final = "TICKET#"

EVENTS: Final[Mapping[str, EventSource | ApplicationDecided]] = {
    APPLICATION_PREFIX: ApplicationDecided(),
    "EXAMINEE_HISTORY#": EventSource("entry", "at"),
    "SITTING#": EventSource("sitting", "accepted_at"),
    "CHANGE#": EventSource("proposal", "decided_at"),
    "PERSON_REQUEST#": EventSource("request", "decided_at"),
    TICKET_PREFIX: EventSource("issued_at"),
    "DECISION#": EventSource("decided_at"),
    "RESULT#": EventSource("recorded_at"),
    "NOTICE#": EventSource("notice", "created_at"),
    "POSTLIST#": EventSource("entry", "added_at"),
    "NATIONAL_CHANGE#": EventSource("taken_at"),
    "NATIONAL_CONFLICT#": EventSource("conflict", "decided_at"),
    "STAFF_SIGNIN_EVENT#": EventSource("at"),
    "STAFF_IDLE_WARNING#": EventSource("warned_at"),
    "NATIONAL_RECONCILE#": EventSource("finished_at"),
    "RECHECK_RUN#": EventSource("run", "finished_at"),
    "RETENTION_DRY_RUN#": EventSource("written_at"),
}
"""How the event of each dated job-deleted prefix is read (the examinee's is computed)."""

COMPANIONS: Final[Mapping[str, tuple[str, str]]] = {
    STATUS_PREFIX: ("application_id", APPLICATION_PREFIX)
}
"""Derived items deleted with their record: prefix → (the attribute naming the record, the
record's prefix)."""

UNDATED_PREFIXES: Final = frozenset(
    {
        # Open markers: they exist while the proposal or conflict is open.
        "CHANGE_OPEN#",
        "CHANGE_OPEN_NATIONAL#",
        "NATIONAL_CONFLICT_OPEN#",
        # A suspension of use exists while it stands; lifting it deletes it. Work held for a
        # suspended person exists until certify does it, once the suspension is lifted.
        "SUSPENSION#",
        "USE_HELD#",
        # The feed's cursor is rewritten as it moves; deleting it would read the feed again.
        "NATIONAL_CURSOR",
        # A sent mark outlives its record as the outbox's tombstone: reconciliation would send
        # a deletion again for a record the national side holds deleted and we hold no mark of.
        "NATIONAL_SENT#",
        # No event reader yet (issue 13: the retention job's next step).
        "CHANGE_REQUEST#",
        "INITIAL_REGISTRATION#",
        "SESSION#",
        "SEAT#",
        "RESULT_HISTORY#",
        "IMPORT#",
        "RECHECK_BATCH#",
        "RESULTS_RUN#",
        "STAFF_SIGNIN#",
        "SIGNED#",
        "HEARTBEAT#",
        "MYNAPORTAL#",
        "QUALIFICATION#",
    }
)
"""Job-deleted prefixes the job keeps, counted as undated (a test keeps this list, with
:data:`EVENTS`, :data:`COMPANIONS` and the examinee, equal to every job-deleted prefix)."""

VAULT_NEEDS: Final = frozenset(
    {RecordKind.EXAMINEE, RecordKind.APPLICATION, RecordKind.INITIAL_REGISTRATION}
)
"""What the vault entry is kept for (the schedule's ``kept_while`` of ``vault_entry``)."""
ACTIVITY: Final = frozenset(
    {
        RecordKind.APPLICATION,
        RecordKind.SITTING,
        RecordKind.PASS,
        RecordKind.CHANGE_PROPOSAL,
        RecordKind.NOTICE,
        RecordKind.EXAMINEE_HISTORY,
    }
)
"""The records whose instants are a person's activity in the prefecture."""


def person_of(item: StoredItem) -> str | None:
    """The 資格仮名ID an item is about: its attribute, or its JSON document's."""
    direct = item.attributes.get("qualification_pseudonym_id")
    if isinstance(direct, str):
        return direct
    for value in item.attributes.values():
        if isinstance(value, str) and value.startswith("{"):
            found = _document({"d": value}, "d").get("qualification_pseudonym_id")
            if isinstance(found, str):
                return found
    return None


def _application_of(item: StoredItem) -> str | None:
    """The application an item belongs to: its ``application_id``, or a ticket's key."""
    named = item.attributes.get("application_id")
    if isinstance(named, str):
        return named
    for prefix in (APPLICATION_PREFIX, TICKET_PREFIX):
        if item.record_key.startswith(prefix):
            return item.record_key.removeprefix(prefix)
    return None


def _applications_persons(items: Iterable[StoredItem]) -> dict[str, str]:
    """Each application's person, from the items that name both."""
    found: dict[str, str] = {}
    for item in items:
        application, person = _application_of(item), person_of(item)
        if application and person:
            found[application] = person
    return found


def _person(item: StoredItem, by_application: Mapping[str, str]) -> str | None:
    """The item's person, or its application's (a ticket names none of its own)."""
    application = _application_of(item)
    return person_of(item) or (by_application.get(application) if application else None)


def _activity(item: StoredItem) -> datetime | None:
    """The latest instant an item holds: its top-level ``*_at`` attributes and its event."""
    instants = [
        parse_instant(value)
        for name, value in item.attributes.items()
        if name.endswith("_at") and name != "expires_at"
    ]
    reader = _reader(item.record_key)
    instants.append(reader.read(item.attributes) if reader is not None else None)
    present = [at for at in instants if at is not None]
    return max(present) if present else None


def _reader(record_key: str) -> EventSource | ApplicationDecided | None:
    for prefix, reader in EVENTS.items():
        if record_key.startswith(prefix):
            return reader
    return None


def _prefix(record_key: str, prefixes: Iterable[str]) -> str | None:
    return next((p for p in prefixes if record_key.startswith(p)), None)


def _derived(item: StoredItem) -> bool:
    """A derived item (an index): it goes with its record and keeps nothing."""
    return _prefix(item.record_key, COMPANIONS) is not None


def objects_of(item: StoredItem, prefecture_code: str) -> tuple[StoredObject, ...]:
    """The S3 objects that go with a record (every version): an application's attachments, a
    ticket's PDF (only under its own prefecture's prefix)."""
    key = item.record_key
    if key.startswith(APPLICATION_PREFIX):
        application_id = key.removeprefix(APPLICATION_PREFIX)
        return (StoredObject("attachments", f"applications/{application_id}/", prefix=True),)
    if key.startswith(TICKET_PREFIX):
        object_key = item.attributes.get("object_key")
        if isinstance(object_key, str) and object_key.startswith(f"tickets/{prefecture_code}/"):
            return (StoredObject("certificates", object_key),)
    return ()


def held(holds: Iterable[Hold], kind: RecordKind, person: str | None, record_key: str) -> bool:
    wanted = {
        Hold(HoldScope.KIND, kind.value),
        Hold(HoldScope.RECORD, record_key),
        *([Hold(HoldScope.PERSON, person)] if person else []),
    }
    return any(hold in wanted for hold in holds)


@dataclass
class _Candidate:
    item: StoredItem
    kind: RecordKind
    person: str | None
    event_at: datetime | None


def plan(
    prefecture_code: str,
    items: Iterable[StoredItem],
    holds: Iterable[Hold],
    schedule: RetentionSchedule,
    at: datetime,
) -> Plan:
    """What the job deletes in the prefecture's partition at ``at`` (its clock)."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    hold_set = frozenset(holds)
    listed = list(items)
    by_application = _applications_persons(listed)
    everything = [(item, item.kind, _person(item, by_application)) for item in listed]
    activity: dict[str, datetime] = {}
    for item, kind, person in everything:
        instant = _activity(item)
        if person and instant and kind in ACTIVITY | {RecordKind.EXAMINEE}:
            activity[person] = max(instant, activity.get(person, instant))
    candidates: list[_Candidate] = []
    undated: dict[RecordKind, list[str]] = defaultdict(list)
    companions: list[StoredItem] = []
    for item, kind, person in everything:
        if schedule.default[kind].deleted_by is not DeletedBy.JOB:
            continue
        if _derived(item):
            companions.append(item)
            continue
        if item.record_key.startswith(EXAMINEE_PREFIX):
            event_at = activity.get(person) if person else None
        else:
            reader = _reader(item.record_key)
            event_at = reader.read(item.attributes) if reader is not None else None
        if event_at is None:
            undated[kind].append(item.record_key)
            continue
        candidates.append(_Candidate(item, kind, person, event_at))
    held_keys: dict[RecordKind, list[str]] = defaultdict(list)
    due: list[_Candidate] = []
    for candidate in candidates:
        assert candidate.event_at is not None
        if not schedule.due(candidate.kind, candidate.event_at, prefecture_code, at):
            continue
        entry = schedule.default[candidate.kind]
        if entry.hold and held(
            hold_set, candidate.kind, candidate.person, candidate.item.record_key
        ):
            held_keys[candidate.kind].append(candidate.item.record_key)
            continue
        due.append(candidate)
    due, kept = _kept_while(due, everything, schedule)
    doomed = tuple(_doomed(c, companions, prefecture_code, schedule) for c in due)
    return Plan(
        prefecture_code=prefecture_code,
        at=at,
        doomed=tuple(sorted(doomed, key=lambda d: d.record_key)),
        held=_sorted(held_keys),
        kept_while=_sorted(kept),
        undated=_sorted(undated),
        releases=_releases(doomed, everything, activity),
    )


def _kept_while(
    due: list[_Candidate],
    everything: list[tuple[StoredItem, RecordKind, str | None]],
    schedule: RetentionSchedule,
) -> tuple[list[_Candidate], dict[RecordKind, list[str]]]:
    """Drop, until nothing changes, a due record of a person while a record of a kind it must
    outlive stays (a record kept keeps what must outlive it)."""
    kept: dict[RecordKind, list[str]] = defaultdict(list)
    going = {c.item.record_key for c in due}
    changed = True
    while changed:
        changed = False
        staying: dict[str, set[RecordKind]] = defaultdict(set)
        for item, kind, person in everything:
            if person and item.record_key not in going and not _derived(item):
                staying[person].add(kind)
        for candidate in due:
            key = candidate.item.record_key
            needs = schedule.default[candidate.kind].kept_while
            if key in going and candidate.person and staying[candidate.person] & set(needs):
                going.discard(key)
                kept[candidate.kind].append(key)
                changed = True
    return [c for c in due if c.item.record_key in going], kept


def _doomed(
    candidate: _Candidate,
    companions: list[StoredItem],
    prefecture_code: str,
    schedule: RetentionSchedule,
) -> Doomed:
    assert candidate.event_at is not None
    rule = schedule.rule(candidate.kind, prefecture_code)
    first = rule.deletable_from(candidate.event_at, schedule.fiscal_year_start)
    assert first is not None
    own = [
        companion.record_key
        for companion in companions
        for prefix, (name, owner) in COMPANIONS.items()
        if companion.record_key.startswith(prefix)
        and f"{owner}{companion.attributes.get(name)}" == candidate.item.record_key
    ]
    return Doomed(
        record_key=candidate.item.record_key,
        kind=candidate.kind,
        event_at=candidate.event_at,
        deletable_from=first,
        rule=f"{rule.scope}:{rule.period} ({rule.counting.value}) from {rule.entry.event.value}",
        person=candidate.person,
        companions=tuple(sorted(own)),
        objects=objects_of(candidate.item, prefecture_code),
    )


def _releases(
    doomed: Iterable[Doomed],
    everything: list[tuple[StoredItem, RecordKind, str | None]],
    activity: Mapping[str, datetime],
) -> tuple[Release, ...]:
    going = {d.record_key for d in doomed}
    candidates = {d.person for d in doomed if d.person and d.kind in VAULT_NEEDS}
    staying = {
        person
        for item, kind, person in everything
        if person and kind in VAULT_NEEDS and item.record_key not in going and not _derived(item)
    }
    return tuple(
        Release(person, activity[person])
        for person in sorted(p for p in candidates if p is not None)
        if person not in staying and person in activity
    )


def _sorted(grouped: Mapping[RecordKind, list[str]]) -> dict[RecordKind, tuple[str, ...]]:
    return {kind: tuple(sorted(keys)) for kind, keys in sorted(grouped.items())}
