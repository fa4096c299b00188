"""A prefecture's items at one status, page by page against moto (what the proposals' and the
national conflicts' listings read): every such item once, in key order, across filtered
queries that come back short or empty, and never another prefecture's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import records_and_audit

from kentei import aws, settings
from kentei.data.partition import PrefecturePartition


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _put(prefecture: str, key: str, status: str) -> None:
    aws.dynamodb().put_item(
        TableName=settings.table_name("records"),
        Item={
            "prefecture_code": {"S": prefecture},
            "record_key": {"S": key},
            "status": {"S": status},
        },
    )


@pytest.mark.usefixtures("moto")
@pytest.mark.parametrize(("limit", "read_batch"), [(1, 1), (2, 3), (3, 2), (50, 100)])
def test_items_at_a_status_are_read_once_each_in_key_order(limit: int, read_batch: int) -> None:
    statuses = ["open", "decided", "decided", "open", "decided", "open", "open", "decided"]
    for n, status in enumerate(statuses):
        _put("13", f"T#{n:02d}", status)
    _put("27", "T#99", "open")
    _put("13", "U#00", "open")
    partition = PrefecturePartition("13")

    seen: list[str] = []
    after: str | None = None
    for _ in range(20):
        items, after = partition._page_at_status("T#", "open", limit, after, read_batch)
        assert len(items) <= limit
        seen.extend(item["record_key"]["S"] for item in items)
        if after is None:
            break

    assert seen == [f"T#{n:02d}" for n, s in enumerate(statuses) if s == "open"]
