"""Certify: the SQS consumer of the certify queue: exam tickets and their voids; for each
announced page of passes, their certificates and then their pass and part-pass notices;
certificates of pass on request; e-Gov completion notices; and, daily (the ``status-lists``
schedule, ``kentei.catalog.SCHEDULES``), the status lists re-signed and the JWKS re-published."""

from __future__ import annotations

from certify.certificates import issue_certificates, issue_proof
from certify.completion_notices import send_completion_notice
from certify.dependencies import dependencies, notice_dependencies, renewal_dependencies
from certify.pass_notices import send_pass_notices
from certify.tickets import issue_ticket
from certify.voids import void_ticket
from kentei import messages
from kentei.consumer import QueueConsumer, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore

FUNCTION = "certify"


def _report(
    event: str, prefecture_code: str, extra: dict[str, object], counts: dict[str, int]
) -> None:
    """The handled message's log line (ids, codes and counts only) and its non-zero counts,
    by prefecture."""
    consumer.instruments.logger.info(event, extra=extra)
    for metric, value in counts.items():
        if value:
            consumer.instruments.count(metric, value, prefecture_code=prefecture_code)


def _ticket(message: messages.Envelope) -> None:
    assert isinstance(message, messages.TicketDue)
    issued = issue_ticket(message, dependencies())
    _report(
        "exam ticket",
        message.prefecture_code,
        {
            "application_id": message.application_id,
            "ticket_id": issued.ticket_id,
            "new": issued.new,
            "notified": issued.notified,
            "superseded": issued.superseded,
        },
        {"TicketsIssued": int(issued.new)},
    )


def _void(message: messages.Envelope) -> None:
    assert isinstance(message, messages.TicketVoid)
    voided = void_ticket(message, dependencies())
    _report(
        "exam ticket void",
        message.prefecture_code,
        {
            "application_id": message.application_id,
            "ticket_id": voided.ticket_id,
            "new": voided.new,
            "notified": voided.notified,
        },
        {"TicketsVoided": int(voided.new)},
    )


def _certificates(message: messages.Envelope) -> None:
    assert isinstance(message, messages.PassesAnnounced)
    report = issue_certificates(message, dependencies())
    _report(
        "pass certificates",
        message.prefecture_code,
        {
            "prefecture_code": message.prefecture_code,
            "passes": len(message.application_ids),
            "counts": dict(report.counts),
            "published_lists": report.published,
        },
        {"CertificatesIssued": report.counts["issued"], "CertificatesHeld": report.counts["held"]},
    )


def _proof(message: messages.Envelope) -> None:
    assert isinstance(message, messages.ProofRequested)
    outcome = issue_proof(message, dependencies())
    _report(
        "certificate of pass",
        message.prefecture_code,
        {
            "prefecture_code": message.prefecture_code,
            "proof_id": message.proof_id,
            "outcome": outcome,
        },
        {"CertificatesIssued": int(outcome == "issued")},
    )


def _pass_notices(message: messages.Envelope) -> None:
    assert isinstance(message, messages.PassesAnnounced)
    page = send_pass_notices(message, notice_dependencies())
    _report(
        "pass notices",
        message.prefecture_code,
        {
            "group_key": message.group_key,
            "sent": page.sent,
            "post_list": page.post_list,
            "already": page.already,
            "skipped": page.skipped,
        },
        {"PassNoticesSent": page.sent, "PassNoticesPosted": page.post_list},
    )


def _completion_notice(message: messages.Envelope) -> None:
    assert isinstance(message, messages.CompletionNoticeDue)
    completed = send_completion_notice(message, notice_dependencies())
    _report(
        "e-Gov completion notice",
        message.prefecture_code,
        {
            "application_id": message.application_id,
            "notice_id": completed.notice_id,
            "outcome": completed.outcome.value,
            "new": completed.new,
        },
        {"CompletionNoticesSent": int(completed.new)},
    )


def _reissue(message: messages.Envelope) -> None:
    assert isinstance(message, messages.ReissueRequested)
    # Imported here: a rare message kind (its status list flips sign with crypto), kept off
    # every ticket's and announcement's cold start.
    from certify.status_changes import issue_reissue

    reissued = issue_reissue(message, dependencies())
    _report(
        "certificate reissue",
        message.prefecture_code,
        {
            "reissue_id": message.reissue_id,
            "outcome": reissued.outcome,
            "certificate_id": reissued.certificate_id,
            "published_lists": reissued.published,
        },
        {"CertificatesReissued": int(reissued.outcome == "issued")},
    )


def _pass_revoked(message: messages.Envelope) -> None:
    """The pass's certificates revoked in the published status lists, then the person's
    notice, each attempted whatever became of the other; the first failure then fails the
    message, and the retry redoes both idempotently."""
    assert isinstance(message, messages.PassRevoked)
    # Imported here: a rare message kind (its status list flips sign with crypto), kept off
    # every ticket's and announcement's cold start.
    from certify.revocation_notices import send_revocation_notice
    from certify.status_changes import revoke_certificates

    failure: Exception | None = None
    try:
        revoked = revoke_certificates(message, dependencies())
        _report(
            "pass revocation: certificates",
            message.prefecture_code,
            {
                "application_id": message.application_id,
                "revoked": revoked.revoked,
                "already": revoked.already,
                "published_lists": revoked.published,
            },
            {"CertificatesRevoked": len(revoked.revoked)},
        )
    except Exception as error:  # re-raised below, after the notice
        failure = error
    noticed = send_revocation_notice(message, notice_dependencies())
    _report(
        "pass revocation: notice",
        message.prefecture_code,
        {"application_id": message.application_id, "outcome": noticed},
        {"RevocationNoticesSent": int(noticed == "sent")},
    )
    if failure is not None:
        raise failure


def _status_lists(message: messages.Envelope) -> None:
    assert isinstance(message, messages.StatusListsDue)
    # Imported here: a daily message kind, kept off every other invocation's cold start.
    from certify.status_renewal import renew_status_lists

    renewal = renew_status_lists(message, renewal_dependencies())
    consumer.instruments.logger.info(
        "status lists renewed",
        extra={
            "scheduled_at": message.scheduled_at.isoformat(),
            "resigned": renewal.resigned,
            "current": len(renewal.current),
            "rotated": renewal.rotated,
            "jwks_published": renewal.jwks_published,
        },
    )
    consumer.instruments.count("StatusListsResigned", len(renewal.resigned))


def _passes_announced(message: messages.Envelope) -> None:
    """The page's certificates, then its notices, each attempted whatever became of the other
    (a pass notice does not wait on a certificate the font held or a record missing); the
    first failure then fails the message, and the retry redoes both idempotently."""
    failure: Exception | None = None
    try:
        _certificates(message)
    except Exception as error:  # re-raised below, after the notices
        failure = error
    _pass_notices(message)
    if failure is not None:
        raise failure


consumer = QueueConsumer(
    FUNCTION,
    {
        "heartbeat": heartbeat_route(FUNCTION, DynamoHeartbeatStore),
        "ticket_due": _ticket,
        "ticket_void": _void,
        "passes_announced": _passes_announced,
        "proof_requested": _proof,
        "completion_notice_due": _completion_notice,
        "reissue_requested": _reissue,
        "pass_revoked": _pass_revoked,
        "status_lists_due": _status_lists,
    },
)
handler = consumer.handler
