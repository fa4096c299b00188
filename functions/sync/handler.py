"""Sync: the SQS consumer of the sync queue."""

from __future__ import annotations

from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore

consumer = QueueConsumer("sync", {"heartbeat": heartbeat_route("sync", DynamoHeartbeatStore)})
handler = consumer.handler
