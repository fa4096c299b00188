"""The queue pump drives consumers the way Lambda's SQS event source mapping does."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from tests.integration.stubs import Records, StubConsumer, failing

from kentei import catalog
from kentei_local.probes import wait_in_queue, wait_until
from kentei_local.resources import ACCOUNT_ID, LocalQueue, physical_name
from kentei_local.runtime import LocalRuntime

StartRuntime = Callable[..., LocalRuntime]
VERIFY = catalog.queue("verify")
WAIT_S = 15.0


def queue_is_empty(runtime: LocalRuntime, url: str) -> bool | None:
    attributes = runtime.sqs().get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return True if all(value == "0" for value in attributes.values()) else None


def send(runtime: LocalRuntime, *bodies: str) -> list[str]:
    url = runtime.resources.queues[VERIFY.name].url
    return [runtime.sqs().send_message(QueueUrl=url, MessageBody=b)["MessageId"] for b in bodies]


def delivered(consumer: StubConsumer, body: str, times: int) -> Callable[[], bool | None]:
    return lambda: True if len(consumer.deliveries(body)) >= times else None


def test_given_a_message_then_the_consumer_gets_the_lambda_sqs_event_and_it_is_deleted(
    start_runtime: StartRuntime, consumers: dict[str, StubConsumer]
) -> None:
    runtime = start_runtime(serve_http=False)
    local: LocalQueue = runtime.resources.queues[VERIFY.name]
    sent = runtime.sqs().send_message(
        QueueUrl=local.url,
        MessageBody="hello",
        MessageAttributes={
            "trace": {"DataType": "String", "StringValue": "abc"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    consumer = consumers[VERIFY.consumer]

    wait_until(delivered(consumer, "hello", 1), WAIT_S, "no delivery")
    wait_until(lambda: queue_is_empty(runtime, local.url), WAIT_S, "the message stayed")

    (record,) = consumer.deliveries("hello")
    assert record["messageId"] == sent["MessageId"]
    assert record["receiptHandle"]
    assert record["md5OfBody"] == hashlib.md5(b"hello").hexdigest()
    assert record["md5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == local.arn
    assert record["eventSourceARN"] == (
        f"arn:aws:sqs:{catalog.REGION}:{ACCOUNT_ID}:{physical_name(VERIFY.name)}"
    )
    assert record["awsRegion"] == catalog.REGION
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"]
    )
    assert record["messageAttributes"] == {
        "trace": {
            "stringValue": "abc",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "blob": {
            "binaryValue": base64.b64encode(b"\x00\x01").decode(),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }
    context = consumer.contexts[0]
    spec = catalog.function(VERIFY.consumer)
    assert context.function_name == physical_name(spec.name)
    assert context.memory_limit_in_mb == spec.memory_mb
    assert context.invoked_function_arn.endswith(f":function:{physical_name(spec.name)}")
    assert 0 < consumer.remaining_ms[0] <= spec.timeout_s * 1000


def test_given_a_partial_batch_failure_then_only_the_failed_message_comes_back(
    start_runtime: StartRuntime, consumers: dict[str, StubConsumer]
) -> None:
    consumer = consumers[VERIFY.consumer]
    consumer.respond = failing("bad")
    runtime = start_runtime(serve_http=False, pumps=False)
    send(runtime, "ok-1", "bad", "ok-2")

    runtime.start_pumps()
    wait_until(delivered(consumer, "bad", 2), WAIT_S, "the failed message did not come back")

    assert len(consumer.deliveries("ok-1")) == 1
    assert len(consumer.deliveries("ok-2")) == 1
    assert [r["attributes"]["ApproximateReceiveCount"] for r in consumer.deliveries("bad")][:2] == [
        "1",
        "2",
    ]
    assert len(consumer.batches[0]) == 3
    assert [r["body"] for r in consumer.batches[1]] == ["bad"]


def test_given_a_handler_that_raises_then_the_whole_batch_comes_back(
    start_runtime: StartRuntime, consumers: dict[str, StubConsumer]
) -> None:
    consumer = consumers[VERIFY.consumer]
    calls: list[int] = []

    def raise_once(records: Records) -> Any:
        calls.append(len(records))
        if len(calls) == 1:
            raise RuntimeError("the first invocation fails")
        return None

    consumer.respond = raise_once
    runtime = start_runtime(serve_http=False, pumps=False)
    send(runtime, "a", "b")

    runtime.start_pumps()
    wait_until(
        lambda: queue_is_empty(runtime, runtime.resources.queues[VERIFY.name].url),
        WAIT_S,
        "the batch was not retried to completion",
    )

    assert len(consumer.deliveries("a")) == 2
    assert len(consumer.deliveries("b")) == 2
    assert calls[0] == 2
    assert sum(calls) == 4


def test_given_a_failure_naming_no_message_of_the_batch_then_the_whole_batch_comes_back(
    start_runtime: StartRuntime, consumers: dict[str, StubConsumer]
) -> None:
    consumer = consumers[VERIFY.consumer]
    responses = iter([{"batchItemFailures": [{"itemIdentifier": "not-in-the-batch"}]}])
    consumer.respond = lambda records: next(responses, None)
    runtime = start_runtime(serve_http=False, pumps=False)
    send(runtime, "a", "b")

    runtime.start_pumps()
    wait_until(
        lambda: queue_is_empty(runtime, runtime.resources.queues[VERIFY.name].url),
        WAIT_S,
        "the batch was not retried to completion",
    )

    assert len(consumer.deliveries("a")) == 2
    assert len(consumer.deliveries("b")) == 2


def test_given_a_poisoned_message_then_it_reaches_the_dlq_after_max_receive_count_receives(
    start_runtime: StartRuntime, consumers: dict[str, StubConsumer]
) -> None:
    consumer = consumers[VERIFY.consumer]
    consumer.respond = failing("poison")
    runtime = start_runtime(serve_http=False)
    local = runtime.resources.queues[VERIFY.name]
    (message_id,) = send(runtime, "poison")

    in_dlq = wait_in_queue(runtime.sqs(), local.dlq_url, message_id, WAIT_S)

    assert in_dlq["Body"] == "poison"
    counts = [r["attributes"]["ApproximateReceiveCount"] for r in consumer.deliveries("poison")]
    assert counts == [str(n) for n in range(1, VERIFY.max_receive_count + 1)]
    assert runtime.pump(VERIFY.name).receive_count(message_id) == VERIFY.max_receive_count
    assert queue_is_empty(runtime, local.url)


def test_given_more_messages_than_the_batch_size_then_batches_hold_at_most_batch_size(
    start_runtime: StartRuntime, consumers: dict[str, StubConsumer]
) -> None:
    consumer = consumers[VERIFY.consumer]
    runtime = start_runtime(serve_http=False, pumps=False)
    bodies = [f"m{n}" for n in range(VERIFY.batch_size * 2 + 5)]
    url = runtime.resources.queues[VERIFY.name].url
    for start in range(0, len(bodies), 10):
        runtime.sqs().send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": b, "MessageBody": b} for b in bodies[start : start + 10]],
        )

    runtime.start_pumps()
    wait_until(
        lambda: True if consumer.delivered_bodies() == set(bodies) else None,
        WAIT_S,
        "not every message was delivered",
    )

    sizes = [len(batch) for batch in consumer.batches]
    assert max(sizes) == VERIFY.batch_size
    assert sum(sizes) == len(bodies)


def test_every_queue_is_pumped_to_its_catalog_consumer(
    start_runtime: StartRuntime, consumers: dict[str, StubConsumer]
) -> None:
    runtime = start_runtime(serve_http=False)
    for queue in catalog.QUEUES:
        url = runtime.resources.queues[queue.name].url
        if queue.fifo:
            runtime.sqs().send_message(
                QueueUrl=url,
                MessageBody=f"to-{queue.name}",
                MessageGroupId="g",
                MessageDeduplicationId="d",
            )
        else:
            runtime.sqs().send_message(QueueUrl=url, MessageBody=f"to-{queue.name}")

    for queue in catalog.QUEUES:
        consumer = consumers[queue.consumer]
        wait_until(delivered(consumer, f"to-{queue.name}", 1), WAIT_S, f"{queue.name} not pumped")
    for queue in catalog.QUEUES:
        consumer = consumers[queue.consumer]
        # Besides: the test event S3 sends when a bucket's notification to the queue is
        # configured (the imports bucket's, to sync), which the real consumer drops.
        # Sync consumes two queues (sync, and the FIFO national queue).
        assert {body for body in consumer.delivered_bodies() if '"s3:TestEvent"' not in body} == {
            f"to-{q.name}" for q in catalog.queues_for(queue.consumer)
        }
