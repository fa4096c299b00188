"""Heartbeats: proof that a queue and its consumer are wired end to end.

A consumer acknowledges a :class:`~kentei.messages.Heartbeat` by recording the last one it
received; operators and the demo read it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kentei.messages import Heartbeat


@dataclass(frozen=True)
class HeartbeatReceipt:
    function: str
    heartbeat_id: str
    sent_at: datetime
    received_at: datetime


class HeartbeatStore(Protocol):
    def save(self, receipt: HeartbeatReceipt) -> None: ...

    def latest(self, function: str) -> HeartbeatReceipt | None: ...


def acknowledge(
    message: Heartbeat, function: str, store: HeartbeatStore, now: datetime
) -> HeartbeatReceipt:
    receipt = HeartbeatReceipt(
        function=function,
        heartbeat_id=str(message.heartbeat_id),
        sent_at=message.sent_at,
        received_at=now,
    )
    store.save(receipt)
    return receipt
