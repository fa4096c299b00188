"""What a disclosure copy holds (開示の写し): everything a prefecture's partition of the records
table holds about one person, grouped by kind, with who accessed their records and when, and
their My Number only in the copy for the person themselves.

Pure: :func:`assemble` reads the partition's items as plain values
(:class:`kentei.retention.sweep.StoredItem`), the audit entries about the person
(:class:`AccessEntry`) and, for the person's own copy, the number verify read from the vault.

- **Whose item.** An item is the person's when it names them (its ``qualification_pseudonym_id``
  attribute or its JSON document's: :func:`kentei.retention.sweep.person_of`) or belongs to
  one of their applications (a ticket, an application's status index). An item of no one in
  particular that names the person (or one of their applications) is theirs too.
- **Nothing of anyone else.** An item that would go in the copy but also names another person
  of the partition (their 資格仮名ID or one of their applications: a notice batch, a deletion
  record, a run's list) is left out, and the copy says how many of which kind and why, never
  which: the office answers those parts on paper, cut to the person.
- **Never.** A disclosure's one-time passphrase (another request's, not yet picked up) is not
  copied; the partition and sort keys are the copy's own header.
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from kentei.person_requests.model import Requester
from kentei.retention.sweep import APPLICATION_PREFIX, TICKET_PREFIX, StoredItem, person_of

SCHEMA: Final = "kentei-disclosure"
SCHEMA_VERSION: Final = 1
NEVER_COPIED: Final = frozenset({"passphrase", "prefecture_code"})
"""Attributes no copy holds: a one-time passphrase, and the partition key (the header's)."""
AUDIT_SECTION: Final = "audit_trail"
MY_NUMBER_SECTION: Final = "my_number"
_INSTANT: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class AccessEntry:
    """An audit entry about the person: who (staff or function ids), when, what."""

    at: datetime
    actor: str
    action: str
    outcome: str
    record_type: str
    record_id: str
    user_id: str | None = None
    roles: tuple[str, ...] = ()
    actor_prefecture: str | None = None


@dataclass(frozen=True)
class Withheld:
    kind: str
    count: int
    why: str


@dataclass(frozen=True)
class Disclosure:
    """The assembled copy: its JSON document and what it counts (ids and counts only, for the
    request's record)."""

    document: dict[str, Any]
    counts: Mapping[str, int]
    withheld: tuple[Withheld, ...]

    def encoded(self) -> bytes:
        return json.dumps(self.document, ensure_ascii=False, indent=1, sort_keys=True).encode(
            "utf-8"
        )


_SHARED: Final = "names another person too"
_SEVERAL: Final = "concerns several persons (a batch or a list)"


def _application_of(item: StoredItem) -> str | None:
    named = item.attributes.get("application_id")
    if isinstance(named, str):
        return named
    for prefix in (APPLICATION_PREFIX, TICKET_PREFIX):
        if item.record_key.startswith(prefix):
            return item.record_key.removeprefix(prefix)
    return None


def _owners(items: Sequence[StoredItem]) -> list[str | None]:
    """Each item's person: its own, or its application's."""
    by_application: dict[str, str] = {}
    for item in items:
        application, person = _application_of(item), person_of(item)
        if application and person:
            by_application[application] = person
    owners: list[str | None] = []
    for item in items:
        application = _application_of(item)
        owners.append(person_of(item) or (by_application.get(application) if application else None))
    return owners


def _plain(value: Any) -> Any:  # noqa: PLR0911 (one return per stored type)
    """A stored value as JSON: numbers, sets sorted, bytes in base64, JSON documents parsed."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, (bytes, bytearray)):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _text(item: StoredItem) -> str:
    return item.record_key + "\n" + json.dumps(item.attributes, default=str, ensure_ascii=False)


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


def _instants(value: Any) -> Iterable[datetime]:
    if isinstance(value, str) and _INSTANT.match(value):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return
        if parsed.tzinfo is not None:
            yield parsed
    elif isinstance(value, Mapping):
        for inner in value.values():
            yield from _instants(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _instants(inner)


def earliest_instant(items: Iterable[StoredItem], person: str) -> datetime | None:
    """The earliest instant any item of the person's names: where their audit trail can
    start (an entry about a record comes after the record)."""
    included, _ = _select(list(items), person)
    found = [at for item in included for at in _instants(_plain(dict(item.attributes)))]
    return min(found, default=None)


def _select(items: Sequence[StoredItem], person: str) -> tuple[list[StoredItem], list[Withheld]]:
    owners = _owners(items)
    others = {owner for owner in owners if owner and owner != person}
    own_applications = set()
    for item, owner in zip(items, owners, strict=True):
        application = _application_of(item)
        if application is None:
            continue
        if owner == person:
            own_applications.add(application)
        elif owner:
            others.add(application)
    foreign = _pattern(others)
    mine = _pattern({person, *own_applications})
    included: list[StoredItem] = []
    left_out: Counter[tuple[str, str]] = Counter()
    for item, owner in zip(items, owners, strict=True):
        if owner not in (None, person):
            continue
        text = _text(item)
        if owner is None and (mine is None or not mine.search(text)):
            continue
        if foreign is not None and foreign.search(text):
            left_out[(item.kind.value, _SHARED if owner == person else _SEVERAL)] += 1
            continue
        included.append(item)
    withheld = [Withheld(kind, count, why) for (kind, why), count in sorted(left_out.items())]
    return included, withheld


def _entry(entry: AccessEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "user_id": entry.user_id,
        "roles": list(entry.roles),
        "actor_prefecture": entry.actor_prefecture,
        "action": entry.action,
        "outcome": entry.outcome,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
    }


def assemble(
    *,
    request_id: str,
    prefecture_code: str,
    person: str,
    requester: Requester,
    decision: str,
    generated_at: datetime,
    items: Iterable[StoredItem],
    access: Iterable[AccessEntry],
    my_number: str | None,
) -> Disclosure:
    """The copy of ``person``'s records in the prefecture. ``my_number`` goes in only when the
    copy is for the person (a representative's copy says it was left out)."""
    if requester is Requester.REPRESENTATIVE and my_number is not None:
        raise ValueError("a representative's copy never holds the My Number")
    included, withheld = _select(list(items), person)
    sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in sorted(included, key=lambda i: (i.kind.value, i.record_key)):
        data = {k: _plain(v) for k, v in item.attributes.items() if k not in NEVER_COPIED}
        data.pop("record_key", None)
        sections[item.kind.value].append({"record_key": item.record_key, "data": data})
    trail = sorted(access, key=lambda e: (e.at, e.action, e.record_id))
    if any(e.at.tzinfo is None for e in trail):
        raise ValueError("an access entry's instant must be aware")
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "request_id": request_id,
        "prefecture_code": prefecture_code,
        "qualification_pseudonym_id": person,
        "copy_for": requester.value,
        "decision": decision,
        "generated_at": generated_at.isoformat(),
        "sections": {
            **dict(sections),
            AUDIT_SECTION: [_entry(e) for e in trail],
        },
        "withheld": [{"kind": w.kind, "count": w.count, "why": w.why} for w in withheld],
    }
    if requester is Requester.PERSON:
        document["sections"][MY_NUMBER_SECTION] = {
            "held": my_number is not None,
            "my_number": my_number,
        }
    else:
        document["notes"] = ["the My Number is disclosed only in the copy for the person"]
    counts = {kind: len(entries) for kind, entries in sorted(sections.items())}
    counts[AUDIT_SECTION] = len(trail)
    return Disclosure(document, counts, tuple(withheld))
