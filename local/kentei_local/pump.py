"""The queue pump: Lambda's SQS event source mapping, one thread per catalog queue.

Like the event source mapping with ``ReportBatchItemFailures``, a pump long-polls its queue
for up to the catalog's ``batch_size`` messages, invokes the consumer with the SQS event, and
then deletes what succeeded:

- a response that is empty or has an empty ``batchItemFailures`` is a complete success;
- ``batchItemFailures`` names the records to retry; the others are deleted;
- an error, a timeout, an unserialisable response, or a failure entry without a known
  ``itemIdentifier`` fails the whole batch: nothing is deleted.

What is not deleted becomes visible again when its visibility timeout ends, and the queue
itself (moto, as SQS) moves a message to the DLQ on the receive after ``maxReceiveCount``
receives; the pump never moves messages.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from kentei import catalog
from kentei_local.functions import Invocation, LocalFunction
from kentei_local.resources import LocalQueue

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.type_defs import (
        DeleteMessageBatchRequestEntryTypeDef,
        MessageAttributeValueOutputTypeDef,
        MessageTypeDef,
    )

SQS_MAX_MESSAGES: Final = 10
"""ReceiveMessage returns at most ten; larger batches take several receives."""
_HISTORY: Final = 1000

logger = logging.getLogger(__name__)


class QueuePump:
    def __init__(
        self, queue: LocalQueue, function: LocalFunction, sqs: SQSClient, poll_wait_s: int = 1
    ) -> None:
        self.queue = queue
        self.function = function
        self._sqs = sqs
        # Short long-polls: a stopped pump's thread ends within about a second.
        self._poll_wait_s = poll_wait_s
        self._stop = threading.Event()
        self._delivering = threading.Lock()
        self._thread = threading.Thread(
            target=self._run, name=f"kentei-local-pump-{queue.spec.name}", daemon=True
        )
        self._lock = threading.Lock()
        self._receives: OrderedDict[str, int] = OrderedDict()

    @property
    def name(self) -> str:
        return self.queue.spec.name

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        """Deliver no more batches. One received after this is not delivered: it becomes
        visible again when its visibility timeout ends, as when a Lambda poller goes away."""
        self._stop.set()

    def wait_idle(self, timeout: float) -> bool:
        """After :meth:`request_stop`, wait for a batch being delivered (not for a poll)."""
        if not self._delivering.acquire(timeout=timeout):
            return False
        self._delivering.release()
        return True

    def receive_count(self, message_id: str) -> int:
        """How many times the consumer was given ``message_id`` (recent messages only)."""
        with self._lock:
            return self._receives.get(message_id, 0)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                messages = self._receive()
                with self._delivering:
                    if messages and not self._stop.is_set():
                        self._deliver(messages)
            except (BotoCoreError, ClientError) as exc:
                if self._stop.is_set():
                    break
                logger.warning("%s queue: %s; retrying in a second", self.name, exc)
                self._stop.wait(1)

    def _receive(self) -> list[MessageTypeDef]:
        batch: list[MessageTypeDef] = []
        wait = self._poll_wait_s
        while len(batch) < self.queue.spec.batch_size and not self._stop.is_set():
            received = self._sqs.receive_message(
                QueueUrl=self.queue.url,
                MaxNumberOfMessages=min(SQS_MAX_MESSAGES, self.queue.spec.batch_size - len(batch)),
                WaitTimeSeconds=wait,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not received:
                break
            batch.extend(received)
            wait = 0
        return batch

    def _deliver(self, messages: Sequence[MessageTypeDef]) -> None:
        records = [sqs_record(message, self.queue) for message in messages]
        self._remember(records)
        invocation = self.function.invoke({"Records": records})
        failed = batch_failures(invocation, [r["messageId"] for r in records])
        done = [m for m in messages if m["MessageId"] not in failed]
        self._delete(done)
        logger.info(
            "%s queue: batch of %d to %s: %d done, %d left for retry%s",
            self.name,
            len(messages),
            self.function.name,
            len(done),
            len(failed),
            f" ({', '.join(sorted(failed))})" if failed else "",
        )

    def _remember(self, records: Sequence[dict[str, Any]]) -> None:
        with self._lock:
            for record in records:
                self._receives[record["messageId"]] = int(
                    record["attributes"]["ApproximateReceiveCount"]
                )
                self._receives.move_to_end(record["messageId"])
            while len(self._receives) > _HISTORY:
                self._receives.popitem(last=False)

    def _delete(self, messages: Sequence[MessageTypeDef]) -> None:
        for start in range(0, len(messages), SQS_MAX_MESSAGES):
            entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                for n, m in enumerate(messages[start : start + SQS_MAX_MESSAGES])
            ]
            result = self._sqs.delete_message_batch(QueueUrl=self.queue.url, Entries=entries)
            for failure in result.get("Failed", []):
                logger.warning(
                    "%s queue: could not delete a message: %s", self.name, failure["Code"]
                )


def batch_failures(invocation: Invocation, message_ids: Sequence[str]) -> set[str]:
    """The ids to leave on the queue, read from the response as Lambda reads it."""
    everything = set(message_ids)
    if not invocation.ok:
        return everything
    response = invocation.response
    if response is None or (isinstance(response, dict) and not response.get("batchItemFailures")):
        return set()
    items = response.get("batchItemFailures") if isinstance(response, dict) else None
    if not isinstance(items, list):
        logger.warning("the batch response is not a partial batch response: all failed")
        return everything
    failed: set[str] = set()
    for item in items:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in everything:
            logger.warning("a batch item failure names no message of the batch: all failed")
            return everything
        failed.add(identifier)
    return failed


def sqs_record(message: MessageTypeDef, queue: LocalQueue) -> dict[str, Any]:
    """The record of the Lambda SQS event for a received message."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _attribute(value) for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue.arn,
        "awsRegion": catalog.REGION,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _attribute(value: MessageAttributeValueOutputTypeDef) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "stringListValues": list(value.get("StringListValues", [])),
        "binaryListValues": [
            base64.b64encode(v).decode("ascii") for v in value.get("BinaryListValues", [])
        ],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    return attribute
