"""moto's ``Query`` on a table's own key reads the one partition, not the whole table.

moto (5.x) answers every page of a ``Query`` by listing and sorting *all* the table's items
(``Table.all_items``), keeping those of the partition, sorting them again and walking past
the previous pages' items one by one. A page is then linear in the table's size, and paging
a big partition quadratic: the result import's directory (one paged query of a prefecture's
``SITTING#`` items) and the score store's reads slowed down with everything else the local
tables held.

:func:`install` answers a query on the base table (no index) from ``table.items[hash_key]``
alone: the partition's sort keys are kept sorted per partition (made anew when a key is added
or removed), ``ExclusiveStartKey`` and the key condition are found by bisection, and only the
items of the page are looked at. moto's semantics are kept: the key condition, the order
(``ScanIndexForward``), ``ExclusiveStartKey``, ``Limit``, the 1 MB page (moto checks it on
every item after the page's start, even past the keys that match; here the items past them
are looked at only while one could still end the page: an item is at most ~405 KB in moto),
the filter expression (after the page is cut, as DynamoDB does) and the projection. Anything
else (an index, the legacy ``QueryFilter``, a table without a sort key, a sort key that is
neither a string nor a number, a multi-attribute key) goes to moto's own query unchanged.
"""

from __future__ import annotations

import bisect
import copy
import functools
from collections.abc import Callable
from typing import Any, Final

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, Table

_INSTALLED: Final = "_kentei_partition_query"
_ORDER: Final = "_kentei_partition_order"
"""Per table: hash key → (the partition dict, its key version, sort values, sort keys)."""
_VERSIONS: Final = "_kentei_partition_versions"
"""Per table: hash key → a counter bumped when a sort key is added to or removed from it."""

_KEY_TYPES: Final = frozenset({"S", "N"})
_LARGEST_ITEM: Final = 410_000
"""Above moto's own bound on an item's size (``LimitedSizeDict``, 405,000 bytes)."""
_COMPARISONS: Final = {
    "EQ": "EQ",
    "=": "EQ",
    "LT": "LT",
    "<": "LT",
    "LE": "LE",
    "<=": "LE",
    "GT": "GT",
    ">": "GT",
    "GE": "GE",
    ">=": "GE",
    "BETWEEN": "BETWEEN",
    "BEGINS_WITH": "BEGINS_WITH",
}
"""moto's names of the key conditions, each a block of consecutive sort keys."""


def _bump(table: Table, hash_key: DynamoType) -> None:
    versions: dict[DynamoType, int] = table.__dict__.setdefault(_VERSIONS, {})
    versions[hash_key] = versions.get(hash_key, 0) + 1


def _order(table: Table, hash_key: DynamoType) -> tuple[list[Any], list[DynamoType]]:
    """The partition's sort values (moto's ``cast_value``) and keys, ascending."""
    partition = table.items.get(hash_key)
    if not partition:
        return [], []
    version = table.__dict__.get(_VERSIONS, {}).get(hash_key, 0)
    orders: dict[DynamoType, Any] = table.__dict__.setdefault(_ORDER, {})
    cached = orders.get(hash_key)
    if (
        cached is not None
        and cached[0] is partition
        and cached[1] == version
        and len(cached[3]) == len(partition)
    ):
        return cached[2], cached[3]
    pairs = sorted(((key.cast_value, key) for key in partition), key=lambda pair: pair[0])
    values = [value for value, _ in pairs]
    keys = [key for _, key in pairs]
    orders[hash_key] = (partition, version, values, keys)
    return values, keys


def _handled(
    table: Table,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    *,
    exclusive_start_key: dict[str, Any] | None,
    index_name: str | None,
    range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None,
    filter_kwargs: dict[str, Any],
) -> bool:
    """Whether the query is one this module answers (else moto's own does)."""
    if index_name or filter_kwargs or hash_key is None or not table.has_range_key:
        return False
    plain_key = not range_key_conditions or (
        len(range_key_conditions) == 1 and range_key_conditions[0][0] == table.range_key_attr
    )
    known = range_comparison is None or range_comparison.upper() in _COMPARISONS
    partition = table.items.get(hash_key)
    types = {obj.type for obj in range_objs} | {key.type for key in _first(partition or {})}
    return (
        plain_key
        and known
        and types <= _KEY_TYPES
        and _start_in(table, hash_key, exclusive_start_key)
    )


def _start_in(
    table: Table, hash_key: DynamoType, exclusive_start_key: dict[str, Any] | None
) -> bool:
    """Whether ``ExclusiveStartKey`` is absent or a key of the queried partition."""
    if exclusive_start_key is None:
        return True
    start_hash = exclusive_start_key.get(table.hash_key_attr)
    start_range = exclusive_start_key.get(str(table.range_key_attr))
    return (
        start_hash is not None
        and start_range is not None
        and DynamoType(start_hash) == hash_key
        and DynamoType(start_range).type in _KEY_TYPES
    )


def _first(partition: dict[DynamoType, Item]) -> list[DynamoType]:
    for key in partition:
        return [key]
    return []


_BOUNDS: Final[dict[str, Callable[[list[Any], list[Any]], tuple[int | None, int | None]]]] = {
    "EQ": lambda values, b: (bisect.bisect_left(values, b[0]), bisect.bisect_right(values, b[0])),
    "GT": lambda values, b: (bisect.bisect_right(values, b[0]), None),
    "GE": lambda values, b: (bisect.bisect_left(values, b[0]), None),
    "LT": lambda values, b: (None, bisect.bisect_left(values, b[0])),
    "LE": lambda values, b: (None, bisect.bisect_right(values, b[0])),
    "BETWEEN": lambda values, b: (
        bisect.bisect_left(values, b[0]),
        bisect.bisect_right(values, b[1]),
    ),
    "BEGINS_WITH": lambda values, b: (bisect.bisect_left(values, b[0]), None),
}
"""Per key condition: the indexes [low, high) outside which no sort key can match it."""


def _bounds(
    values: list[Any], comparison: str | None, range_objs: list[DynamoType]
) -> tuple[int, int]:
    if comparison is None:
        return 0, len(values)
    low, high = _BOUNDS[_COMPARISONS[comparison.upper()]](
        values, [obj.cast_value for obj in range_objs]
    )
    return (0 if low is None else low), (len(values) if high is None else high)


def _partition_query(
    table: Table,
    hash_key: DynamoType,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    *,
    limit: int | None,
    exclusive_start_key: dict[str, Any] | None,
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    filter_expression: Any,
) -> tuple[list[Item], int, dict[str, Any] | None]:
    values, keys = _order(table, hash_key)
    partition = table.items.get(hash_key) or {}
    low, high = _bounds(values, range_comparison, range_objs)
    if exclusive_start_key is not None:
        start = DynamoType(exclusive_start_key[str(table.range_key_attr)]).cast_value
        if scan_index_forward:
            low = max(low, bisect.bisect_right(values, start))
        else:
            high = min(high, bisect.bisect_left(values, start))
    if range_comparison and range_comparison.upper() == "BEGINS_WITH" and not scan_index_forward:
        # the prefix's block starts at ``low``; its end is where the prefix stops
        end = low
        while end < len(values) and keys[end].compare(range_comparison, range_objs):
            end += 1
        high = min(high, end)
    # From the page's first possible key to the partition's end in the page's direction: moto
    # checks the page's limits on the keys past the matching ones too (see below).
    positions = range(low, len(values)) if scan_index_forward else range(high - 1, -1, -1)

    results: list[Item] = []
    result_size = 0
    scanned_count = 0
    last_evaluated_key = None
    for position in positions:
        item = partition[keys[position]]
        # moto's order: the page's limits are checked on every item, before its key condition
        if len(results) == limit or result_size + item.size() > RESULT_SIZE_LIMIT:
            last_evaluated_key = table._get_last_evaluated_key(results[-1], None)
            break
        if range_comparison and not item.range_key.compare(range_comparison, range_objs):
            # Past the matching keys (they are consecutive, and the page starts at the first
            # that can match): only an item over the page's size budget could still end it.
            if result_size + _LARGEST_ITEM <= RESULT_SIZE_LIMIT:
                break
            continue
        results.append(item)
        result_size += item.size()
        scanned_count += 1

    results = copy.deepcopy(results)
    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]
    if projection_expressions:
        results = [item.project(projection_expressions) for item in results]
    return results, scanned_count, last_evaluated_key


def install() -> None:
    """Patch moto's ``Table`` (idempotent; process-wide, like moto's backends)."""
    if getattr(Table, _INSTALLED, False):
        return
    original_query = Table.query
    original_put = Table.put_item
    original_delete = Table.delete_item

    @functools.wraps(original_query)
    def query(  # noqa: PLR0917 — moto's signature, called positionally
        self: Table,
        hash_key: DynamoType | None,
        range_comparison: str | None,
        range_objs: list[DynamoType],
        limit: int,
        exclusive_start_key: dict[str, Any],
        scan_index_forward: bool,
        projection_expressions: list[list[str]] | None,
        index_name: str | None = None,
        consistent_read: bool = False,
        filter_expression: Any = None,
        hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
        range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
        **filter_kwargs: Any,
    ) -> tuple[list[Item], int, dict[str, Any] | None]:
        if hash_key is not None and _handled(
            self,
            hash_key,
            range_comparison,
            range_objs,
            exclusive_start_key=exclusive_start_key,
            index_name=index_name,
            range_key_conditions=range_key_conditions,
            filter_kwargs=filter_kwargs,
        ):
            return _partition_query(
                self,
                hash_key,
                range_comparison,
                range_objs,
                limit=limit,
                exclusive_start_key=exclusive_start_key,
                scan_index_forward=scan_index_forward,
                projection_expressions=projection_expressions,
                filter_expression=filter_expression,
            )
        return original_query(
            self,
            hash_key,
            range_comparison,
            range_objs,
            limit,
            exclusive_start_key,
            scan_index_forward,
            projection_expressions,
            index_name,
            consistent_read,
            filter_expression,
            hash_key_conditions=hash_key_conditions,
            range_key_conditions=range_key_conditions,
            **filter_kwargs,
        )

    @functools.wraps(original_put)
    def put_item(self: Table, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        hash_key = (
            DynamoType(item_attrs[self.hash_key_attr]) if self.hash_key_attr in item_attrs else None
        )
        before = (
            len(self.items.get(hash_key) or ())
            if hash_key is not None and self.has_range_key
            else 0
        )
        item = original_put(self, item_attrs, *args, **kwargs)
        if self.has_range_key and len(self.items.get(item.hash_key) or ()) != before:
            _bump(self, item.hash_key)  # a sort key added: the partition's order is made anew
        return item

    @functools.wraps(original_delete)
    def delete_item(self: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
        item = original_delete(self, hash_key, range_key)
        _bump(self, hash_key)
        return item

    Table.query = query  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    setattr(Table, _INSTALLED, True)
