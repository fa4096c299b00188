"""Certify: the SQS consumer of the certify queue."""

from __future__ import annotations

from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore

consumer = QueueConsumer("certify", {"heartbeat": heartbeat_route("certify", DynamoHeartbeatStore)})
handler = consumer.handler
