"""Sync's two other event sources, both of the national outbox (:mod:`sync.national`): the
records table's stream and the FIFO ``national`` queue. Log lines carry kinds, counts,
message ids and error classes, never a record's data."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from kentei import messages
from kentei.consumer import Route
from kentei.instrumentation import Instruments
from kentei.national.port import NationalThrottledError
from sync import dependencies as composition
from sync.national import forward_changes, newest_in_batch, send_due
from sync.national_ports import NationalPorts

STREAM_SOURCE = "aws:dynamodb"
MAX_BACKOFF_S = 900
"""The longest a throttled message waits before it is received again (15 minutes)."""


def is_stream(event: dict[str, Any]) -> bool:
    records = event.get("Records") or []
    return bool(records) and records[0].get("eventSource") == STREAM_SOURCE


def is_fifo(event: dict[str, Any]) -> bool:
    records = event.get("Records") or []
    return bool(records) and str(records[0].get("eventSourceARN", "")).endswith(".fifo")


def on_stream(event: dict[str, Any], instruments: Instruments) -> dict[str, Any]:
    """Forward the batch's changes in order; report the first that failed, so the mapping
    retries from it (ReportBatchItemFailures: the lowest sequence number reported)."""
    done = forward_changes(list(event["Records"]), composition.dependencies().national)
    if done.failed is None:
        instruments.logger.info("national changes forwarded", extra={"counts": done.counts})
        return {"batchItemFailures": []}
    instruments.logger.warning(
        "national change not forwarded",
        extra={"counts": done.counts, "sequence_number": done.failed, "error": done.error},
    )
    return {"batchItemFailures": [{"itemIdentifier": done.failed}]}


class NationalConsumer:
    """The FIFO national queue: each group in order, a group stopped at its first failure
    (Powertools' :class:`SqsFifoPartialProcessor`, the rest of the group reported failed)."""

    def __init__(self, instruments: Instruments, heartbeat: Route) -> None:
        self._instruments = instruments
        self._heartbeat = heartbeat
        self._processor = SqsFifoPartialProcessor(skip_group_on_error=True)
        # A batch that failed whole is a partial response too (as the sync queue's consumer):
        # the failures are reported, not raised.
        self._processor.raise_on_entire_batch_failure = False
        self._newest: dict[tuple[str, str], int] = {}
        self._suspended: dict[str, frozenset[str]] = {}
        self._outcomes: Counter[str] = Counter()

    def handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        self._newest = newest_in_batch(_decodable(event["Records"]))
        self._suspended = {}
        self._outcomes = Counter()
        response = process_partial_response(
            event=event,
            record_handler=self._record,
            processor=self._processor,
            context=context,
        )
        self._instruments.logger.info(
            "national records sent",
            extra={
                "outcomes": dict(self._outcomes),
                "failed": len(response.get("batchItemFailures", [])),
            },
        )
        return dict(response)

    def _record(self, record: SQSRecord) -> None:
        try:
            message = messages.decode(record.body)
            if isinstance(message, messages.Heartbeat):
                # An operator's (or the demo's) wiring check through this queue.
                self._heartbeat(message)
                self._outcomes["heartbeat"] += 1
                return
            if not isinstance(message, messages.NationalRecordDue):
                raise messages.InvalidMessageError(f"the national queue got a {message.kind}")
            deps = composition.dependencies()
            key = (message.record_kind, message.record_id)
            outcome = send_due(
                message,
                deps.national,
                deps.clock,
                newest=self._newest.get(key),
                suspended=self._suspended_in(deps.national, message.prefecture_code),
            )
        except NationalThrottledError as exc:
            self._back_off(record, exc)
            raise
        except Exception as exc:
            self._instruments.logger.warning(
                "national record failed",
                extra={
                    "message_id": record.message_id,
                    "receive_count": record.attributes.approximate_receive_count,
                    "error": type(exc).__name__,
                },
            )
            raise
        self._outcomes[outcome.value] += 1

    def _suspended_in(self, ports: NationalPorts, prefecture_code: str) -> frozenset[str]:
        """Whose use is suspended in the prefecture: read once per batch and prefecture."""
        if prefecture_code not in self._suspended:
            self._suspended[prefecture_code] = ports.items(prefecture_code).suspended_persons()
        return self._suspended[prefecture_code]

    def _back_off(self, record: SQSRecord, exc: NationalThrottledError) -> None:
        """Receive the message again when the national side said to (bounded), not after the
        whole visibility timeout; its group waits behind it either way."""
        self._instruments.logger.warning(
            "national side throttled",
            extra={"message_id": record.message_id, "retry_after_s": exc.retry_after_s},
        )
        backoff = composition.dependencies().national.backoff
        if backoff is None or exc.retry_after_s is None:
            return
        seconds = min(MAX_BACKOFF_S, max(1, math.ceil(exc.retry_after_s)))
        try:
            backoff.retry_in(record.receipt_handle, seconds)
        except Exception as failed:  # the visibility timeout applies instead
            self._instruments.logger.warning(
                "backoff not set", extra={"error": type(failed).__name__}
            )


def _decodable(records: list[dict[str, Any]]) -> list[messages.NationalRecordDue]:
    found = []
    for record in records:
        try:
            message = messages.decode(record.get("body", ""))
        except messages.InvalidMessageError:
            continue
        if isinstance(message, messages.NationalRecordDue):
            found.append(message)
    return found
