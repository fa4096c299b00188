"""SQS consumers: the shape every queue-triggered function shares.

Lambda's event source mapping delivers a batch; each record is decoded into a message
(:mod:`kentei.messages`) and routed by kind. A record that fails, for any reason, is reported
in the partial batch response so only it is retried, and after ``maxReceiveCount`` receives
the queue moves it to its DLQ: nothing is dropped. Log lines name the message id and the
reason, never the body.

A record starts only while at least half the time the invocation began with remains
(:data:`RESERVE_SHARE`): the rest of a slow batch is handed back unstarted (``message
deferred``, the ``MessagesDeferred`` metric) and comes again after the visibility timeout, so
one batch of heavy messages never runs into the function's timeout, where Lambda would fail
the whole batch, the finished records with it. A deferred record waits out the queue's
visibility timeout (six times the function's) before it comes again, so a message kind is
sized (its pages) that a whole batch of it takes well under half its function's timeout, and
deferral stays a safety net. A deferral counts as a receive:
deferred ``maxReceiveCount`` times, a message reaches the DLQ with the error
``MessageDeferredError`` and is redriven from there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

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

RESERVE_SHARE: Final = 0.5
"""The share of an invocation's time that must remain for another record to start."""


class MessageDeferredError(RuntimeError):
    """Not started: too little of the invocation's time was left (it comes again)."""


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
        self._context: LambdaContext | None = None
        self._reserve_ms = 0

    def process(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        """The batch without the instruments' wrapping: for a handler that wraps its own
        (sync's, which also reads a table stream and a FIFO queue)."""
        return self._handle(event, context)

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        self._context = context
        self._reserve_ms = int(_remaining_ms(context) * RESERVE_SHARE)
        response = process_partial_response(
            event=event,
            record_handler=self._process_record,
            processor=self._processor,
            context=context,
        )
        return dict(response)

    def _process_record(self, record: SQSRecord) -> None:
        logger, metrics = self.instruments.logger, self.instruments.metrics
        remaining = _remaining_ms(self._context)
        if remaining < self._reserve_ms:
            metrics.add_metric(name="MessagesDeferred", unit=MetricUnit.Count, value=1)
            logger.info(
                "message deferred",
                extra={
                    "message_id": record.message_id,
                    "receive_count": record.attributes.approximate_receive_count,
                    "remaining_ms": remaining,
                },
            )
            raise MessageDeferredError(f"{remaining} ms left of the invocation")
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


def _remaining_ms(context: LambdaContext | None) -> int:
    """The invocation's time left; a context that cannot tell (a test's) has all of it."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return 2**31
    try:
        return int(remaining())
    except (AttributeError, TypeError, ValueError):
        return 2**31


def heartbeat_route(function: str, store: Callable[[], heartbeat.HeartbeatStore]) -> Route:
    """Acknowledge heartbeats into the store built by ``store`` (lazily, on first use)."""

    def _route(message: messages.Envelope) -> None:
        if not isinstance(message, messages.Heartbeat):
            raise UnroutedMessageError(f"the heartbeat route got a {message.kind} message")
        heartbeat.acknowledge(message, function, store(), datetime.now(UTC))

    return _route
