"""Sync: the SQS consumer of the sync queue (results, pass decisions, later the national
sync). Each message kind is routed to its logic, which takes the composition root's ports
(:mod:`sync.dependencies`)."""

from __future__ import annotations

from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore

FUNCTION = "sync"

consumer = QueueConsumer(
    FUNCTION,
    {
        "heartbeat": heartbeat_route(FUNCTION, DynamoHeartbeatStore),
    },
)
handler = consumer.handler
