"""Verify: the SQS consumer of the verify queue."""

from __future__ import annotations

from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore

consumer = QueueConsumer("verify", {"heartbeat": heartbeat_route("verify", DynamoHeartbeatStore)})
handler = consumer.handler
