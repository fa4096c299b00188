"""moto's SQS queues made to deliver a FIFO group in its order again, and to check visibility
without building two datetimes per message.

**FIFO groups.** moto (5.x) keeps the messages it handed out in a pending set and holds back a
message whose group has one there. A message leaves the set only when a receive comes across it
visible again, one at a time, in the queue's order. When every received message of a group
becomes visible again together (a batch that failed: the consumer stops a group at its first
failure, and the others share its visibility timeout), the receive takes the first out of the
set, finds the group still pending because of the later ones, skips it, and so on until the
last, which it delivers: the group's *last* message first. SQS holds a group back only while
one of its messages is in flight (received and not yet visible again): moto's pending groups
are made exactly those, so the group starts again from its first message.

**Long polls.** A receive that finds nothing to deliver waits for a message, up to its
``WaitTimeSeconds``, by waiting until the queue holds a visible one; a FIFO queue whose visible
messages are all held back (their group in flight) always holds one, so the receive spun,
scanning the queue as fast as it could for the whole wait (a local runtime's pumps long-poll
every queue, each second). It now waits for a new message or a tenth of a second, then looks
again: a message that becomes visible is still seen within that tenth.

**Visibility.** moto asks each message whether it is visible and whether it is delayed on every
send, receive and attribute read, each time through ``utcnow()`` and an epoch datetime: with a
few hundred messages waiting (the national outbox under throttling) that was most of the local
runtime's time. The same comparison, against the same epoch milliseconds (``time.time()``), is
made directly.
"""

from __future__ import annotations

import time
from typing import Final

from moto.sqs.models import Message, Queue

_INSTALLED: Final = "_kentei_groups_in_flight"


def _groups_in_flight(self: Queue) -> set[str]:
    """The groups with a message received and not yet visible again."""
    return {
        message.group_id
        for message in self.pending_messages
        if message.group_id is not None and not message.visible
    }


def _visible(self: Message) -> bool:
    return time.time() * 1000 > self.visible_at


def _delayed(self: Message) -> bool:
    return time.time() * 1000 < self.delayed_until


_RECHECK_S: Final = 0.1


def _wait_for_messages(self: Queue, timeout: float) -> None:
    """Wait for a message to be sent, at most ``timeout`` and a tenth of a second."""
    with self._messages_lock:
        self._messages_lock.wait(timeout=min(timeout, _RECHECK_S))


def install() -> None:
    """Patch moto's SQS queues and messages (idempotent; process-wide, like moto's backends)."""
    if getattr(Queue, _INSTALLED, False):
        return
    Queue.pending_message_groups = property(_groups_in_flight)  # type: ignore[method-assign,assignment]
    Message.visible = property(_visible)  # type: ignore[method-assign,assignment]
    Message.delayed = property(_delayed)  # type: ignore[method-assign,assignment]
    Queue.wait_for_messages = _wait_for_messages  # type: ignore[method-assign]
    setattr(Queue, _INSTALLED, True)
