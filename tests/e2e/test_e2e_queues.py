"""Through the queues of the running system to the real consumers, and to the DLQs."""

from __future__ import annotations

import pytest

from kentei import catalog
from kentei_local import probes
from kentei_local.process import ServeProcess
from kentei_local.resources import physical_name

WAIT_S = 30.0


@pytest.mark.parametrize("queue", catalog.QUEUES, ids=lambda queue: queue.name)
def test_a_heartbeat_is_acknowledged_by_the_queues_consumer(
    local_system: ServeProcess, queue: catalog.QueueSpec
) -> None:
    heartbeat = probes.send_heartbeat(local_system.sqs(), local_system.queue_url(queue.name))

    item = probes.wait_for_heartbeat(
        local_system.dynamodb(), physical_name("records"), queue.consumer, heartbeat, WAIT_S
    )

    assert item["heartbeat_id"]["S"] == str(heartbeat.heartbeat_id)
    assert item["received_at"]["S"] >= heartbeat.sent_at.isoformat()


def test_a_poisoned_message_is_retried_then_redriven_to_the_dlq(local_system: ServeProcess) -> None:
    queue = catalog.queue("verify")
    sqs = local_system.sqs()
    message_id = probes.send_poison(sqs, local_system.queue_url(queue.name))

    moved = probes.wait_in_queue(sqs, local_system.queue_url(queue.dlq_name), message_id, WAIT_S)

    assert moved["Body"] == probes.POISON
    probes.wait_until(
        lambda: True if len(retries(local_system, message_id)) >= queue.max_receive_count else None,
        5,
        "the pump did not report every retry",
    )
    assert len(retries(local_system, message_id)) == queue.max_receive_count


def retries(local_system: ServeProcess, message_id: str) -> list[str]:
    """The pump's lines that left ``message_id`` on its queue for another receive."""
    return [line for line in local_system.lines if "left for retry" in line and message_id in line]
