"""Sync: the SQS consumer of the sync queue (results, pass decisions, later the national
sync). Each message kind is routed to its logic, which takes the composition root's ports
(:mod:`sync.dependencies`)."""

from __future__ import annotations

from kentei import messages
from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore
from kentei.instrumentation import Instruments
from sync.announcements import announce_group
from sync.decisions import decide_group
from sync.dependencies import dependencies
from sync.import_routes import import_routes

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
    },
)
handler = consumer.handler
