"""Messages onto the catalog's queues: the envelope of :mod:`kentei.messages`, nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from kentei import aws, messages, settings

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import MessageAttributeValueTypeDef

ERROR_ATTRIBUTE: Final = "error"
"""The message attribute a message set aside in a DLQ carries: the error's class and text
(ids and rules only: the errors that reach here never hold personal data)."""
_MAX_ERROR: Final = 1000


def send(queue: str, message: messages.Envelope) -> str:
    """Send ``message`` to the catalog queue ``queue``; the message id."""
    response = aws.sqs().send_message(
        QueueUrl=settings.queue_url(queue), MessageBody=messages.encode(message)
    )
    return response["MessageId"]


def send_in_order(queue: str, message: messages.Envelope, *, group: str, dedup: str) -> str:
    """Send ``message`` to the FIFO catalog queue ``queue``, after the messages sent before in
    ``group``; a second message of the same ``dedup`` within five minutes is taken once."""
    response = aws.sqs().send_message(
        QueueUrl=settings.queue_url(queue),
        MessageBody=messages.encode(message),
        MessageGroupId=group,
        MessageDeduplicationId=dedup,
    )
    return response["MessageId"]


def set_aside(
    queue: str, body: str, error: str, *, group: str | None = None, dedup: str | None = None
) -> str:
    """Put a message (its body as received) in the DLQ of catalog queue ``queue`` at once, with
    ``error`` as its ``error`` attribute: what retrying cannot fix. A FIFO queue's DLQ needs
    ``group`` and ``dedup``."""
    attributes: dict[str, MessageAttributeValueTypeDef] = {
        ERROR_ATTRIBUTE: {"DataType": "String", "StringValue": error[:_MAX_ERROR] or "-"}
    }
    if group is None or dedup is None:
        response = aws.sqs().send_message(
            QueueUrl=settings.dlq_url(queue), MessageBody=body, MessageAttributes=attributes
        )
    else:
        response = aws.sqs().send_message(
            QueueUrl=settings.dlq_url(queue),
            MessageBody=body,
            MessageAttributes=attributes,
            MessageGroupId=group,
            MessageDeduplicationId=dedup,
        )
    return response["MessageId"]
