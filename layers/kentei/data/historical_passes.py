"""Historical pass records (past passers, R17) in the records table, under the prefecture.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``HISTORICAL_PASS#<passer number>``: a past pass as the association holds it
  (:class:`kentei.results.historical.model.StoredHistoricalPass` as JSON: the record with the
  person's items, kept under the records key like the examinee, never the My Number), with
  ``status`` (``unlinked``, ``linked``, ``in_conflict``), ``passer_number`` and, once linked,
  ``qualification_pseudonym_id`` as attributes.

An import adds a record only where none is (``attribute_not_exists``), with its audit entry,
in one transaction: a record is never overwritten. A link writes, in one transaction, the
record ``linked`` (conditional on it being as read: not linked), the person's pass record
(``PASS#<資格仮名ID>#H-<number>``, :mod:`kentei.data.passes`) and the audit entry; a conflict
marks the record ``in_conflict`` with the failed checks and its audit entry. Staff's review
(:mod:`kentei.initial_registrations.review`) links or relinks a record (revoking another
person's pass record of it) or releases its conflict, with the registration's own write.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent, AuditTrail
from kentei.data.partition import PrefecturePartition, instant
from kentei.data.passes import PrefecturePasses
from kentei.data.transactions import cancellation_codes
from kentei.exemptions.model import PassRecord, PassRevocation
from kentei.results.historical.model import (
    HistoricalChangedError,
    HistoricalPass,
    HistoricalStatus,
    Link,
    StoredHistoricalPass,
)
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

__all__ = ["HISTORICAL_PREFIX", "HistoricalChangedError", "PrefectureHistoricalPasses"]

HISTORICAL_PREFIX: Final = "HISTORICAL_PASS#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {HISTORICAL_PREFIX: RecordKind.PASS}
"""The retention kind of each item this module writes, by its key prefix."""


def historical_key(passer_number: str) -> str:
    return HISTORICAL_PREFIX + passer_number


class PrefectureHistoricalPasses(PrefecturePartition):
    """One prefecture's historical pass records: every read and write in its partition."""

    def get(self, passer_number: str) -> StoredHistoricalPass | None:
        item = self._get(historical_key(passer_number))
        return None if item is None else _stored(item)

    def record(self, passer_number: str) -> HistoricalPass | None:
        """The record as imported (what an import compares a row with)."""
        stored = self.get(passer_number)
        return None if stored is None else stored.record

    def with_status(self, status: HistoricalStatus) -> Iterator[StoredHistoricalPass]:
        for item in self._query(
            HISTORICAL_PREFIX, "#s = :s", {":s": {"S": status.value}}, {"#s": "status"}
        ):
            yield _stored(item)

    def add(
        self, record: HistoricalPass, at: datetime, by: str, *, audit: Sequence[AuditEvent] = ()
    ) -> bool:
        """Store a new record (``unlinked``) with ``audit``; False, writing nothing, when the
        number is stored already (the caller compares the contents)."""
        self._own(record)
        stored = StoredHistoricalPass(
            record=record, status=HistoricalStatus.UNLINKED, imported_at=at, imported_by=by
        )
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(stored),
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }
        try:
            self._write([put], audit)
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if codes is None or codes[0] != "ConditionalCheckFailed":
                raise
            return False
        return True

    def link(
        self,
        current: StoredHistoricalPass,
        link: Link,
        pass_record: PassRecord,
        at: datetime,
        *,
        audit: Sequence[AuditEvent] = (),
        writes: Sequence[TransactWriteItemTypeDef] = (),
        revoke: PassRevocation | None = None,
    ) -> StoredHistoricalPass:
        """Link the record to a person and write their pass record, with ``writes`` and
        ``audit``, in one transaction, conditional on the record being as read (its status and
        its linked person: linked or relinked meanwhile, it fails).

        ``revoke`` (staff relinking a record linked to another person): that person's pass
        record of it is marked revoked with the reason, in the same transaction, conditional
        on it being there and not revoked. A revoked pass record of the new person (linked
        once, replaced, now linked again) is written over."""
        self._own(current.record)
        if pass_record.qualification_pseudonym_id != link.qualification_pseudonym_id:
            raise ValueError("the pass record is the linked person's")
        linked = current.model_copy(
            update={
                "status": HistoricalStatus.LINKED,
                "link": link,
                "conflict": (),
                "conflict_application_id": None,
            }
        )
        passes = PrefecturePasses(self.prefecture_code, self._table)
        put = passes.pass_put(pass_record, at)
        if revoke is not None:
            if current.link is None or (
                current.link.qualification_pseudonym_id != revoke.qualification_pseudonym_id
            ):
                raise ValueError("a revocation is of the person the record is linked to")
            put["Put"]["ConditionExpression"] = (
                "attribute_not_exists(record_key) OR attribute_exists(revoked_at)"
            )
        all_writes = [self._replace(current, linked), put, *writes]
        if revoke is not None:
            all_writes.append(passes.revoke_update(revoke, at, by=link.application_id))
        self._decide(all_writes, audit)
        return linked

    def release(
        self,
        current: StoredHistoricalPass,
        after: StoredHistoricalPass,
        *,
        audit: Sequence[AuditEvent] = (),
        writes: Sequence[TransactWriteItemTypeDef] = (),
    ) -> StoredHistoricalPass:
        """The record's open conflict released (``after``: ``unlinked``, or still linked to
        its person), with ``writes`` and ``audit``, in one transaction, conditional on the
        record being as read."""
        self._own(current.record)
        if after.record != current.record or after.link != current.link:
            raise ValueError("a release changes the conflict only")
        self._decide([self._replace(current, after), *writes], audit)
        return after

    def mark_in_conflict(
        self,
        current: StoredHistoricalPass,
        application_id: str,
        failures: Sequence[str],
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> StoredHistoricalPass:
        """The record ``in_conflict`` (a linked one keeps its link), naming the failed checks
        and the application, with ``audit``; conditional on the record being as read."""
        self._own(current.record)
        marked = current.model_copy(
            update={
                "status": (
                    current.status
                    if current.status is HistoricalStatus.LINKED
                    else HistoricalStatus.IN_CONFLICT
                ),
                "conflict": tuple(failures),
                "conflict_application_id": application_id,
            }
        )
        self._decide([self._replace(current, marked)], audit)
        return marked

    # Plumbing

    def _decide(self, writes: list[TransactWriteItemTypeDef], audit: Sequence[AuditEvent]) -> None:
        try:
            self._write(writes, audit)
        except ClientError as exc:
            if cancellation_codes(exc) is None:
                raise
            raise HistoricalChangedError("the historical record changed meanwhile") from None

    def _write(self, writes: list[TransactWriteItemTypeDef], audit: Sequence[AuditEvent]) -> None:
        if audit:
            AuditTrail(self._audit_table).transact(writes, audit)
        else:
            self._dynamodb.transact_write_items(TransactItems=writes)

    def _replace(
        self, current: StoredHistoricalPass, after: StoredHistoricalPass
    ) -> TransactWriteItemTypeDef:
        """``after``'s put, conditional on the status and the linked person as read."""
        if current.link is None:
            person = "attribute_not_exists(#q)"
            values: dict[str, Any] = {":s": {"S": current.status.value}}
        else:
            person = "#q = :q"
            values = {
                ":s": {"S": current.status.value},
                ":q": {"S": current.link.qualification_pseudonym_id},
            }
        return {
            "Put": {
                "TableName": self._table,
                "Item": self._item(after),
                "ConditionExpression": f"#s = :s AND {person}",
                "ExpressionAttributeNames": {"#s": "status", "#q": "qualification_pseudonym_id"},
                "ExpressionAttributeValues": values,
            }
        }

    def _own(self, record: HistoricalPass) -> None:
        if record.prefecture_code != self.prefecture_code:
            raise ValueError("the historical record belongs to another prefecture")

    def _item(self, stored: StoredHistoricalPass) -> dict[str, Any]:
        item: dict[str, Any] = {
            **self._key(historical_key(stored.record.passer_number)),
            "item_type": {"S": "historical_pass"},
            "passer_number": {"S": stored.record.passer_number},
            "status": {"S": stored.status.value},
            "imported_at": {"S": instant(stored.imported_at)},
            "stored": {"S": stored.model_dump_json()},
        }
        if stored.link is not None:
            item["qualification_pseudonym_id"] = {"S": stored.link.qualification_pseudonym_id}
        return item


def _stored(item: dict[str, Any]) -> StoredHistoricalPass:
    return StoredHistoricalPass.model_validate_json(item["stored"]["S"])
