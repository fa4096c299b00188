"""Certify: the SQS consumer of the certify queue (exam tickets and their voids now;
certificates and notices of passes to come)."""

from __future__ import annotations

from certify.dependencies import dependencies
from certify.tickets import issue_ticket
from certify.voids import void_ticket
from kentei import messages
from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore

FUNCTION = "certify"


def _ticket(message: messages.Envelope) -> None:
    assert isinstance(message, messages.TicketDue)
    issued = issue_ticket(message, dependencies())
    consumer.instruments.logger.info(
        "exam ticket",
        extra={
            "application_id": message.application_id,
            "ticket_id": issued.ticket_id,
            "new": issued.new,
            "notified": issued.notified,
            "superseded": issued.superseded,
        },
    )
    if issued.new:
        consumer.instruments.count("TicketsIssued", prefecture_code=message.prefecture_code)


def _void(message: messages.Envelope) -> None:
    assert isinstance(message, messages.TicketVoid)
    voided = void_ticket(message, dependencies())
    consumer.instruments.logger.info(
        "exam ticket void",
        extra={
            "application_id": message.application_id,
            "ticket_id": voided.ticket_id,
            "new": voided.new,
            "notified": voided.notified,
        },
    )
    if voided.new:
        consumer.instruments.count("TicketsVoided", prefecture_code=message.prefecture_code)


consumer = QueueConsumer(
    FUNCTION,
    {
        "heartbeat": heartbeat_route(FUNCTION, DynamoHeartbeatStore),
        "ticket_due": _ticket,
        "ticket_void": _void,
    },
)
handler = consumer.handler
