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
  kept for its stated reason: :data:`UNDATED_PREFIXES`) is kept and counted as ``undated``,
  never guessed. Derived items name their record (:data:`COMPANIONS`) and go with it; the
  pseudonym links go with the vault entry (:data:`RELEASED_PREFIXES`). An examinee's event
  is the person's last activity in the prefecture: the latest instant of its own and of the
  person's applications, sittings, passes, proposals and notices.
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
- **Pages.** A large partition is planned in pages: :func:`index_of` each page,
  :meth:`Index.merge` them, :func:`resolve` once, :func:`plan_page` each page; :func:`plan`
  is the same with the partition as one page.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import Any, Final

from kentei.retention.kinds import Counting, DeletedBy, RecordKind
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


@dataclass(frozen=True)
class DecidedIn:
    """When a request's matter was decided, in its JSON document: the later of its
    ``instants`` fields (or of a nested ``field.at``) once its ``status`` is one of
    ``final``; None while it is not (or when none of them is stored: never guessed)."""

    attribute: str
    final: frozenset[str]
    instants: tuple[str, ...]

    def read(self, attributes: Attributes) -> datetime | None:
        document = _document(attributes, self.attribute)
        if document.get("status") not in self.final:
            return None
        found: list[datetime | None] = []
        for name in self.instants:
            head, _, nested = name.partition(".")
            value = document.get(head)
            if nested:
                value = value.get(nested) if isinstance(value, dict) else None
            found.append(parse_instant(value))
        present = [at for at in found if at is not None]
        return max(present) if present else None


@dataclass(frozen=True)
class LatestOf:
    """An item rewritten in place (its event ``created`` is its last write): the latest of
    the instants it stores in ``attributes`` (top level)."""

    attributes: tuple[str, ...]

    def read(self, attributes: Attributes) -> datetime | None:
        present = [parse_instant(attributes.get(name)) for name in self.attributes]
        instants = [at for at in present if at is not None]
        return max(instants) if instants else None


_JST: Final = timezone(timedelta(hours=9))


@dataclass(frozen=True)
class SessionHeld:
    """An exam session's last use: its last write (``created_at``, ``updated_at``) or the end
    of its exam day in Japan, whichever is later (a session created long before its day is
    kept for the round); None without its creation instant or day."""

    attribute: str = "session"

    def read(self, attributes: Attributes) -> datetime | None:
        session = _document(attributes, self.attribute)
        created = parse_instant(session.get("created_at"))
        raw_day = session.get("exam_date")
        try:
            day = date.fromisoformat(raw_day) if isinstance(raw_day, str) else None
        except ValueError:
            day = None
        if created is None or day is None:
            return None
        day_end = datetime.combine(day + timedelta(days=1), time(), _JST) - timedelta(
            microseconds=1
        )
        updated = parse_instant(session.get("updated_at"))
        return max(at for at in (created, updated, day_end) if at is not None)


Reader = EventSource | ApplicationDecided | DecidedIn | LatestOf | SessionHeld


@dataclass(frozen=True)
class NamedBy:
    """A derived item names its record: the record's prefix and the values (attributes, or
    fields of a JSON attribute: ``attribute.field``) that, joined by ``#``, are its key's
    rest; None (not derived: dated on its own, if it can be) when one is missing."""

    owner_prefix: str
    parts: tuple[str, ...]

    def owner(self, record_key: str, attributes: Attributes) -> str | None:
        del record_key
        values: list[str] = []
        for part in self.parts:
            name, _, inner = part.partition(".")
            value = _document(attributes, name).get(inner) if inner else attributes.get(name)
            if not isinstance(value, str) or not value:
                return None
            values.append(value)
        return self.owner_prefix + "#".join(values)


@dataclass(frozen=True)
class KeyedUnder:
    """A derived item whose key is its record's rest and one more ``#<part>``."""

    prefix: str
    owner_prefix: str

    def owner(self, record_key: str, attributes: Attributes) -> str | None:
        del attributes
        rest, _, _ = record_key.removeprefix(self.prefix).rpartition("#")
        return self.owner_prefix + rest if rest else None


@dataclass(frozen=True)
class ClaimOf:
    """A signed act's claim names the request that used it by its id, whose shape says its
    record: ``PP-CR-…`` a change request, ``PP-IR-…`` an initial registration, else an
    application."""

    def owner(self, record_key: str, attributes: Attributes) -> str | None:
        del record_key
        used_by = attributes.get("application_id")
        if not isinstance(used_by, str) or not used_by:
            return None
        tag = used_by[3:6]
        if tag == "CR-":
            return CHANGE_REQUEST_PREFIX + used_by
        if tag == "IR-":
            return INITIAL_REGISTRATION_PREFIX + used_by
        return APPLICATION_PREFIX + used_by


Owner = NamedBy | KeyedUnder | ClaimOf


EXAMINEE_PREFIX: Final = "EXAMINEE#"
APPLICATION_PREFIX: Final = "APPLICATION#"
STATUS_PREFIX: Final = "STATUS#"
TICKET_PREFIX: Final = "TICKET#"
CHANGE_REQUEST_PREFIX: Final = "CHANGE_REQUEST#"
INITIAL_REGISTRATION_PREFIX: Final = "INITIAL_REGISTRATION#"
PAGE_PREFIX: Final = "RETENTION_PAGE#"
"""The job's own page records (:mod:`kentei.data.retention`)."""

EVENTS: Final[Mapping[str, Reader]] = {
    APPLICATION_PREFIX: ApplicationDecided(),
    # Decided: linked or refused by verify (verified_at), linked or rejected by staff (the
    # review's instant); received and in review wait.
    INITIAL_REGISTRATION_PREFIX: DecidedIn(
        "registration",
        frozenset({"linked", "refused", "rejected"}),
        ("verified_at", "review.at"),
    ),
    "EXAMINEE_HISTORY#": EventSource("entry", "at"),
    "SITTING#": EventSource("sitting", "accepted_at"),
    "CHANGE#": EventSource("proposal", "decided_at"),
    # A refused signed change request is decided when verify refused it; a proposed one goes
    # with its proposal (COMPANIONS); a received one waits.
    CHANGE_REQUEST_PREFIX: DecidedIn("request", frozenset({"refused"}), ("verified_at",)),
    "PERSON_REQUEST#": EventSource("request", "decided_at"),
    "SESSION#": SessionHeld(),
    TICKET_PREFIX: EventSource("issued_at"),
    "DECISION#": EventSource("decided_at"),
    "RESULT#": EventSource("recorded_at"),
    "RESULT_HISTORY#": EventSource("change", "at"),
    # Decided: committed (committed_at) or discarded (its last change); open ones wait.
    "IMPORT#": DecidedIn(
        "import", frozenset({"committed", "discarded"}), ("committed_at", "updated_at")
    ),
    "NOTICE#": EventSource("notice", "created_at"),
    "POSTLIST#": EventSource("entry", "added_at"),
    "NATIONAL_CHANGE#": EventSource("taken_at"),
    "NATIONAL_CONFLICT#": EventSource("conflict", "decided_at"),
    "STAFF_SIGNIN#": LatestOf(("last_sign_in_at", "last_failure_at")),
    "STAFF_SIGNIN_EVENT#": EventSource("at"),
    "STAFF_IDLE_WARNING#": EventSource("warned_at"),
    "NATIONAL_RECONCILE#": EventSource("finished_at"),
    # The run's finish is set on its item, not in its JSON (PrefectureChanges.finish_batch).
    "RECHECK_RUN#": EventSource("finished_at"),
    "RESULTS_RUN#": EventSource("run", "finished_at"),
    "RETENTION_DRY_RUN#": EventSource("written_at"),
    PAGE_PREFIX: EventSource("written_at"),
}
"""How the event of each dated job-deleted prefix is read (the examinee's is computed)."""

COMPANIONS: Final[Mapping[str, Owner]] = {
    STATUS_PREFIX: NamedBy(APPLICATION_PREFIX, ("application_id",)),
    "SEAT#": NamedBy("SESSION#", ("round", "session_id")),
    "RECHECK_BATCH#": KeyedUnder("RECHECK_BATCH#", "RECHECK_RUN#"),
    # A proposed request is the proposal's origin: it goes when the proposal goes.
    CHANGE_REQUEST_PREFIX: NamedBy("CHANGE#", ("request.proposal_id",)),
    # A signed act's claim goes with the request that used it. It guards against a replay only
    # while the signature could verify again: verify refuses a certificate expired at arrival,
    # a JPKI signing certificate lasts at most five years from its issue (before the arrival),
    # and the claim's record is kept at least five fiscal years from its decision (the
    # minimums of application, initial_registration and change_proposal), so the claim
    # outlives every signature it guards.
    "SIGNED#": ClaimOf(),
}
"""Derived items deleted with their record: prefix → how the item names its record (an item
that names none is dated on its own, if :data:`EVENTS` can)."""

RELEASED_PREFIXES: Final = frozenset({"MYNAPORTAL#", "QUALIFICATION#"})
"""Job-deleted prefixes the sweep never reads: the pseudonym links live in the ``PSEUDONYMS``
partition, and verify deletes a person's with their vault entry on the job's release
(:mod:`verify.vault_release`: the schedule's ``kept_while`` and last activity)."""

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
        # A function's latest heartbeat, rewritten by each receipt (received_at), one item per
        # function and no person, in the SYSTEM partition the per-prefecture job never reads:
        # the daily start forgets it past its period (sync.retention.expire_heartbeats).
        "HEARTBEAT#",
    }
)
"""Job-deleted prefixes the job keeps, counted as undated (a test keeps this list, with
:data:`EVENTS`, :data:`COMPANIONS`, :data:`RELEASED_PREFIXES` and the examinee, equal to every
job-deleted prefix)."""

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


def _reader(record_key: str) -> Reader | None:
    for prefix, reader in EVENTS.items():
        if record_key.startswith(prefix):
            return reader
    return None


def _prefix(record_key: str, prefixes: Iterable[str]) -> str | None:
    return next((p for p in prefixes if record_key.startswith(p)), None)


def owner_of(item: StoredItem) -> str | None:
    """The record a derived item (an index, a seat, a claim) goes with; None for a record."""
    prefix = _prefix(item.record_key, COMPANIONS)
    return None if prefix is None else COMPANIONS[prefix].owner(item.record_key, item.attributes)


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


# The plan in pages. What one record's fate needs from the rest of the partition is small and
# per person: the person's last activity (an examinee's event), which kinds of theirs stay (a
# record kept while another stays), an application's person (a ticket names none), and a
# record's derived items. An index pass folds each page into an :class:`Index` (merged in any
# order, any number of times: maxima and unions); :func:`resolve` settles the persons once;
# :func:`plan_page` then plans any page alone, and the pages' plans together are the plan.


class _Due:
    """:meth:`RetentionSchedule.due` at one instant in one prefecture, remembered by kind and
    by what the first deletable instant depends on (the event's day in Japan, or its instant
    for elapsed counting): a large partition asks it once per record."""

    def __init__(self, schedule: RetentionSchedule, prefecture_code: str, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        self._schedule, self._prefecture_code, self._at = schedule, prefecture_code, at
        self._first: dict[tuple[str, object], datetime | None] = {}

    def __call__(self, kind: RecordKind, event_at: datetime) -> bool:
        counting = self._schedule.counting_of(self._schedule.default[kind])
        by: object = event_at if counting is Counting.ELAPSED else event_at.astimezone(_JST).date()
        key = (kind.value, by)
        if key not in self._first:
            self._first[key] = self._schedule.deletable_from(kind, event_at, self._prefecture_code)
        first = self._first[key]
        return first is not None and self._at >= first


@dataclass(slots=True)
class Facts:
    """What the index keeps of a person (or, its person not yet known, an application).
    Kinds are their values (:class:`RecordKind`'s), instants ISO texts until settled."""

    activity: datetime | None = None
    staying: set[str] = field(default_factory=set)
    """Kinds of theirs with a record that stays whatever the others do."""
    due: set[str] = field(default_factory=set)
    """Kinds of theirs with a due record that only a hold on the person keeps."""
    pending: dict[str, tuple[str, str | None, bool]] = field(default_factory=dict)
    """Due records of kinds kept while others stay, and the examinee: key → (kind, event
    (None: the examinee's, the person's activity), held by a hold on its kind or record)."""

    def merge(self, other: Facts) -> None:
        if other.activity is not None:
            self.activity = max(other.activity, self.activity or other.activity)
        self.staying |= other.staying
        self.due |= other.due
        self.pending.update(other.pending)


@dataclass
class Index:
    """The partition's cross-record facts: by person (``p:<資格仮名ID>``) or application
    (``a:<id>``), each application's person, and each record's derived items."""

    facts: dict[str, Facts] = field(default_factory=dict)
    applications: dict[str, str] = field(default_factory=dict)
    owned: dict[str, set[str]] = field(default_factory=dict)

    def merge(self, other: Index) -> Index:
        for ref, facts in other.facts.items():
            mine = self.facts.get(ref)
            if mine is None:
                self.facts[ref] = facts
            else:
                mine.merge(facts)
        self.applications.update(other.applications)
        for owner, keys in other.owned.items():
            self.owned.setdefault(owner, set()).update(keys)
        return self

    def to_json(self) -> str:
        """Compact JSON: ``facts`` ref → [activity, staying, due, pending]."""
        return json.dumps(
            {
                "facts": {
                    ref: [
                        None if f.activity is None else f.activity.isoformat(),
                        sorted(f.staying),
                        sorted(f.due),
                        {key: list(p) for key, p in sorted(f.pending.items())},
                    ]
                    for ref, f in sorted(self.facts.items())
                },
                "applications": dict(sorted(self.applications.items())),
                "owned": {owner: sorted(keys) for owner, keys in sorted(self.owned.items())},
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Index:
        raw = json.loads(text)
        return cls(
            facts={
                ref: Facts(
                    activity=parse_instant(activity),
                    staying=set(staying),
                    due=set(due),
                    pending={k: (kind, at, bool(h)) for k, (kind, at, h) in pending.items()},
                )
                for ref, (activity, staying, due, pending) in raw["facts"].items()
            },
            applications=raw["applications"],
            owned={owner: set(keys) for owner, keys in raw["owned"].items()},
        )


def _ref(item: StoredItem) -> str | None:
    person = person_of(item)
    if person:
        return f"p:{person}"
    application = _application_of(item)
    return f"a:{application}" if application else None


def _event(item: StoredItem) -> datetime | None:
    reader = _reader(item.record_key)
    return reader.read(item.attributes) if reader is not None else None


def index_of(
    prefecture_code: str,
    items: Iterable[StoredItem],
    holds: Iterable[Hold],
    schedule: RetentionSchedule,
    at: datetime,
) -> Index:
    """The index of one page of the partition at ``at``."""
    hold_set = frozenset(holds)
    is_due = _Due(schedule, prefecture_code, at)
    index = Index()
    for item in items:
        key, kind = item.record_key, item.kind
        person, application = person_of(item), _application_of(item)
        if person and application:
            index.applications[application] = person
        ref = _ref(item)
        facts = Facts()
        if kind in ACTIVITY | {RecordKind.EXAMINEE}:
            facts.activity = _activity(item)
        owner = owner_of(item)
        if owner is not None:
            index.owned.setdefault(owner, set()).add(key)
        else:
            _classify(item, facts, hold_set, schedule, is_due)
        if ref is not None and (facts.activity or facts.staying or facts.due or facts.pending):
            index.merge(Index(facts={ref: facts}))
    return index


def _classify(
    item: StoredItem,
    facts: Facts,
    hold_set: frozenset[Hold],
    schedule: RetentionSchedule,
    is_due: _Due,
) -> None:
    """What the index keeps of a record (not a derived item)."""
    key, kind = item.record_key, item.kind
    entry = schedule.default[kind]
    local_hold = entry.hold and bool(
        {Hold(HoldScope.KIND, kind.value), Hold(HoldScope.RECORD, key)} & hold_set
    )
    if entry.deleted_by is not DeletedBy.JOB:
        facts.staying.add(kind.value)
        return
    if key.startswith(EXAMINEE_PREFIX):
        facts.pending[key] = (kind.value, None, local_hold)
        return
    event_at = _event(item)
    if event_at is None or local_hold or not is_due(kind, event_at):
        facts.staying.add(kind.value)
    elif entry.kept_while:
        facts.pending[key] = (kind.value, event_at.isoformat(), False)
    else:
        facts.due.add(kind.value)


@dataclass(frozen=True)
class Resolved:
    """The index settled: what :func:`plan_page` reads of the rest of the partition (of the
    whole, or, :meth:`slices`, of the keys of one page)."""

    examinee_events: Mapping[str, datetime]
    """Each examinee's event (by its key): the person's last activity."""
    applications: Mapping[str, str]
    kept: frozenset[str]
    """Due records kept while a record of the person they must outlive stays."""
    owned: Mapping[str, set[str]]
    """A record's derived items (and, in a slice, theirs)."""
    releases: tuple[Release, ...] = ()

    def slices(
        self, pages: Sequence[tuple[str | None, str | None, Iterable[str]]]
    ) -> list[Resolved]:
        """What each page needs: pages given by the keys they start after (None: the start)
        and end at (None: an empty page), and the applications their items name."""
        events, kept, owners = sorted(self.examinee_events), sorted(self.kept), sorted(self.owned)
        sliced: list[Resolved] = []
        for after, end, applications in pages:

            def within(
                keys: list[str], after: str | None = after, end: str | None = end
            ) -> list[str]:
                if end is None:
                    return []
                first = 0 if after is None else bisect_right(keys, after)
                return keys[first : bisect_right(keys, end)]

            sliced.append(
                Resolved(
                    examinee_events={k: self.examinee_events[k] for k in within(events)},
                    applications={
                        a: self.applications[a] for a in applications if a in self.applications
                    },
                    kept=frozenset(within(kept)),
                    owned={o: set(_companions(o, self.owned)) for o in within(owners)},
                )
            )
        return sliced

    def to_json(self) -> str:
        return json.dumps(
            {
                "examinee_events": {
                    k: at.isoformat() for k, at in sorted(self.examinee_events.items())
                },
                "applications": dict(sorted(self.applications.items())),
                "kept": sorted(self.kept),
                "owned": {o: sorted(keys) for o, keys in sorted(self.owned.items())},
                "releases": [
                    [r.qualification_pseudonym_id, r.last_activity.isoformat()]
                    for r in self.releases
                ],
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Resolved:
        raw = json.loads(text)
        return cls(
            examinee_events={
                k: datetime.fromisoformat(at) for k, at in raw["examinee_events"].items()
            },
            applications=raw["applications"],
            kept=frozenset(raw["kept"]),
            owned={o: set(keys) for o, keys in raw["owned"].items()},
            releases=tuple(Release(p, datetime.fromisoformat(at)) for p, at in raw["releases"]),
        )


def resolve(
    prefecture_code: str,
    index: Index,
    holds: Iterable[Hold],
    schedule: RetentionSchedule,
    at: datetime,
) -> Resolved:
    """Each person's facts together (their own and their applications'), their due records of
    ``kept_while`` kinds settled (until nothing changes), and the vault releases."""
    hold_set = frozenset(holds)
    is_due = _Due(schedule, prefecture_code, at)
    by_person: dict[str, list[Facts]] = {}
    for ref, facts in index.facts.items():
        person = ref[2:] if ref.startswith("p:") else index.applications.get(ref[2:])
        if person:
            by_person.setdefault(person, []).append(facts)
    activity: dict[str, datetime] = {}
    examinee_events: dict[str, datetime] = {}
    kept: set[str] = set()
    releases: list[Release] = []
    needs = {kind.value: {k.value for k in e.kept_while} for kind, e in schedule.default.items()}
    stops = {kind.value: e.hold for kind, e in schedule.default.items()}
    for person in sorted(by_person):
        parts = by_person[person]
        instants = [f.activity for f in parts if f.activity is not None]
        if instants:
            activity[person] = max(instants)
        person_held = Hold(HoldScope.PERSON, person) in hold_set
        staying: set[str] = set().union(*(f.staying for f in parts))
        due: set[str] = set().union(*(f.due for f in parts))
        going_kinds = {k for k in due if not (person_held and stops[k])}
        staying |= due - going_kinds
        candidates: dict[str, str] = {}
        for f in parts:
            for key, (kind, at_text, held_here) in f.pending.items():
                event_at = parse_instant(at_text) if at_text else activity.get(person)
                if at_text is None and event_at is not None:
                    examinee_events[key] = event_at
                if (
                    event_at is None
                    or (stops[kind] and (held_here or person_held))
                    or not is_due(RecordKind(kind), event_at)
                ):
                    staying.add(kind)
                else:
                    candidates[key] = kind
        going = _outliving(candidates, staying, needs)
        kept |= set(candidates) - going
        staying |= {candidates[k] for k in candidates if k not in going}
        going_kinds |= {candidates[k] for k in going}
        vault = {k.value for k in VAULT_NEEDS}
        if going_kinds & vault and not staying & vault and person in activity:
            releases.append(Release(person, activity[person]))
    return Resolved(
        examinee_events=examinee_events,
        applications=index.applications,
        kept=frozenset(kept),
        owned=index.owned,
        releases=tuple(releases),
    )


def _outliving(
    candidates: Mapping[str, str], staying: set[str], needs: Mapping[str, set[str]]
) -> set[str]:
    """Of a person's due candidates (key → kind), those that go: dropped, until nothing
    changes, while a kind they must outlive stays (a record kept keeps what must outlive it)."""
    going = set(candidates)
    changed = True
    while changed:
        changed = False
        now_staying = staying | {candidates[k] for k in candidates if k not in going}
        for key in sorted(going):
            if now_staying & needs[candidates[key]]:
                going.discard(key)
                changed = True
    return going


def plan_page(
    prefecture_code: str,
    items: Iterable[StoredItem],
    resolved: Resolved,
    *,
    holds: Iterable[Hold],
    schedule: RetentionSchedule,
    at: datetime,
) -> Plan:
    """What the job deletes of these items of the partition at ``at``, the rest of the
    partition read through ``resolved`` (the persons' releases are the resolved index's)."""
    hold_set = frozenset(holds)
    is_due = _Due(schedule, prefecture_code, at)
    doomed: list[Doomed] = []
    undated: dict[RecordKind, list[str]] = defaultdict(list)
    held_keys: dict[RecordKind, list[str]] = defaultdict(list)
    kept: dict[RecordKind, list[str]] = defaultdict(list)
    for item in items:
        key, kind = item.record_key, item.kind
        entry = schedule.default[kind]
        if entry.deleted_by is not DeletedBy.JOB or owner_of(item) is not None:
            continue
        application = _application_of(item)
        person = person_of(item) or (
            resolved.applications.get(application) if application else None
        )
        if key.startswith(EXAMINEE_PREFIX):
            event_at = resolved.examinee_events.get(key)
        else:
            event_at = _event(item)
        if event_at is None:
            undated[kind].append(key)
            continue
        if not is_due(kind, event_at):
            continue
        if entry.hold and held(hold_set, kind, person, key):
            held_keys[kind].append(key)
        elif key in resolved.kept:
            kept[kind].append(key)
        else:
            doomed.append(
                _doomed(
                    item,
                    person=person,
                    event_at=event_at,
                    resolved=resolved,
                    prefecture_code=prefecture_code,
                    schedule=schedule,
                )
            )
    return Plan(
        prefecture_code=prefecture_code,
        at=at,
        doomed=tuple(sorted(doomed, key=lambda d: d.record_key)),
        held=_sorted(held_keys),
        kept_while=_sorted(kept),
        undated=_sorted(undated),
    )


def plan(
    prefecture_code: str,
    items: Iterable[StoredItem],
    holds: Iterable[Hold],
    schedule: RetentionSchedule,
    at: datetime,
) -> Plan:
    """What the job deletes in the prefecture's partition at ``at`` (its clock): the whole
    partition as one page."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    listed, hold_list = list(items), list(holds)
    index = index_of(prefecture_code, listed, hold_list, schedule, at)
    resolved = resolve(prefecture_code, index, hold_list, schedule, at)
    page = plan_page(prefecture_code, listed, resolved, holds=hold_list, schedule=schedule, at=at)
    return replace(page, releases=resolved.releases)


def _companions(record_key: str, owned: Mapping[str, set[str]]) -> tuple[str, ...]:
    """The record's derived items, and theirs (a proposed request's signed-act claim)."""
    found: set[str] = set()
    todo = [record_key]
    while todo:
        for key in owned.get(todo.pop(), ()):
            if key not in found:
                found.add(key)
                todo.append(key)
    return tuple(sorted(found))


def _doomed(
    item: StoredItem,
    *,
    person: str | None,
    event_at: datetime,
    resolved: Resolved,
    prefecture_code: str,
    schedule: RetentionSchedule,
) -> Doomed:
    rule = schedule.rule(item.kind, prefecture_code)
    first = rule.deletable_from(event_at, schedule.fiscal_year_start)
    assert first is not None
    return Doomed(
        record_key=item.record_key,
        kind=item.kind,
        event_at=event_at,
        deletable_from=first,
        rule=f"{rule.scope}:{rule.period} ({rule.counting.value}) from {rule.entry.event.value}",
        person=person,
        companions=_companions(item.record_key, resolved.owned),
        objects=objects_of(item, prefecture_code),
    )


def _sorted(grouped: Mapping[RecordKind, list[str]]) -> dict[RecordKind, tuple[str, ...]]:
    return {kind: tuple(sorted(keys)) for kind, keys in sorted(grouped.items())}
