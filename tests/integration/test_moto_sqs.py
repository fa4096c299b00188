"""The local runtime's moto holds a FIFO message group back only while one of its messages is
in flight (:mod:`kentei_local.moto_sqs`), so a group whose batch failed starts again from its
first message, as SQS does; and a queue's messages are counted (:func:`kentei_local.probes.
messages_in`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.sqs.models import Queue

from kentei_local import moto_sqs
from kentei_local.probes import messages_in

moto_sqs.install()

VISIBILITY_S = 1


@pytest.fixture
def fifo() -> Iterator[tuple[Any, str]]:
    with mock_aws():
        sqs = boto3.client(
            "sqs",
            region_name="ap-northeast-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        url = sqs.create_queue(
            QueueName="q.fifo",
            Attributes={"FifoQueue": "true", "VisibilityTimeout": str(VISIBILITY_S)},
        )["QueueUrl"]
        yield sqs, url


def _send(sqs: Any, url: str, group: str, *bodies: str) -> None:
    for body in bodies:
        sqs.send_message(
            QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=body
        )


def _receive(sqs: Any, url: str, wait_s: int = 0) -> list[str]:
    answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_s)
    return [message["Body"] for message in answer.get("Messages", [])]


@pytest.mark.parametrize("wait_s", [0, 2])
def test_given_a_groups_batch_visible_again_together_then_its_first_message_comes_first(
    fifo: tuple[Any, str], wait_s: int
) -> None:
    sqs, url = fifo
    _send(sqs, url, "g", "m0", "m1", "m2")
    assert _receive(sqs, url) == ["m0", "m1", "m2"]

    if not wait_s:
        time.sleep(VISIBILITY_S + 0.5)
    # A long poll that starts while the batch is in flight sees it come back, too.
    again = _receive(sqs, url, wait_s)

    assert again[:1] == ["m0"]
    assert again == sorted(again)


def test_given_a_message_in_flight_then_its_group_is_held_back_and_others_are_not(
    fifo: tuple[Any, str],
) -> None:
    sqs, url = fifo
    _send(sqs, url, "g", "g0", "g1")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]
    assert first["Body"] == "g0"
    _send(sqs, url, "h", "h0")

    assert _receive(sqs, url) == ["h0"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert _receive(sqs, url) == ["g1"]


def test_messages_in_counts_waiting_and_in_flight_messages_until_deleted(
    fifo: tuple[Any, str],
) -> None:
    sqs, url = fifo
    _send(sqs, url, "g", "w0", "w1")
    assert messages_in(sqs, url) == 2
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert messages_in(sqs, url) == 2  # in flight still counts
    for message in received:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert messages_in(sqs, url) == 0


def test_given_a_group_held_back_then_a_long_poll_waits_instead_of_spinning(
    fifo: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long poll on a FIFO queue whose visible messages are all held back (their group in
    flight) looks at the queue about ten times a second, not as fast as it can."""
    sqs, url = fifo
    _send(sqs, url, "g", "first", "behind")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=5)
    assert first["Messages"][0]["Body"] == "first"
    looks = 0
    scan = vars(Queue)["messages"].fget

    def counted(queue: Queue) -> Any:
        nonlocal looks
        looks += 1
        return scan(queue)

    monkeypatch.setattr(Queue, "messages", property(counted))
    assert _receive(sqs, url, wait_s=1) == []  # "behind" waits for "first"
    assert 5 <= looks <= 40
