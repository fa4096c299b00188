"""The issuer's status lists and their index claims, in the records table (issue 11).

Status lists are the issuer's, not a prefecture's: they live in the partition
:data:`CREDENTIALS_PARTITION` of ``records`` (:class:`StatusLists`):

- ``STATUS_LIST_CURRENT``: the number of the list that takes new certificates.
- ``STATUS_LIST#<list number>``: the list's entries, the indices given (``used``), its
  message bitstring (binary, zlib; the revocation bits follow from it) and the days its
  entries changed (JSON), a ``version`` for optimistic writes and the ``published_version``
  last published, with the ``signed_kid`` and the instant ``signed_at`` (RFC 3339, UTC,
  microseconds: it sorts as it reads) of that publication's signature, so the daily re-signing
  knows a list signed by a retired key, or not since its instant, without reading S3
  (:meth:`StatusLists.mark_signed`). Flipping an entry (revocation, reissue) writes a new
  version (:meth:`StatusLists.set_status`, conditional on the version read).
- ``STATUS_INDEX#<list number>#<index>``: the claim of one index, naming the certificate it
  was drawn for; a second claim of the same index fails its condition, so an index is never
  given twice (:class:`DynamoStatusIndexAllocator`, the port
  :class:`kentei.credentials.allocator.StatusIndexAllocator`).

Ids and bits only.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei import aws, settings
from kentei.credentials.allocator import FILL_LIMIT, MAX_DRAWS, AllocationError, draw_index
from kentei.credentials.bitstring import MIN_ENTRIES, Bitstring
from kentei.credentials.status import (
    MESSAGE_STATUS_SIZE,
    CertificateStatus,
    StatusList,
    StatusSlot,
)
from kentei.data.transactions import cancellation_codes
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

CREDENTIALS_PARTITION: Final = "CREDENTIALS"
CURRENT_LIST_KEY: Final = "STATUS_LIST_CURRENT"
LIST_PREFIX: Final = "STATUS_LIST#"
INDEX_PREFIX: Final = "STATUS_INDEX#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {
    CURRENT_LIST_KEY: RecordKind.ISSUER_RECORD,
    LIST_PREFIX: RecordKind.ISSUER_RECORD,
    INDEX_PREFIX: RecordKind.ISSUER_RECORD,
}
"""The retention kind of each item this module writes, by its key prefix."""
MAX_LIST_MOVES: Final = 8
MAX_STATUS_WRITES: Final = 8
"""How often :meth:`StatusLists.set_status` reads again when another writer changed the list
between its read and its write."""


class StatusListMissingError(LookupError):
    """The list a certificate's status place names does not exist."""


class StatusListBusyError(RuntimeError):
    """The list kept changing under :meth:`StatusLists.set_status` (the message is retried)."""


@dataclass(frozen=True)
class StoredStatusList:
    """A status list as stored: its statuses, its version and the version last published
    (with the key and instant that signed it, when recorded)."""

    statuses: StatusList
    used: int
    version: int
    published_version: int | None
    signed_kid: str | None = None
    signed_at: dt.datetime | None = None


def signing_instant(at: dt.datetime) -> str:
    """``at`` as ``signed_at`` is stored: UTC, to the microsecond, so strings sort as instants."""
    if at.tzinfo is None:
        raise ValueError("a signing instant has its zone")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class StatusLists:
    """The issuer's status lists and their index claims (partition
    :data:`CREDENTIALS_PARTITION` of the records table)."""

    def __init__(
        self,
        table: str | None = None,
        *,
        entries: int = MIN_ENTRIES,
        client: DynamoDBClient | None = None,
    ) -> None:
        self._table_name = table
        self.entries = entries
        self._client = client

    @property
    def _table(self) -> str:
        return self._table_name or settings.table_name("records")

    @property
    def _dynamodb(self) -> DynamoDBClient:
        return self._client or aws.dynamodb()

    @staticmethod
    def _key(record_key: str) -> dict[str, Any]:
        return {"prefecture_code": {"S": CREDENTIALS_PARTITION}, "record_key": {"S": record_key}}

    def _get(self, record_key: str) -> dict[str, Any] | None:
        item = self._dynamodb.get_item(
            TableName=self._table, Key=self._key(record_key), ConsistentRead=True
        ).get("Item")
        return None if item is None else dict(item)

    def current(self) -> int:
        """The number of the list that takes new certificates (1 before any)."""
        item = self._get(CURRENT_LIST_KEY)
        return 1 if item is None else int(item["list_number"]["N"])

    def status_list(self, list_number: int) -> StoredStatusList | None:
        item = self._get(f"{LIST_PREFIX}{list_number}")
        if item is None:
            return None
        entries = int(item["entries"]["N"])
        statuses = StatusList(list_number, entries)
        statuses.message = Bitstring.from_bytes(
            zlib.decompress(item["bits"]["B"]), MESSAGE_STATUS_SIZE
        )
        changed = json.loads(item["changed_on"]["S"])
        statuses.changed_on = {int(i): dt.date.fromisoformat(d) for i, d in changed.items()}
        for index in statuses.changed_on:
            if statuses.message.get(index):
                statuses.revocation.set(index, 1)
        published = item.get("published_version")
        kid = item.get("signed_kid")
        signed_at = item.get("signed_at")
        return StoredStatusList(
            statuses,
            int(item["used"]["N"]),
            int(item["version"]["N"]),
            None if published is None else int(published["N"]),
            None if kid is None else kid["S"],
            None if signed_at is None else dt.datetime.fromisoformat(signed_at["S"]),
        )

    def set_status(self, slot: StatusSlot, status: CertificateStatus, on: dt.date) -> bool:
        """Set the entry at ``slot`` to ``status`` as of ``on`` in a new version of its list;
        False when it had that status already (nothing written). Conditional on the version
        read, read again when another writer came between;
        :class:`~kentei.credentials.status.StatusTransitionError` for a change the statuses
        do not allow (a revoked entry never changes)."""
        key = f"{LIST_PREFIX}{slot.list_number}"
        for _ in range(MAX_STATUS_WRITES):
            stored = self.status_list(slot.list_number)
            if stored is None:
                raise StatusListMissingError(f"no status list {slot.list_number}")
            if not stored.statuses.change(slot.index, status, on):
                return False
            changed = {str(i): d.isoformat() for i, d in sorted(stored.statuses.changed_on.items())}
            try:
                self._dynamodb.update_item(
                    TableName=self._table,
                    Key=self._key(key),
                    UpdateExpression="SET bits = :b, changed_on = :c, version = :next",
                    ConditionExpression="version = :read",
                    ExpressionAttributeValues={
                        ":b": {"B": zlib.compress(stored.statuses.message.to_bytes(), 9)},
                        ":c": {"S": json.dumps(changed, separators=(",", ":"))},
                        ":next": {"N": str(stored.version + 1)},
                        ":read": {"N": str(stored.version)},
                    },
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                continue
            return True
        raise StatusListBusyError(f"status list {slot.list_number} kept changing")

    def list_numbers(self) -> list[int]:
        """The number of every list that exists, in order (keys only are read)."""
        numbers: list[int] = []
        for page in self._dynamodb.get_paginator("query").paginate(
            TableName=self._table,
            KeyConditionExpression="prefecture_code = :p AND begins_with(record_key, :l)",
            ExpressionAttributeValues={
                ":p": {"S": CREDENTIALS_PARTITION},
                ":l": {"S": LIST_PREFIX},
            },
            ProjectionExpression="record_key",
            ConsistentRead=True,
        ):
            numbers += [int(i["record_key"]["S"].removeprefix(LIST_PREFIX)) for i in page["Items"]]
        return sorted(numbers)

    def mark_signed(
        self, list_number: int, version: int, *, kid: str, signed_at: dt.datetime
    ) -> bool:
        """Record that ``version`` of the list is published, signed by ``kid`` at
        ``signed_at``; False (and nothing written) when a later version or a later signature
        is already recorded: neither ever goes back."""
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key=self._key(f"{LIST_PREFIX}{list_number}"),
                UpdateExpression="SET published_version = :v, signed_kid = :k, signed_at = :t",
                ConditionExpression=(
                    "attribute_exists(record_key) AND version >= :v AND "
                    "(attribute_not_exists(published_version) OR published_version <= :v) AND "
                    "(attribute_not_exists(signed_at) OR signed_at <= :t)"
                ),
                ExpressionAttributeValues={
                    ":v": {"N": str(version)},
                    ":k": {"S": kid},
                    ":t": {"S": signing_instant(signed_at)},
                },
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def create(self, list_number: int) -> bool:
        """Make list ``list_number`` with every entry valid; False if it exists."""
        empty = StatusList(list_number, self.entries)
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    **self._key(f"{LIST_PREFIX}{list_number}"),
                    "entries": {"N": str(self.entries)},
                    "used": {"N": "0"},
                    "version": {"N": "1"},
                    "bits": {"B": zlib.compress(empty.message.to_bytes(), 9)},
                    "changed_on": {"S": "{}"},
                },
                ConditionExpression="attribute_not_exists(record_key)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def claimed_by(self, slot: StatusSlot) -> str | None:
        item = self._get(f"{INDEX_PREFIX}{slot.list_number}#{slot.index}")
        return None if item is None else item["certificate_id"]["S"]

    def advance(self, from_number: int) -> None:
        """Open list ``from_number + 1`` unless another writer did."""
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={**self._key(CURRENT_LIST_KEY), "list_number": {"N": str(from_number + 1)}},
                ConditionExpression="attribute_not_exists(record_key) OR list_number = :n",
                ExpressionAttributeValues={":n": {"N": str(from_number)}},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def claim(self, slot: StatusSlot, capacity: int, claimed_for: str) -> str | None:
        """Claim ``slot`` and count it in its list, in one transaction: None if claimed,
        else why not (``taken``: the index is someone's; ``full``: the list is)."""
        try:
            self._dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": {
                                **self._key(f"{INDEX_PREFIX}{slot.list_number}#{slot.index}"),
                                "certificate_id": {"S": claimed_for},
                            },
                            "ConditionExpression": "attribute_not_exists(record_key)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": self._key(f"{LIST_PREFIX}{slot.list_number}"),
                            "UpdateExpression": "ADD used :one",
                            "ConditionExpression": "attribute_exists(record_key) AND used < :cap",
                            "ExpressionAttributeValues": {
                                ":one": {"N": "1"},
                                ":cap": {"N": str(capacity)},
                            },
                        }
                    },
                ]
            )
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if codes is None:
                raise
            return "taken" if codes[0] == "ConditionalCheckFailed" else "full"
        return None


class DynamoStatusIndexAllocator:
    """:class:`kentei.credentials.allocator.StatusIndexAllocator` over :class:`StatusLists`:
    a random index of the current list, claimed with a conditional write; a collision draws
    again, a full list (:data:`~kentei.credentials.allocator.FILL_LIMIT`) opens the next.
    ``created`` lists the list numbers this allocator made (they need publishing)."""

    def __init__(
        self,
        lists: StatusLists,
        *,
        fill_limit: float = FILL_LIMIT,
        generator: secrets.SystemRandom | None = None,
    ) -> None:
        if not 0 < fill_limit <= FILL_LIMIT:
            raise ValueError(f"the fill limit is at most {FILL_LIMIT}")
        self._lists = lists
        self._capacity = max(1, int(lists.entries * fill_limit))
        self._generator = generator or secrets.SystemRandom()
        self.created: list[int] = []

    def allocate(self, claimed_for: str = "") -> StatusSlot:
        for _ in range(MAX_LIST_MOVES):
            number = self._lists.current()
            stored = self._lists.status_list(number)
            if stored is None:
                if self._lists.create(number):
                    self.created.append(number)
                stored = self._lists.status_list(number)
                assert stored is not None
            if stored.used >= self._capacity:
                self._lists.advance(number)
                continue
            entries = stored.statuses.entries
            for _ in range(MAX_DRAWS):
                slot = StatusSlot(number, draw_index(entries, self._generator))
                refused = self._lists.claim(slot, self._capacity, claimed_for or "-")
                if refused is None:
                    return slot
                if refused == "full":
                    self._lists.advance(number)
                    break
            else:
                raise AllocationError(f"no free index found in list {number}")
        raise AllocationError("no list with free entries could be opened")
