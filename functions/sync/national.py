"""The outbox to the national qualifications system (R16, issue 12, push).

Two steps, both in sync:

1. **Stream → queue.** Every committed change of a synced item of the records table
   (``EXAMINEE#``, ``SITTING#``, ``PASS#``, ``CERTIFICATE#``) reaches sync through the table's
   stream (the event source mapping filters the other items out and keeps a shard's order).
   :func:`forward_changes` turns each into a ``national_record_due`` message (the record's
   key and the change's version, the stream sequence number; never the data) on the FIFO
   ``national`` queue, the 資格仮名ID as its message group: in order per person. A change that
   made an item another record (a correction turned a part pass into a pass at the same key)
   also removes the record it was (:func:`dues_of`), or the national side would keep both. It
   stops at the first change it cannot forward and reports it, so the mapping retries from
   there and nothing after it overtakes it.
2. **Queue → national side.** :func:`send_due` reads the item as it is now and puts it, as the
   message's version (deleted when the item is gone or is now another record), to the
   national system (:class:`kentei.national.port.NationalSystem`),
   unless that version is sent already or a newer change of the record follows in the same
   batch (superseded: that one sends the item as it is then). ``applied`` and ``stale`` both
   end the message, and the newest version acknowledged is kept (``NATIONAL_SENT#``, for
   reconciliation). A throttled or unreachable national side raises: the message is retried
   after its visibility timeout, its group waiting behind it. A record the national side
   refuses goes to the queue's DLQ at once with the error (an operator redrives it once
   fixed) and its group goes on.

The record's data is read at send time, so a message never holds personal data, and a record
changed twice before its first message is sent goes out as it is now, once per version.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from kentei.data.national_sync import SentMark
from kentei.messages import NationalRecordDue
from kentei.national.model import NationalRecord, RecordKind
from kentei.national.port import NationalRefusedError
from kentei.national.records import (
    MyNumberInItemError,
    SyncedKey,
    UnsyncableItemError,
    item_key,
    national_record,
    removed_record,
    synced_key,
)
from sync.national_ports import NationalPorts


class Outcome(StrEnum):
    APPLIED = "applied"
    STALE = "stale"
    ALREADY_SENT = "already_sent"
    """This version or a newer one was acknowledged before (a redelivered message)."""
    SUPERSEDED = "superseded"
    """A newer change of the record follows in the batch: it sends the record instead."""
    SUSPENDED = "suspended"
    """The person's use of their data is suspended (利用停止): not provided to the national
    side; reconciliation sends it once the suspension is lifted."""
    REFUSED = "refused"
    """The national side refused the record: set aside in the DLQ with the error."""


def due_of(stream_record: Mapping[str, Any]) -> NationalRecordDue | None:
    """The message for one stream record (None: not a synced item). A changed item is mapped
    here too, so an item that cannot become a record (or holds a My Number) stops at the
    stream, where it is retried and then described on sync's DLQ, never forwarded."""
    change = stream_record["dynamodb"]
    version = int(change["SequenceNumber"])
    removed = stream_record.get("eventName") == "REMOVE"
    image = change.get("OldImage") if removed else change.get("NewImage")
    if image is None:
        raise ValueError("the stream record has no image (the stream must be NEW_AND_OLD_IMAGES)")
    key = synced_key(image)
    if key is None:
        return None
    if not removed:
        national_record(image, version)  # raises if the item cannot travel
    return due_for(key, version, removed=removed)


def due_for(key: SyncedKey, version: int, *, removed: bool) -> NationalRecordDue:
    """The message that sends the record ``key`` names, as it is then, as ``version``."""
    return NationalRecordDue(
        prefecture_code=key.prefecture_code,
        record_kind=key.kind.value,
        record_id=key.record_id,
        qualification_pseudonym_id=key.qualification_pseudonym_id,
        version=version,
        removed=removed,
    )


def dues_of(stream_record: Mapping[str, Any]) -> list[NationalRecordDue]:
    """The messages for one stream record: its record's (:func:`due_of`) and, when a change
    made the item another record (a part pass corrected into a pass, or the reverse: the same
    key, another kind), first the removal of the record it was, so the national side does not
    keep it. Both carry the change's version, in the person's group."""
    message = due_of(stream_record)
    if message is None:
        return []
    old = stream_record["dynamodb"].get("OldImage")
    if stream_record.get("eventName") != "MODIFY" or old is None:
        return [message]
    was = synced_key(old)
    if was is None or (was.kind.value, was.record_id) == (message.record_kind, message.record_id):
        return [message]
    removal = NationalRecordDue(
        prefecture_code=was.prefecture_code,
        record_kind=was.kind.value,
        record_id=was.record_id,
        qualification_pseudonym_id=was.qualification_pseudonym_id,
        version=message.version,
        removed=True,
    )
    return [removal, message]


@dataclass(frozen=True)
class Forwarded:
    counts: dict[str, int]
    failed: str | None = None
    """The sequence number of the first record that failed (None: all forwarded)."""
    error: str | None = None
    """Why: the error's class, and its text when it is ours (names attributes, never
    values)."""


def forward_changes(records: Sequence[Mapping[str, Any]], ports: NationalPorts) -> Forwarded:
    """Forward each stream record's message in order, up to the first that fails. What follows
    a failure is left for the retry, which starts there."""
    counts = {"forwarded": 0, "not_synced": 0}
    for record in records:
        try:
            dues = dues_of(record)
            if not dues:
                counts["not_synced"] += 1
                continue
            for message in dues:  # a retry sends them again: the queue deduplicates
                ports.due.send(message)
        except Exception as exc:
            ours = isinstance(exc, UnsyncableItemError | MyNumberInItemError)
            error = f"{type(exc).__name__}: {exc}" if ours else type(exc).__name__
            return Forwarded(counts, record["dynamodb"]["SequenceNumber"], error)
        counts["forwarded"] += 1
    return Forwarded(counts)


def newest_in_batch(messages: list[NationalRecordDue]) -> dict[tuple[str, str], int]:
    """The newest version of each record among a batch's messages."""
    newest: dict[tuple[str, str], int] = {}
    for message in messages:
        key = (message.record_kind, message.record_id)
        newest[key] = max(newest.get(key, 0), message.version)
    return newest


def send_due(
    message: NationalRecordDue,
    ports: NationalPorts,
    clock: Callable[[], datetime],
    *,
    newest: int | None = None,
    suspended: Collection[str] = (),
) -> Outcome:
    """Send the record ``message`` names, as it is now, as the message's version. ``newest``:
    the newest version of the record in the message's batch, if known; ``suspended``: whose
    use is suspended in the message's prefecture (their records are not sent, a deletion
    excepted: it takes data away from the national side, as the suspension asks)."""
    if newest is not None and newest > message.version:
        return Outcome.SUPERSEDED
    items = ports.items(message.prefecture_code)
    sent = items.sent(message.record_kind, message.record_id)
    if sent is not None and sent.version >= message.version:
        return Outcome.ALREADY_SENT
    record = _current(message, items.item(_item_key(message)))
    if not record.deleted and message.qualification_pseudonym_id in suspended:
        return Outcome.SUSPENDED
    try:
        receipt = ports.system().put(record)
    except NationalRefusedError as exc:
        ports.refused.send(message, f"{type(exc).__name__}: {exc}")
        return Outcome.REFUSED
    items.mark_sent(
        SentMark(
            kind=message.record_kind,
            record_id=message.record_id,
            qualification_pseudonym_id=message.qualification_pseudonym_id,
            version=message.version,
            held_version=receipt.held_version,
            outcome=receipt.outcome,
            sent_at=clock(),
        )
    )
    return Outcome.APPLIED if receipt.outcome == "applied" else Outcome.STALE


def _item_key(message: NationalRecordDue) -> str:
    return item_key(
        RecordKind(message.record_kind), message.qualification_pseudonym_id, message.record_id
    )


def _current(message: NationalRecordDue, item: Mapping[str, Any] | None) -> NationalRecord:
    """The record as it is now: the item mapped, or deleted when it is gone or is now another
    record (a pass item whose kind a correction changed)."""
    if item is not None:
        record = national_record(item, message.version)
        if record is not None and record.key == (message.record_kind, message.record_id):
            return record
    key = SyncedKey(
        kind=RecordKind(message.record_kind),
        record_id=message.record_id,
        qualification_pseudonym_id=message.qualification_pseudonym_id,
        prefecture_code=message.prefecture_code,
    )
    return removed_record(key, message.version)
