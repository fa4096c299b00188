"""Sync: the SQS consumer of the sync queue (results, pass decisions, result imports), and the
national outbox's two sources (:mod:`sync.national_handler`): the records table's stream and
the FIFO national queue. Each message kind is routed to its logic, which takes the
composition root's ports (:mod:`sync.dependencies`)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from kentei import messages, snapstart
from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore
from kentei.instrumentation import Instruments
from sync.announcements import announce_group
from sync.container import KEPT
from sync.decisions import decide_group
from sync.dependencies import dependencies
from sync.import_routes import import_routes
from sync.national_handler import NationalConsumer, is_fifo, is_stream, on_stream
from sync.reconcile_routes import reconcile_routes
from sync.retention_routes import retention_routes

FUNCTION = "sync"


def _decide(message: messages.Envelope) -> None:
    assert isinstance(message, messages.ResultsDecisionsDue)
    run = decide_group(message, dependencies())
    _report("results decided", message, run.counts, len(run.problems))


def _announce(message: messages.Envelope) -> None:
    assert isinstance(message, messages.ResultsAnnouncementDue)
    run = announce_group(message, dependencies())
    _report("results announced", message, run.counts, len(run.problems))


def _national_changes_due(message: messages.Envelope) -> None:
    assert isinstance(message, messages.NationalChangesDue)
    # Imported here: a scheduled kind, kept off the results' cold start.
    from sync.national_pull import start_pulls

    sent = start_pulls(message, dependencies().pull)
    consumer.instruments.logger.info("national pulls sent", extra={"prefectures": list(sent)})


def _national_changes_pull(message: messages.Envelope) -> None:
    assert isinstance(message, messages.NationalChangesPull)
    from sync.national_pull import pull_changes

    deps = dependencies()
    run = pull_changes(message, deps.pull, deps.clock)
    consumer.instruments.logger.info(
        "national changes taken",
        extra={
            "prefecture_code": run.prefecture_code,
            "round": message.round,
            "counts": run.counts,
            "cursor": run.cursor,
            "more": run.more,
        },
    )


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
        # The national qualifications system's changes (issue 12, pull).
        "national_changes_due": _national_changes_due,
        "national_changes_pull": _national_changes_pull,
        # Result files (R11): checked on upload (the imports bucket's notification), applied
        # on commit.
        **import_routes(_instruments),
        **reconcile_routes(_instruments),
        # The retention job (P8): per prefecture, what has passed its period.
        **retention_routes(_instruments),
    },
)
national = NationalConsumer(consumer.instruments, heartbeat_route(FUNCTION, DynamoHeartbeatStore))


def _handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_stream(event):
        return on_stream(event, consumer.instruments)
    if is_fifo(event):
        return national.handle(event, context)
    return consumer.process(event, context)


# SnapStart: what this container keeps is forgotten before its snapshot and after a restore.
snapstart.keep(*KEPT)
handler = consumer.instruments.wrap(_handle)
