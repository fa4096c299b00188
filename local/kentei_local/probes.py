"""Probes of a running local system, shared by the demo and the e2e tests.

Each probe takes plain boto3 clients pointed at the runtime's moto endpoint, so it works in the
runtime's process (the demo) and from outside it (the e2e tests, through ``moto: URL``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, TypeVar

from kentei import messages, my_number
from kentei.data.heartbeats import SYSTEM_PARTITION, record_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

POISON: Final = '{"kind": "unknown"}'
"""A body no consumer accepts: valid JSON, but not a message kind this system sends."""
_POLL_S: Final = 0.2
_FLOAT = r"-?[0-9]+\.[0-9]+(?:[eE][-+]?[0-9]+)?"
FLOAT_LISTS: Final = re.compile(rf"\[(?:{_FLOAT},)+{_FLOAT}\]")
"""A JSON list of floats, as an EMF line carries a metric's values (``[3.0,2.0,3.0]``): the
commas between them are made a non-separator, so six one-digit values are not joined into a
twelve-digit run (which passes the check digit about once in ten). Each value is read as the
number it is, as anywhere else."""

_T = TypeVar("_T")


class ProbeTimeoutError(TimeoutError):
    """What the probe waited for did not happen in time."""


def send_heartbeat(sqs: SQSClient, queue_url: str) -> messages.Heartbeat:
    heartbeat = messages.heartbeat()
    if queue_url.endswith(".fifo"):
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=messages.encode(heartbeat),
            MessageGroupId="heartbeat",
            MessageDeduplicationId=str(heartbeat.heartbeat_id),
        )
    else:
        sqs.send_message(QueueUrl=queue_url, MessageBody=messages.encode(heartbeat))
    return heartbeat


def wait_for_heartbeat(
    dynamodb: DynamoDBClient,
    table: str,
    function: str,
    heartbeat: messages.Heartbeat,
    timeout_s: float,
) -> dict[str, AttributeValueTypeDef]:
    """The records-table item by which ``function`` acknowledged ``heartbeat``."""
    key: dict[str, AttributeValueTypeDef] = {
        "prefecture_code": {"S": SYSTEM_PARTITION},
        "record_key": {"S": record_key(function)},
    }

    def acknowledged() -> dict[str, AttributeValueTypeDef] | None:
        item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        if item and item.get("heartbeat_id", {}).get("S") == str(heartbeat.heartbeat_id):
            return item
        return None

    return wait_until(
        acknowledged,
        timeout_s,
        f"{function} did not acknowledge heartbeat {heartbeat.heartbeat_id} in {table} "
        f"under {SYSTEM_PARTITION} / {record_key(function)}",
    )


def send_poison(sqs: SQSClient, queue_url: str) -> str:
    """Send :data:`POISON`; its message id."""
    return sqs.send_message(QueueUrl=queue_url, MessageBody=POISON)["MessageId"]


def wait_in_queue(
    sqs: SQSClient, queue_url: str, message_id: str, timeout_s: float
) -> MessageTypeDef:
    """The message ``message_id`` once it is in the queue (a DLQ); it stays visible there."""

    def arrived() -> MessageTypeDef | None:
        received = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=0,
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        return next((m for m in received if m["MessageId"] == message_id), None)

    return wait_until(arrived, timeout_s, f"message {message_id} did not reach {queue_url}")


def messages_in(sqs: SQSClient, queue_url: str) -> int:
    """How many messages the queue holds: visible, in flight or delayed (SQS's approximate
    counts, exact in moto)."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    return sum(int(value) for value in attributes.values())


def wait_until(probe: Callable[[], _T | None], timeout_s: float, failure: str) -> _T:
    deadline = time.monotonic() + timeout_s
    while True:
        found = probe()
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise ProbeTimeoutError(f"{failure} (waited {timeout_s:.0f} s)")
        time.sleep(_POLL_S)


def my_numbers_in(text: str) -> list[str]:
    """Every valid My Number in ``text``, in any spelling (:func:`kentei.my_number.find`),
    UUIDs, hex digests and the gaps between the values of a float list (:data:`FLOAT_LISTS`)
    aside: the leak scan of logs, stored items and messages."""
    masked = FLOAT_LISTS.sub(lambda found: found[0].replace(",", "|"), text)
    masked = my_number.machine_made_aside(masked)
    return [masked[start:end] for start, end in my_number.find(masked)]
