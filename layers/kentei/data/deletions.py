"""Deletions from the roster (R10) in the records table, under the prefecture.

One ``TransactWriteItems`` (with its audit entries, :meth:`kentei.data.audit.AuditTrail.transact`):

- the sitting ``SITTING#<資格仮名ID>#<application id>``: ``sitting`` rewritten with status
  ``deleted`` and no sessions, ``status`` ``deleted``, every ``session_<part>`` removed, on
  condition that it is still registered and seated where it was read;
- each seat released: the session's ``seats`` one down (``seats > 0``), the ``SEAT#<session
  id>#<application id>`` item deleted (it must exist);
- ``DELETION#<application id>``: the deletion record (:class:`kentei.roster.deletion.
  DeletionRecord` as JSON, ids and codes only), put if absent: a sitting is deleted once;
- when the person has no other registered sitting here: the examinee ``EXAMINEE#<資格仮名ID>``
  (their items) deleted, on condition that it is unchanged since read (an acceptance meanwhile
  moves ``updated_at``, and the deletion is tried again, keeping the examinee).

Kept: the exam number's claim ``EXAMNUMBER#`` (numbers are never reused), the sitting item
(ids and exam facts only) and the vault's entry (not this table's; other prefectures and
records may need the person). A transaction cancelled by a concurrent change is read again
and tried again (:data:`ATTEMPTS`).

The ticket is voided afterwards, by certify (the ``ticket_void`` message):
:meth:`TicketVoids.void` marks the sitting's current ``TICKET#`` item void, conditionally.
:func:`delete_sitting` does both halves for a caller that is not intake (the registry
re-check), which then needs the records table's and the certify queue's grants.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei import aws, settings
from kentei.data import queues
from kentei.data.audit import AuditEvent
from kentei.data.partition import PrefecturePartition, instant
from kentei.data.roster import SITTING_PREFIX, examinee_key, sitting_key
from kentei.data.sessions import SEAT_ATTRIBUTE_PREFIX, seat_key, session_key
from kentei.data.tickets import TICKET_PREFIX, TicketChangedError, TicketRecord
from kentei.data.transactions import cancellation_codes
from kentei.messages import TicketVoid
from kentei.retention.kinds import RecordKind
from kentei.roster.deletion import (
    DeletionConflictError,
    DeletionReason,
    DeletionRecord,
    DeletionSource,
    SittingAlreadyDeletedError,
    SittingNotOnRosterError,
    deleted_sitting,
    deletion_record,
)
from kentei.roster.sitting import Sitting, SittingStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

DELETION_PREFIX: Final = "DELETION#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {DELETION_PREFIX: RecordKind.DELETION_RECORD}
"""The retention kind of each item this module writes, by its key prefix."""
VOID: Final = "void"
ATTEMPTS: Final = 5
"""A deletion cancelled by a concurrent change (a seat moved, the person accepted again) is
read again and tried again, this many times in all."""


def deletion_key(application_id: str) -> str:
    return DELETION_PREFIX + application_id


@dataclass(frozen=True)
class _Read:
    """What the deletion read before writing: the sitting item, and the examinee's
    ``updated_at`` when the person has no other registered sitting (None otherwise)."""

    sitting: Sitting
    seats: dict[str, str]
    """``session_<part>`` attribute → session id."""
    examinee_seen: str | None


class PrefectureDeletions(PrefecturePartition):
    """One prefecture's deletions: every read and write stays in its partition."""

    def delete_sitting(
        self,
        qualification_pseudonym_id: str,
        application_id: str,
        reason: DeletionReason,
        *,
        source: DeletionSource,
        by: str,
        at: datetime,
        audit: Sequence[AuditEvent] = (),
    ) -> DeletionRecord:
        """Delete the sitting (see the module), with the ``audit`` events, in one transaction.

        :class:`SittingNotOnRosterError` when there is no such sitting here,
        :class:`SittingAlreadyDeletedError` (with the record) when it was deleted before,
        :class:`DeletionConflictError` when concurrent changes kept cancelling it."""
        for event in audit:
            if event.prefecture_code != self.prefecture_code:
                raise ValueError("an audit event of another prefecture")
        for attempt in range(ATTEMPTS):
            read = self._read(qualification_pseudonym_id, application_id)
            record = deletion_record(
                read.sitting,
                reason,
                source=source,
                by=by,
                at=at,
                seats_released=tuple(read.seats.values()),
                examinee_deleted=read.examinee_seen is not None,
            )
            writes = self._writes(read, record, at)
            try:
                self._write_audited(writes, audit)
            except ClientError as exc:
                if cancellation_codes(exc) is None:
                    raise
                time.sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311 - jitter
                continue
            return record
        raise DeletionConflictError("the sitting kept changing while it was deleted")

    def record(self, application_id: str) -> DeletionRecord | None:
        item = self._get(deletion_key(application_id))
        return None if item is None else DeletionRecord.model_validate_json(item["deletion"]["S"])

    def records(self) -> list[DeletionRecord]:
        """Every deletion of the prefecture, newest first."""
        found = [
            DeletionRecord.model_validate_json(item["deletion"]["S"])
            for item in self._query(DELETION_PREFIX)
        ]
        return sorted(found, key=lambda r: (r.deleted_at, r.application_id), reverse=True)

    # Plumbing

    def _read(self, qualification_pseudonym_id: str, application_id: str) -> _Read:
        item = self._get(sitting_key(qualification_pseudonym_id, application_id))
        if item is None:
            raise SittingNotOnRosterError("no such sitting on this prefecture's roster")
        sitting = Sitting.model_validate_json(item["sitting"]["S"])
        if item["status"]["S"] != SittingStatus.REGISTERED.value:
            raise SittingAlreadyDeletedError(self.record(application_id))
        seats = {
            name: value["S"]
            for name, value in item.items()
            if name.startswith(SEAT_ATTRIBUTE_PREFIX)
        }
        others = [
            other
            for other in self._query(f"{SITTING_PREFIX}{qualification_pseudonym_id}#")
            if other["application_id"]["S"] != application_id
            and other["status"]["S"] == SittingStatus.REGISTERED.value
        ]
        examinee_seen: str | None = None
        if not others:
            examinee = self._get(examinee_key(qualification_pseudonym_id))
            if examinee is not None:
                examinee_seen = examinee["updated_at"]["S"]
        return _Read(sitting, seats, examinee_seen)

    def _writes(
        self, read: _Read, record: DeletionRecord, at: datetime
    ) -> list[TransactWriteItemTypeDef]:
        sitting = read.sitting
        pseudonym = sitting.qualification_pseudonym_id
        names = {"#status": "status", "#sitting": "sitting"}
        values: dict[str, Any] = {
            ":deleted": {"S": SittingStatus.DELETED.value},
            ":registered": {"S": SittingStatus.REGISTERED.value},
            ":json": {"S": deleted_sitting(sitting).model_dump_json()},
            ":at": {"S": instant(at)},
        }
        conditions = ["#status = :registered"]
        removes: list[str] = []
        for n, (attribute, session_id) in enumerate(sorted(read.seats.items())):
            names[f"#seat{n}"] = attribute
            values[f":seat{n}"] = {"S": session_id}
            conditions.append(f"#seat{n} = :seat{n}")
            removes.append(f"#seat{n}")
        update = "SET #sitting = :json, #status = :deleted, deleted_at = :at"
        if removes:
            update += " REMOVE " + ", ".join(removes)
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(sitting_key(pseudonym, sitting.application_id)),
                    "UpdateExpression": update,
                    "ConditionExpression": " AND ".join(conditions),
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            }
        ]
        for session_id in sorted(set(read.seats.values())):
            writes.extend(self._release(sitting, session_id))
        writes.append(
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **self._key(deletion_key(sitting.application_id)),
                        "item_type": {"S": "deletion"},
                        "application_id": {"S": sitting.application_id},
                        "deleted_at": {"S": instant(at)},
                        "deletion": {"S": record.model_dump_json()},
                    },
                    "ConditionExpression": "attribute_not_exists(record_key)",
                }
            }
        )
        if read.examinee_seen is not None:
            writes.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": self._key(examinee_key(pseudonym)),
                        "ConditionExpression": "updated_at = :seen",
                        "ExpressionAttributeValues": {":seen": {"S": read.examinee_seen}},
                    }
                }
            )
        return writes

    def _release(self, sitting: Sitting, session_id: str) -> list[TransactWriteItemTypeDef]:
        return [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(session_key(sitting.exam_round.key, session_id)),
                    "UpdateExpression": "ADD seats :minus",
                    "ConditionExpression": "attribute_exists(record_key) AND seats > :zero",
                    "ExpressionAttributeValues": {":minus": {"N": "-1"}, ":zero": {"N": "0"}},
                }
            },
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": self._key(seat_key(session_id, sitting.application_id)),
                    "ConditionExpression": "attribute_exists(record_key)",
                }
            },
        ]


@dataclass(frozen=True)
class VoidedTicket:
    record: TicketRecord
    """The ticket, status ``void``."""
    voided_at: datetime
    """When it was voided (the first time): a void notice sent again carries the same."""
    new: bool
    """Whether this call voided it (False: void already)."""


class TicketVoids:
    """The void of a deleted sitting's ticket (certify): ``TICKET#<application id>``'s
    ``status`` ``void`` and ``voided_at`` set, on condition that it is still the ticket read
    and not void already."""

    def __init__(
        self,
        prefecture_code: str,
        table: str | None = None,
        client: DynamoDBClient | None = None,
    ) -> None:
        self.prefecture_code = prefecture_code
        self._table = table or settings.table_name("records")
        self._client = client

    @property
    def _dynamodb(self) -> DynamoDBClient:
        return self._client or aws.dynamodb()

    def void(self, application_id: str, at: datetime) -> VoidedTicket | None:
        """The sitting's ticket, void (None when it has none). A ticket re-issued meanwhile
        is :class:`~kentei.data.tickets.TicketChangedError` (the message is retried)."""
        item = self._item(application_id)
        if item is None:
            return None
        current = _ticket(item)
        if current.status == VOID:
            return VoidedTicket(current, datetime.fromisoformat(item["voided_at"]["S"]), False)
        voided_at = at.astimezone(UTC)
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key=self._key(application_id),
                UpdateExpression="SET #status = :void, voided_at = :at",
                ConditionExpression="ticket_id = :t AND #status <> :void",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":void": {"S": VOID},
                    ":at": {"S": voided_at.isoformat()},
                    ":t": {"S": current.ticket_id},
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            again = self._item(application_id)
            if again is not None and again["status"]["S"] == VOID:
                return VoidedTicket(
                    _ticket(again), datetime.fromisoformat(again["voided_at"]["S"]), False
                )
            raise TicketChangedError("the sitting's ticket changed while it was voided") from None
        return VoidedTicket(replace(current, status=VOID), voided_at, True)

    def _item(self, application_id: str) -> dict[str, Any] | None:
        item = self._dynamodb.get_item(
            TableName=self._table, Key=self._key(application_id), ConsistentRead=True
        ).get("Item")
        return dict(item) if item is not None else None

    def _key(self, application_id: str) -> dict[str, Any]:
        return {
            "prefecture_code": {"S": self.prefecture_code},
            "record_key": {"S": TICKET_PREFIX + application_id},
        }


def _ticket(item: dict[str, Any]) -> TicketRecord:
    """A ``TICKET#`` item as :mod:`kentei.data.tickets` reads it."""
    return TicketRecord(
        application_id=item["application_id"]["S"],
        ticket_id=item["ticket_id"]["S"],
        status=item["status"]["S"],
        object_key=item["object_key"]["S"],
        sha256=item["sha256"]["S"],
        issued_at=datetime.fromisoformat(item["issued_at"]["S"]),
        superseded=tuple(v["S"] for v in item.get("superseded", {}).get("L", [])),
    )


def delete_sitting(
    prefecture_code: str,
    qualification_pseudonym_id: str,
    application_id: str,
    reason: DeletionReason,
    *,
    source: DeletionSource,
    by: str,
    at: datetime,
    audit: Sequence[AuditEvent] = (),
) -> DeletionRecord:
    """Delete a sitting and ask certify to void its ticket (``ticket_void``): for callers
    other than intake, e.g. the registry re-check (``source=DeletionSource.REGISTRY_RECHECK``,
    ``by`` its job's id). A sitting deleted before raises
    :class:`~kentei.roster.deletion.SittingAlreadyDeletedError`; the ticket's void is asked
    again then, so a caller that failed between the two halves can simply call again."""
    void = TicketVoid(application_id=application_id, prefecture_code=prefecture_code)
    try:
        record = PrefectureDeletions(prefecture_code).delete_sitting(
            qualification_pseudonym_id,
            application_id,
            reason,
            source=source,
            by=by,
            at=at,
            audit=audit,
        )
    except SittingAlreadyDeletedError:
        queues.send("certify", void)
        raise
    queues.send("certify", void)
    return record
