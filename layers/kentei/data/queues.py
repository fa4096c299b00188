"""Messages onto the catalog's queues: the envelope of :mod:`kentei.messages`, nothing else."""

from __future__ import annotations

from kentei import aws, messages, settings


def send(queue: str, message: messages.Envelope) -> str:
    """Send ``message`` to the catalog queue ``queue``; the message id."""
    response = aws.sqs().send_message(
        QueueUrl=settings.queue_url(queue), MessageBody=messages.encode(message)
    )
    return response["MessageId"]
