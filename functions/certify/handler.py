"""Certify: the SQS consumer of the certify queue (exam tickets and their voids, the
certificates of announced passes; notices of part passes to come)."""

from __future__ import annotations

from certify.certificates import issue_certificates, issue_proof
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


def _certificates(message: messages.Envelope) -> None:
    assert isinstance(message, messages.PassesAnnounced)
    report = issue_certificates(message, dependencies())
    consumer.instruments.logger.info(
        "pass certificates",
        extra={
            "prefecture_code": message.prefecture_code,
            "passes": len(message.application_ids),
            "counts": dict(report.counts),
            "published_lists": report.published,
        },
    )
    if report.counts["issued"]:
        consumer.instruments.count(
            "CertificatesIssued", report.counts["issued"], prefecture_code=message.prefecture_code
        )
    if report.counts["held"]:
        consumer.instruments.count(
            "CertificatesHeld", report.counts["held"], prefecture_code=message.prefecture_code
        )


def _proof(message: messages.Envelope) -> None:
    assert isinstance(message, messages.ProofRequested)
    outcome = issue_proof(message, dependencies())
    consumer.instruments.logger.info(
        "certificate of pass",
        extra={
            "prefecture_code": message.prefecture_code,
            "proof_id": message.proof_id,
            "outcome": outcome,
        },
    )
    if outcome == "issued":
        consumer.instruments.count("CertificatesIssued", prefecture_code=message.prefecture_code)


consumer = QueueConsumer(
    FUNCTION,
    {
        "heartbeat": heartbeat_route(FUNCTION, DynamoHeartbeatStore),
        "ticket_due": _ticket,
        "ticket_void": _void,
        "passes_announced": _certificates,
        "proof_requested": _proof,
    },
)
handler = consumer.handler
