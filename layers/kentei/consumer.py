"""SQS consumers: the shape every queue-triggered function shares.

Lambda's event source mapping delivers a batch; each record is decoded into a message
(:mod:`kentei.messages`) and routed by kind. A record that fails, for any reason, is reported
in the partial batch response so only it is retried, and after ``maxReceiveCount`` receives
the queue moves it to its DLQ: nothing is dropped. Log lines name the message id and the
reason, never the body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from kentei import heartbeat, messages
from kentei.instrumentation import Instruments, LambdaHandler

Route = Callable[[messages.Envelope], None]


class UnroutedMessageError(RuntimeError):
    """A valid message of a kind this consumer does not handle: it was sent to the wrong queue."""


class QueueConsumer:
    def __init__(self, function: str, routes: Mapping[str, Route]) -> None:
        self.function = function
        self.instruments = Instruments.for_service(function)
        self._routes = dict(routes)
        self._processor = BatchProcessor(
            event_type=EventType.SQS, raise_on_entire_batch_failure=False
        )
        self.handler: LambdaHandler = self.instruments.wrap(self._handle)

    def process(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        """The batch without the instruments' wrapping: for a handler that wraps its own
        (sync's, which also reads a table stream and a FIFO queue)."""
        return self._handle(event, context)

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        response = process_partial_response(
            event=event,
            record_handler=self._process_record,
            processor=self._processor,
            context=context,
        )
        return dict(response)

    def _process_record(self, record: SQSRecord) -> None:
        logger, metrics = self.instruments.logger, self.instruments.metrics
        try:
            message = messages.decode(record.body)
            if isinstance(message, messages.S3TestEvent):
                # S3 checks a new notification with it: acknowledged, nothing to do.
                logger.info("s3 test event dropped", extra={"message_id": record.message_id})
                return
            route = self._routes.get(message.kind)
            if route is None:
                raise UnroutedMessageError(f"{self.function} does not handle {message.kind}")
            route(message)
        except Exception as exc:
            metrics.add_metric(name="MessagesFailed", unit=MetricUnit.Count, value=1)
            logger.warning(
                "message failed",
                extra={
                    "message_id": record.message_id,
                    "receive_count": record.attributes.approximate_receive_count,
                    "error": type(exc).__name__,
                    "reason": str(exc) if isinstance(exc, messages.InvalidMessageError) else None,
                },
            )
            raise
        metrics.add_metric(name="MessagesProcessed", unit=MetricUnit.Count, value=1)
        logger.info(
            "message processed", extra={"message_id": record.message_id, "kind": message.kind}
        )


def heartbeat_route(function: str, store: Callable[[], heartbeat.HeartbeatStore]) -> Route:
    """Acknowledge heartbeats into the store built by ``store`` (lazily, on first use)."""

    def _route(message: messages.Envelope) -> None:
        if not isinstance(message, messages.Heartbeat):
            raise UnroutedMessageError(f"the heartbeat route got a {message.kind} message")
        heartbeat.acknowledge(message, function, store(), datetime.now(UTC))

    return _route
