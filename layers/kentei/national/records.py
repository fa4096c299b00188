"""Our records as the national system's records (R16, issue 12): from a records-table item, in
DynamoDB JSON as the table's stream and ``GetItem`` give it, to a
:class:`~kentei.national.model.NationalRecord`. Pure: no I/O.

Synced items (``kentei.catalog.NATIONAL_SYNCED_PREFIXES``):

- ``EXAMINEE#<資格仮名ID>`` (:mod:`kentei.data.roster`): ``examinee`` (its record id
  ``<prefecture>-<資格仮名ID>``: :func:`examinee_record_id`), the person's items the
  contract names, taken one by one from the stored JSON. **Never the My Number**: an examinee
  item that holds one (it never should) is refused with :class:`MyNumberInItemError` and
  nothing of it travels;
- ``SITTING#<資格仮名ID>#<application id>``: ``sitting``, its summary;
- ``PASS#<資格仮名ID>#<record id>`` (:mod:`kentei.data.passes`): ``pass`` or ``part_pass`` by its
  kind (a past pass's id with the person's: :func:`pass_record_id`), ``revoked_on`` the day
  in Japan of ``revoked_at`` when revoked;
- ``CERTIFICATE#<certificate id>`` (:mod:`kentei.data.certificates`): ``certificate`` with its
  status.

Any other item is not synced (None). A removed item is a deleted record
(:func:`removed_record`). The version is the caller's: the change's stream sequence number.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError

from kentei.national.model import NationalRecord, RecordKind

EXAMINEE_PREFIX: Final = "EXAMINEE#"
SITTING_PREFIX: Final = "SITTING#"
PASS_PREFIX: Final = "PASS#"  # noqa: S105 (not a secret)
CERTIFICATE_PREFIX: Final = "CERTIFICATE#"
HISTORICAL_PASS_PREFIX: Final = "H-"  # noqa: S105 (not a secret)
"""A past pass's own record id starts so (``kentei.results.historical.matching.RECORD_PREFIX``,
repeated here to keep the outbox's imports small; a test keeps the two equal)."""
JST: Final = dt.timezone(dt.timedelta(hours=9), "JST")
EXAMINEE_ITEMS: Final = (
    "name",
    "name_kana",
    "birth_date",
    "sex",
    "postal_code",
    "address",
    "address_line2",
    "phone",
)
"""What of the examinee travels (``ExamineeData``): these and nothing else."""

Item = Mapping[str, Any]
"""A records-table item in DynamoDB JSON (``{"name": {"S": "..."}}``)."""


class MyNumberInItemError(ValueError):
    """An examinee item holds a My Number (invariant 1 broken): it is not synced. The text
    names the item's kind only."""


class UnsyncableItemError(ValueError):
    """A synced item lacks what its record needs. The text names the attribute, not a value."""


@dataclass(frozen=True)
class SyncedKey:
    """Which national record an item is: its kind, id, person and prefecture."""

    kind: RecordKind
    record_id: str
    qualification_pseudonym_id: str
    prefecture_code: str

    @property
    def item_key(self) -> str:
        """The item's ``record_key`` in the records table."""
        return item_key(self.kind, self.qualification_pseudonym_id, self.record_id)


def examinee_record_id(prefecture_code: str, qualification_pseudonym_id: str) -> str:
    """An examinee record's id: the prefecture and the 資格仮名ID (``13-<id>``). A person may be
    an examinee of several prefectures, each holding its own items: the national side keeps one
    record of each, never one overwriting another."""
    return f"{prefecture_code}-{qualification_pseudonym_id}"


def pass_record_id(qualification_pseudonym_id: str, record_id: str) -> str:
    """A pass record's id: its own (an application id, unique) or, for a past pass
    (``H-<passer number>``, :data:`HISTORICAL_PASS_PREFIX`), that and the 資格仮名ID. A past
    pass relinked to another person keeps the first person's revoked record under the same own
    id: the national side keeps both, each person's."""
    if record_id.startswith(HISTORICAL_PASS_PREFIX):
        return f"{record_id}-{qualification_pseudonym_id}"
    return record_id


def item_key(kind: RecordKind, qualification_pseudonym_id: str, record_id: str) -> str:
    """Where the record of ``kind`` lives in its prefecture's partition."""
    if kind is RecordKind.EXAMINEE:
        return EXAMINEE_PREFIX + qualification_pseudonym_id
    if kind is RecordKind.SITTING:
        return f"{SITTING_PREFIX}{qualification_pseudonym_id}#{record_id}"
    if kind in (RecordKind.PASS, RecordKind.PART_PASS):
        own = record_id.removesuffix(f"-{qualification_pseudonym_id}")
        if not own.startswith(HISTORICAL_PASS_PREFIX):
            own = record_id
        return f"{PASS_PREFIX}{qualification_pseudonym_id}#{own}"
    return CERTIFICATE_PREFIX + record_id


def synced_key(item: Item) -> SyncedKey | None:
    """The record ``item`` is, or None for an item that is not synced."""
    record_key = _string(item, "record_key")
    prefecture = _string(item, "prefecture_code")
    if record_key.startswith(EXAMINEE_PREFIX):
        pseudonym = record_key.removeprefix(EXAMINEE_PREFIX)
        record_id = examinee_record_id(prefecture, pseudonym)
        return SyncedKey(RecordKind.EXAMINEE, record_id, pseudonym, prefecture)
    if record_key.startswith(SITTING_PREFIX):
        pseudonym, _, application_id = record_key.removeprefix(SITTING_PREFIX).partition("#")
        return SyncedKey(RecordKind.SITTING, application_id, pseudonym, prefecture)
    if record_key.startswith(PASS_PREFIX):
        pseudonym, _, own = record_key.removeprefix(PASS_PREFIX).partition("#")
        record_id = pass_record_id(pseudonym, own)
        kind = RecordKind(_string(item, "kind")) if "kind" in item else RecordKind.PASS
        if kind not in (RecordKind.PASS, RecordKind.PART_PASS):
            raise UnsyncableItemError("a pass item's kind is neither pass nor part_pass")
        return SyncedKey(kind, record_id, pseudonym, prefecture)
    if record_key.startswith(CERTIFICATE_PREFIX):
        certificate_id = record_key.removeprefix(CERTIFICATE_PREFIX)
        pseudonym = _string(item, "qualification_pseudonym_id")
        return SyncedKey(RecordKind.CERTIFICATE, certificate_id, pseudonym, prefecture)
    return None


def national_record(item: Item, version: int) -> NationalRecord | None:
    """``item`` as the national record of ``version`` (None: not a synced item)."""
    key = synced_key(item)
    if key is None:
        return None
    if key.kind is RecordKind.EXAMINEE:
        data = _examinee(item)
    elif key.kind is RecordKind.SITTING:
        data = _sitting(item)
    elif key.kind is RecordKind.CERTIFICATE:
        data = _certificate(item)
    else:
        data = _pass(item)
    try:
        return NationalRecord(
            kind=key.kind,
            record_id=key.record_id,
            qualification_pseudonym_id=key.qualification_pseudonym_id,
            prefecture_code=key.prefecture_code,
            version=version,
            data=data,
        )
    except ValidationError as exc:
        # The error's text would quote the values (personal data): only where, and why.
        # A kind's data refusal (a value_error) says where inside the data, never the value.
        where = ", ".join(
            e["msg"].removeprefix("Value error, ")
            if e["type"] == "value_error"
            else ".".join(str(p) for p in e["loc"]) or e["type"]
            for e in exc.errors(include_input=False, include_url=False)
        )
        raise UnsyncableItemError(f"the {key.kind} item is not a valid record: {where}") from None


def removed_record(key: SyncedKey, version: int) -> NationalRecord:
    """The record once its item is gone: deleted, without data."""
    return NationalRecord(
        kind=key.kind,
        record_id=key.record_id,
        qualification_pseudonym_id=key.qualification_pseudonym_id,
        prefecture_code=key.prefecture_code,
        version=version,
        deleted=True,
    )


def _examinee(item: Item) -> dict[str, Any]:
    stored = _json(item, "examinee")
    if stored.get("my_number") is not None or stored.get("個人番号") is not None:
        raise MyNumberInItemError("an examinee item holds a My Number: not synced")
    return {name: stored[name] for name in EXAMINEE_ITEMS if stored.get(name) is not None}


def _sitting(item: Item) -> dict[str, Any]:
    sitting = _json(item, "sitting")
    exam_round = sitting.get("exam_round") or {}
    return {
        "fiscal_year": exam_round.get("fiscal_year"),
        "term": exam_round.get("term"),
        "trade_code": sitting.get("trade_code"),
        "work_code": sitting.get("work_code"),
        "grade": sitting.get("grade"),
        "exam_number": sitting.get("exam_number"),
        "parts": sitting.get("parts"),
        "status": item["status"]["S"] if "status" in item else sitting.get("status"),
    }


def _pass(item: Item) -> dict[str, Any]:
    record = _json(item, "record")
    exam_round = record.get("exam_round") or {}
    revoked_at = item.get("revoked_at", {}).get("S")
    return {
        "application_id": record.get("record_id"),
        "fiscal_year": exam_round.get("fiscal_year"),
        "term": exam_round.get("term"),
        "trade_code": record.get("trade_code"),
        "work_code": record.get("work_code"),
        "grade": record.get("grade"),
        "parts": record.get("parts"),
        "passed_on": record.get("passed_on"),
        "passer_number": record.get("passer_number"),
        "certificate_number": record.get("certificate_number"),
        "notice_number": record.get("notice_number"),
        "revoked_on": None if revoked_at is None else _day_in_japan(revoked_at),
    }


def _certificate(item: Item) -> dict[str, Any]:
    record = _json(item, "certificate")
    return {
        "application_id": record.get("application_id"),
        "certificate_number": record.get("certificate_number"),
        "kind": record.get("kind"),
        "language": record.get("language"),
        "status": item["status"]["S"] if "status" in item else record.get("status"),
        "issued_at": record.get("issued_at"),
        "reissue_of": record.get("reissue_of"),
        "superseded_by": record.get("superseded_by"),
    }


def _day_in_japan(instant: str) -> str:
    at = dt.datetime.fromisoformat(instant.replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise UnsyncableItemError("revoked_at has no time zone")
    return at.astimezone(JST).date().isoformat()


def _string(item: Item, name: str) -> str:
    value = item.get(name)
    if not isinstance(value, Mapping) or not isinstance(value.get("S"), str):
        raise UnsyncableItemError(f"the item has no string {name}")
    text: str = value["S"]
    return text


def _json(item: Item, name: str) -> dict[str, Any]:
    try:
        loaded = json.loads(_string(item, name))
    except json.JSONDecodeError:
        raise UnsyncableItemError(f"the item's {name} is not JSON") from None
    if not isinstance(loaded, dict):
        raise UnsyncableItemError(f"the item's {name} is not a JSON object")
    return loaded
