"""moto's ``TransactWriteItems`` undone item by item instead of by copying whole tables.

moto (5.x) makes a deep copy of every table a transaction touches before it applies the
transaction, to put back if the transaction is cancelled. That is linear in the table's size
for every transaction: announcing 1,000 passes into a table of a few thousand items took
minutes (``tests/integration/test_passes_data.py``), and the local runtime slowed down as its
tables filled.

:func:`install` keeps moto's own transaction logic (conditions, cancellation reasons, the
refusal of two operations on one item) and changes only the undo: before the transaction it
keeps a copy of each item the transaction names (or notes that there is none); if moto
cancels the transaction, those items are put back as they were (and any stream records the
transaction added are dropped). moto's whole-table copy is skipped while this runs.
Secondary indexes are derived from the items when queried, so putting the items back is the
whole undo. Callers still serve DynamoDB requests one at a time, as DynamoDB isolates a
transaction (:mod:`kentei_local.moto_server`, ``tests/integration/moto_tables``).
"""

from __future__ import annotations

import copy
import functools
import threading
import types
from typing import Any, Final

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.exceptions import MockValidationException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_STATE: Final = threading.local()
_INSTALLED: Final = "_kentei_item_undo"


def _deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """``copy.deepcopy``, except that a table is not copied inside a transaction (its items
    are kept one by one instead)."""
    if isinstance(value, Table) and getattr(_STATE, "active", False):
        return value
    return copy.deepcopy(value, memo)


_Snapshot = tuple[Table, Any, Any, Any, int]
"""(table, hash key, range key, the item as it was or None, the stream's length)."""


def _snapshot(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[_Snapshot]:
    kept: list[_Snapshot] = []
    for entry in transact_items:
        if len(entry) != 1:
            continue  # moto refuses it before writing anything
        ((_, op),) = entry.items()
        table_name = op.get("TableName")
        if table_name not in backend.tables:
            continue
        table = backend.tables[table_name]
        keys = op.get("Item") if "Item" in op else op.get("Key")
        try:
            hash_key, range_key = backend.get_keys_value(table, keys or {})
        except MockValidationException:
            continue  # moto refuses the bad key itself, before writing anything
        current = table.get_item(hash_key, range_key)
        stream = len(table.stream_shard.items) if table.stream_shard is not None else 0
        kept.append((table, hash_key, range_key, copy.deepcopy(current), stream))
    return kept


def _restore(kept: list[_Snapshot]) -> None:
    # In reverse: an item named twice (moto refuses that) still ends as it first was.
    for table, hash_key, range_key, item, stream in reversed(kept):
        if range_key is not None:
            if item is None:
                table.items[hash_key].pop(range_key, None)
                if not table.items[hash_key]:
                    table.items.pop(hash_key, None)
            else:
                table.items[hash_key][range_key] = item
        elif item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
        if table.stream_shard is not None:
            del table.stream_shard.items[stream:]


def install() -> None:
    """Patch moto's DynamoDB backend (idempotent; process-wide, like moto's backends)."""
    if getattr(DynamoDBBackend, _INSTALLED, False):
        return
    original = DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        kept = _snapshot(self, transact_items) if len(transact_items) <= 100 else []
        _STATE.active = True
        try:
            original(self, transact_items)
        except BaseException:
            _restore(kept)
            raise
        finally:
            _STATE.active = False

    # moto's module uses ``copy.deepcopy``; it gets ours, which copies everything else alike.
    shim = types.SimpleNamespace(deepcopy=_deepcopy, copy=copy.copy)
    dynamodb_models.copy = shim  # type: ignore[attr-defined, assignment]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    setattr(DynamoDBBackend, _INSTALLED, True)
