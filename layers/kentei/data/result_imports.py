"""Result imports (R11) in the records table, under the prefecture.

Layout (partition ``prefecture_code``, sort ``record_key``):

- ``IMPORT#<import id>``: a :class:`kentei.results.imports.record.ResultImport` as JSON (ids,
  the round and source, status, counts, problem codes with their rows: never a cell's
  value), with ``status`` as an attribute for the conditions.

Each change of status is conditional on the status it was read in
(:meth:`PrefectureImports.save`), with the change's audit entries in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from kentei.data.audit import AuditEvent
from kentei.data.partition import PrefecturePartition
from kentei.data.transactions import CONDITION_FAILED, cancellation_codes
from kentei.results.imports.record import ImportStatus, ResultImport
from kentei.retention.kinds import RecordKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

IMPORT_PREFIX: Final = "IMPORT#"
RECORD_KINDS: Final[Mapping[str, RecordKind]] = {IMPORT_PREFIX: RecordKind.RESULT_IMPORT}
"""The retention kind of each item this module writes, by its key prefix."""


def import_key(import_id: str) -> str:
    return f"{IMPORT_PREFIX}{import_id}"


class PrefectureImports(PrefecturePartition):
    """One prefecture's result imports: every read and write stays in its partition."""

    def get(self, import_id: str) -> ResultImport | None:
        item = self._get(import_key(import_id))
        return None if item is None else ResultImport.model_validate_json(item["import"]["S"])

    def create(self, record: ResultImport, *, audit: Sequence[AuditEvent] = ()) -> None:
        """Store a new import (ValueError when its id exists), with ``audit`` in the same
        transaction."""
        self._own(record)
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(record),
                "ConditionExpression": "attribute_not_exists(record_key)",
            }
        }
        if not self._transact(put, audit):
            raise ValueError(f"import {record.import_id} exists already")

    def save(
        self,
        record: ResultImport,
        expected: Collection[ImportStatus],
        *,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        """Replace the import with ``record`` if it is still in one of the ``expected``
        statuses, with ``audit`` in the same transaction; False (nothing written) otherwise."""
        self._own(record)
        statuses = sorted(expected)
        values = {f":s{i}": {"S": status.value} for i, status in enumerate(statuses)}
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": self._item(record),
                "ConditionExpression": f"#status IN ({', '.join(values)})",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": values,
            }
        }
        return self._transact(put, audit)

    def _transact(self, put: TransactWriteItemTypeDef, audit: Sequence[AuditEvent]) -> bool:
        try:
            self._write_audited([put], audit)
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if codes is not None and codes and codes[0] == CONDITION_FAILED:
                return False
            raise
        return True

    def _own(self, record: ResultImport) -> None:
        if record.prefecture_code != self.prefecture_code:
            raise ValueError("an import of another prefecture")

    def _item(self, record: ResultImport) -> dict[str, Any]:
        return {
            **self._key(import_key(record.import_id)),
            "item_type": {"S": "result_import"},
            "status": {"S": record.status.value},
            "import": {"S": record.model_dump_json()},
        }
