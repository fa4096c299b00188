"""A queue consumer starts a record only while half the invocation's time remains: the rest
of a slow batch is handed back unstarted (retried), never run into the function's timeout."""

from __future__ import annotations

from typing import Any, cast

from aws_lambda_powertools.utilities.typing import LambdaContext

from kentei import messages
from kentei.consumer import QueueConsumer


class Clock:
    """A context whose time left falls as the route works."""

    def __init__(self, left_ms: int) -> None:
        self.left_ms = left_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.left_ms


def _record(n: int) -> dict[str, Any]:
    return {
        "messageId": f"m-{n}",
        "receiptHandle": f"r-{n}",
        "body": messages.encode(messages.heartbeat()),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "-",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:ap-northeast-1:123456789012:kentei-local-sync",
        "awsRegion": "ap-northeast-1",
    }


def _consumer(clock: Clock, took_ms: int, handled: list[str]) -> QueueConsumer:
    def route(message: messages.Envelope) -> None:
        handled.append(message.kind)
        clock.left_ms -= took_ms

    return QueueConsumer("sync", {"heartbeat": route})


def _batch(consumer: QueueConsumer, records: int, context: object) -> list[str]:
    """The message ids handed back."""
    event = {"Records": [_record(n) for n in range(records)]}
    response = consumer.process(event, cast("LambdaContext", context))
    return [item["itemIdentifier"] for item in response["batchItemFailures"]]


def test_the_rest_of_a_slow_batch_is_handed_back_unstarted() -> None:
    clock, handled = Clock(60_000), list[str]()
    consumer = _consumer(clock, 20_000, handled)
    # 60 s at the start: records start at 60 and 40 s left; at 20 s (under half) none does.
    assert _batch(consumer, 5, clock) == ["m-2", "m-3", "m-4"]
    assert len(handled) == 2


def test_a_quick_batch_runs_whole_and_a_context_without_a_clock_is_never_cut() -> None:
    clock, handled = Clock(60_000), list[str]()
    consumer = _consumer(clock, 100, handled)
    assert _batch(consumer, 10, clock) == []
    assert len(handled) == 10

    handled.clear()
    assert _batch(consumer, 3, object()) == []
    assert len(handled) == 3
