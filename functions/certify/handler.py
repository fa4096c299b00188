"""Certify: the SQS consumer of the certify queue: exam tickets and their voids; for each
announced page of passes, their certificates and then their pass and part-pass notices;
certificates of pass on request; e-Gov completion notices; reissues and revocations of
certificates; and, daily (the ``status-lists`` schedule, ``kentei.catalog.SCHEDULES``), the
status lists re-signed and the JWKS re-published.

:data:`ROUTES` is the one table of what each message kind does: its message model and its
steps. A step calls one piece of logic with the composition root's ports
(:mod:`certify.dependencies`) and returns its :class:`Report` (a log line of ids, codes and
counts; never a person), which the route logs and counts. A kind of two steps (an announced
page: its certificates, then its notices; a revoked pass: its certificates revoked, then the
person's notice) attempts each whatever became of the other, so a notice does not wait on a
certificate the font held or a record missing; the first failure then fails the message, and
the retry redoes both idempotently."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, TypeVar

from certify.certificates import issue_certificates, issue_proof
from certify.completion_notices import send_completion_notice
from certify.container import KEPT
from certify.dependencies import dependencies, notice_dependencies, renewal_dependencies
from certify.pass_notices import send_pass_notices
from certify.tickets import issue_ticket
from certify.voids import void_ticket
from kentei import messages, snapstart
from kentei.consumer import QueueConsumer, Route, UnroutedMessageError, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore

FUNCTION = "certify"


@dataclass(frozen=True)
class Report:
    """What a step did: its log line (``event`` with ``fields``: ids, codes and counts only)
    and its counts (metrics)."""

    event: str
    fields: dict[str, object]
    counts: dict[str, int] = field(default_factory=dict)
    prefecture_code: str | None = None
    """The counts' dimension, and only those not zero are counted; None for the issuer's
    own daily job, counted every run (zero too: it shows the run)."""


M = TypeVar("M", bound=messages.Envelope)


def _route(model: type[M], *steps: Callable[[M], Report]) -> Route:
    """The route of ``model``'s messages: each step in turn, whatever became of the one
    before; the first failure then fails the message."""

    def route(message: messages.Envelope) -> None:
        if not isinstance(message, model):
            raise UnroutedMessageError(f"the {model.__name__} route got a {message.kind} message")
        failure: Exception | None = None
        for step in steps:
            try:
                report = step(message)
            except Exception as error:  # re-raised below, after the other steps
                failure = error if failure is None else failure
                continue
            _log(report)
        if failure is not None:
            raise failure

    return route


def _log(report: Report) -> None:
    instruments = consumer.instruments
    instruments.logger.info(report.event, extra=report.fields)
    for metric, value in report.counts.items():
        if report.prefecture_code is None:
            instruments.count(metric, value)
        elif value:
            instruments.count(metric, value, prefecture_code=report.prefecture_code)


# The steps, one piece of logic each.


def _ticket(message: messages.TicketDue) -> Report:
    issued = issue_ticket(message, dependencies())
    return Report(
        "exam ticket",
        {
            "application_id": message.application_id,
            "ticket_id": issued.ticket_id,
            "new": issued.new,
            "notified": issued.notified,
            "superseded": issued.superseded,
        },
        {"TicketsIssued": int(issued.new)},
        message.prefecture_code,
    )


def _void(message: messages.TicketVoid) -> Report:
    voided = void_ticket(message, dependencies())
    return Report(
        "exam ticket void",
        {
            "application_id": message.application_id,
            "ticket_id": voided.ticket_id,
            "new": voided.new,
            "notified": voided.notified,
        },
        {"TicketsVoided": int(voided.new)},
        message.prefecture_code,
    )


def _certificates(message: messages.PassesAnnounced) -> Report:
    report = issue_certificates(message, dependencies())
    return Report(
        "pass certificates",
        {
            "prefecture_code": message.prefecture_code,
            "passes": len(message.application_ids),
            "counts": dict(report.counts),
            "published_lists": report.published,
        },
        {"CertificatesIssued": report.counts["issued"], "CertificatesHeld": report.counts["held"]},
        message.prefecture_code,
    )


def _pass_notices(message: messages.PassesAnnounced) -> Report:
    page = send_pass_notices(message, notice_dependencies())
    return Report(
        "pass notices",
        {
            "group_key": message.group_key,
            "sent": page.sent,
            "post_list": page.post_list,
            "already": page.already,
            "skipped": page.skipped,
        },
        {"PassNoticesSent": page.sent, "PassNoticesPosted": page.post_list},
        message.prefecture_code,
    )


def _proof(message: messages.ProofRequested) -> Report:
    outcome = issue_proof(message, dependencies())
    return Report(
        "certificate of pass",
        {
            "prefecture_code": message.prefecture_code,
            "proof_id": message.proof_id,
            "outcome": outcome,
        },
        {"CertificatesIssued": int(outcome == "issued")},
        message.prefecture_code,
    )


def _completion_notice(message: messages.CompletionNoticeDue) -> Report:
    completed = send_completion_notice(message, notice_dependencies())
    return Report(
        "e-Gov completion notice",
        {
            "application_id": message.application_id,
            "notice_id": completed.notice_id,
            "outcome": completed.outcome.value,
            "new": completed.new,
        },
        {"CompletionNoticesSent": int(completed.new)},
        message.prefecture_code,
    )


def _reissue(message: messages.ReissueRequested) -> Report:
    # Imported here: a rare message kind (the status lists it changes are signed: crypto),
    # kept off every ticket's and announcement's cold start.
    from certify.status_changes import issue_reissue

    reissued = issue_reissue(message, dependencies())
    return Report(
        "certificate reissue",
        {
            "reissue_id": message.reissue_id,
            "outcome": reissued.outcome,
            "certificate_id": reissued.certificate_id,
            "published_lists": reissued.published,
        },
        {"CertificatesReissued": int(reissued.outcome == "issued")},
        message.prefecture_code,
    )


def _revoked_certificates(message: messages.PassRevoked) -> Report:
    # Imported here: a rare message kind (the status lists it changes are signed: crypto),
    # kept off every ticket's and announcement's cold start.
    from certify.status_changes import revoke_certificates

    revoked = revoke_certificates(message, dependencies())
    return Report(
        "pass revocation: certificates",
        {
            "application_id": message.application_id,
            "revoked": revoked.revoked,
            "already": revoked.already,
            "published_lists": revoked.published,
        },
        {"CertificatesRevoked": len(revoked.revoked)},
        message.prefecture_code,
    )


def _revocation_notice(message: messages.PassRevoked) -> Report:
    # Imported here: a rare message kind, kept off every other invocation's cold start.
    from certify.revocation_notices import send_revocation_notice

    noticed = send_revocation_notice(message, notice_dependencies())
    return Report(
        "pass revocation: notice",
        {"application_id": message.application_id, "outcome": noticed},
        {"RevocationNoticesSent": int(noticed == "sent")},
        message.prefecture_code,
    )


def _status_lists(message: messages.StatusListsDue) -> Report:
    # Imported here: a daily message kind, kept off every other invocation's cold start.
    from certify.status_renewal import renew_status_lists

    renewal = renew_status_lists(message, renewal_dependencies())
    return Report(
        "status lists renewed",
        {
            "scheduled_at": message.scheduled_at.isoformat(),
            "resigned": renewal.resigned,
            "current": len(renewal.current),
            "rotated": renewal.rotated,
            "jwks_published": renewal.jwks_published,
        },
        {"StatusListsResigned": len(renewal.resigned)},
    )


_announced: Final = _route(messages.PassesAnnounced, _certificates, _pass_notices)


def _use_resumed(message: messages.UseResumed) -> Report:
    # Imported here: a rare message kind, kept off every other invocation's cold start.
    from certify.suspension import resume_held_work

    store = dependencies().suspensions(message.prefecture_code)
    done = resume_held_work(message, store, _announced)
    return Report(
        "held passes resumed" if done is not None else "use still suspended",
        {
            "prefecture_code": message.prefecture_code,
            "qualification_pseudonym_id": message.qualification_pseudonym_id,
            "passes": done or 0,
        },
        {"HeldPassesResumed": done or 0},
        message.prefecture_code,
    )


ROUTES: Final[dict[str, Route]] = {
    "heartbeat": heartbeat_route(FUNCTION, DynamoHeartbeatStore),
    "ticket_due": _route(messages.TicketDue, _ticket),
    "ticket_void": _route(messages.TicketVoid, _void),
    "passes_announced": _announced,
    "proof_requested": _route(messages.ProofRequested, _proof),
    "completion_notice_due": _route(messages.CompletionNoticeDue, _completion_notice),
    "reissue_requested": _route(messages.ReissueRequested, _reissue),
    "pass_revoked": _route(messages.PassRevoked, _revoked_certificates, _revocation_notice),
    "status_lists_due": _route(messages.StatusListsDue, _status_lists),
    # A person's suspension of use lifted (P10): their held certificates and notices go.
    "use_resumed": _route(messages.UseResumed, _use_resumed),
}

consumer = QueueConsumer(FUNCTION, ROUTES)
# SnapStart: what this container keeps is forgotten before its snapshot and after a restore.
snapstart.keep(*KEPT)
handler = consumer.handler
