"""moto's DynamoDB stream records of an ``UpdateItem`` that creates its item, made DynamoDB's.

moto (5.x) creates the missing item of an ``UpdateItem`` by putting its key first, then
updates it: two stream records, an ``INSERT`` holding only the key and a ``MODIFY`` with the
item. DynamoDB writes one ``INSERT`` with the new item. :func:`install` merges the pair into
that one record (keeping the first's sequence number, so the shard's numbers stay dense, as
moto's iterators need), and the outbox's stream consumer never sees a key-only image.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from moto.dynamodb.models import DynamoDBBackend

_INSTALLED: Final = "_kentei_one_insert"


def install() -> None:
    """Patch moto's DynamoDB backend (idempotent; process-wide, like moto's backends)."""
    if getattr(DynamoDBBackend, _INSTALLED, False):
        return
    original = DynamoDBBackend.update_item

    @functools.wraps(original)
    def update_item(self: DynamoDBBackend, table_name: str, *args: Any, **kwargs: Any) -> Any:
        shard = self.get_table(table_name).stream_shard
        before = len(shard.items) if shard is not None else 0
        result = original(self, table_name, *args, **kwargs)
        if shard is not None and len(shard.items) == before + 2:
            created, updated = shard.items[-2], shard.items[-1]
            if created.record["eventName"] == "INSERT":
                change = updated.record["dynamodb"]
                change.pop("OldImage", None)
                change["SequenceNumber"] = created.record["dynamodb"]["SequenceNumber"]
                updated.record["eventName"] = "INSERT"
                shard.items[-2:] = [updated]
        return result

    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
    setattr(DynamoDBBackend, _INSTALLED, True)
