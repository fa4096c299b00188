"""Sync: the SQS consumer of the sync queue (results, pass decisions, result imports), and the
national outbox's two sources (:mod:`sync.national_handler`): the records table's stream and
the FIFO national queue. Each message kind is routed to its logic, which takes the
composition root's ports (:mod:`sync.dependencies`)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from kentei import messages
from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore
from kentei.instrumentation import Instruments
from sync.announcements import announce_group
from sync.decisions import decide_group
from sync.dependencies import dependencies
from sync.import_routes import import_routes
from sync.national_handler import NationalConsumer, is_fifo, is_stream, on_stream
from sync.reconcile_routes import reconcile_routes

FUNCTION = "sync"


def _decide(message: messages.Envelope) -> None:
    assert isinstance(message, messages.ResultsDecisionsDue)
    run = decide_group(message, dependencies())
    _report("results decided", message, run.counts, len(run.problems))


def _announce(message: messages.Envelope) -> None:
    assert isinstance(message, messages.ResultsAnnouncementDue)
    run = announce_group(message, dependencies())
    _report("results announced", message, run.counts, len(run.problems))


def _report(
    text: str, message: messages.ResultsGroupMessage, counts: dict[str, int], problems: int
) -> None:
    """Counts and codes only: never a person."""
    consumer.instruments.logger.info(
        text,
        extra={
            "prefecture_code": message.prefecture_code,
            "round": f"{message.fiscal_year}-{message.term}",
            "work_code": message.work_code,
            "grade": message.grade,
            "counts": counts,
            "problems": problems,
        },
    )


def _instruments() -> Instruments:
    return consumer.instruments


consumer = QueueConsumer(
    FUNCTION,
    {
        "heartbeat": heartbeat_route(FUNCTION, DynamoHeartbeatStore),
        "results_decisions_due": _decide,
        "results_announcement_due": _announce,
        # Result files (R11): checked on upload (the imports bucket's notification), applied
        # on commit.
        **import_routes(_instruments),
        **reconcile_routes(_instruments),
    },
)
national = NationalConsumer(consumer.instruments, heartbeat_route(FUNCTION, DynamoHeartbeatStore))


def _handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_stream(event):
        return on_stream(event, consumer.instruments)
    if is_fifo(event):
        return national.handle(event, context)
    return consumer.process(event, context)


handler = consumer.instruments.wrap(_handle)
