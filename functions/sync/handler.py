"""Sync: the SQS consumer of the sync queue (results, pass decisions, later the national
sync). Each message kind is routed to its logic, which takes the composition root's ports
(:mod:`sync.dependencies`)."""

from __future__ import annotations

from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore
from kentei.instrumentation import Instruments
from sync.import_routes import import_routes

FUNCTION = "sync"


def _instruments() -> Instruments:
    return consumer.instruments


consumer = QueueConsumer(
    FUNCTION,
    {
        "heartbeat": heartbeat_route(FUNCTION, DynamoHeartbeatStore),
        # Result files (R11): checked on upload (the imports bucket's notification), applied
        # on commit.
        **import_routes(_instruments),
    },
)
handler = consumer.handler
