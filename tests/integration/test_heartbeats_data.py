"""The functions' heartbeats against moto: each function's latest, listed; forgetting one
deletes it only while it is still the latest (a newer heartbeat stays)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from tests.integration.moto_tables import records_and_audit

from kentei.data.heartbeats import DynamoHeartbeatStore
from kentei.heartbeat import HeartbeatReceipt

AT = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with records_and_audit(monkeypatch):
        yield


def _beat(function: str, heartbeat_id: str) -> HeartbeatReceipt:
    return HeartbeatReceipt(
        function=function, heartbeat_id=heartbeat_id, sent_at=AT, received_at=AT
    )


@pytest.mark.usefixtures("moto")
def test_the_latest_heartbeats_are_listed_and_forgotten_only_while_latest() -> None:
    store = DynamoHeartbeatStore()
    first, other = _beat("verify", "h-1"), _beat("sync", "h-2")
    store.save(first)
    store.save(other)
    assert sorted(store.received(), key=lambda r: r.function) == [other, first]

    newer = _beat("verify", "h-3")
    store.save(newer)
    store.forget(first)
    assert store.latest("verify") == newer, "a newer heartbeat stays"
    store.forget(newer)
    assert store.latest("verify") is None
    assert store.received() == [other]
