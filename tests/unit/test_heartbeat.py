"""A consumer acknowledges a heartbeat by recording it, through the store port."""

from __future__ import annotations

from datetime import UTC, datetime

from kentei import heartbeat, messages


class MemoryStore:
    def __init__(self) -> None:
        self.receipts: dict[str, heartbeat.HeartbeatReceipt] = {}

    def save(self, receipt: heartbeat.HeartbeatReceipt) -> None:
        self.receipts[receipt.function] = receipt

    def latest(self, function: str) -> heartbeat.HeartbeatReceipt | None:
        return self.receipts.get(function)


def test_given_a_heartbeat_when_acknowledged_then_the_latest_receipt_is_it() -> None:
    store = MemoryStore()
    sent = messages.heartbeat()
    now = datetime(2026, 11, 27, tzinfo=UTC)
    heartbeat.acknowledge(sent, "sync", store, now)
    receipt = store.latest("sync")
    assert receipt is not None
    assert receipt.heartbeat_id == str(sent.heartbeat_id)
    assert receipt.received_at == now
    assert store.latest("verify") is None
