"""Verify: the SQS consumer of the verify queue.

``application_received`` → :func:`verify.verification.verify_application` (signatures, the
registry, the vault, registration); ``identity_chosen`` →
:func:`verify.identity_choice.enrol_chosen` (the person staff chose among the candidates);
``registry_recheck_due`` and ``registry_recheck_batch`` → :mod:`verify.recheck` (the periodic
registry re-check, 定期照会); ``change_request_received`` →
:func:`verify.change_requests.verify_change_request` (a person's signed change request);
``initial_registration_received`` →
:func:`verify.initial_registrations.verify_initial_registration` (R17); ``use_resumed`` →
:func:`verify.verification.resume` (a suspended person's held applications, P10);
``disclosure_due`` → :func:`verify.disclosures.seal_disclosure` (a granted disclosure's sealed
copy, P10);
``heartbeat`` → the wiring check. A message fails (and is
retried, then kept in the DLQ) only for what may pass on a retry; every other outcome ends
the application with a status and a reason. Log lines carry ids and reason codes only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit

from kentei import messages, snapstart
from kentei.applications.model import Status
from kentei.consumer import QueueConsumer, UnroutedMessageError, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore
from kentei.registry import RegistryError
from verify import dependencies
from verify.container import KEPT
from verify.reasons import RetryLaterError
from verify.verification import FUNCTION, Outcome, completion_due, verify_application

if TYPE_CHECKING:
    from verify.signed_requests import SignedOutcome


def _verify(message: messages.Envelope) -> None:
    if not isinstance(message, messages.ApplicationReceived):
        raise UnroutedMessageError(f"the verification route got a {message.kind} message")
    with _deferred("verification deferred", application_id=message.application_id):
        outcome = verify_application(message, dependencies.dependencies(), _request_id())
    _report(outcome)
    _owe_completion(outcome, message.prefecture_code)


def _enrol_chosen(message: messages.Envelope) -> None:
    if not isinstance(message, messages.IdentityChosen):
        raise UnroutedMessageError(f"the identity choice route got a {message.kind} message")
    # Imported here: a rare message kind, kept off every other invocation's cold start.
    from verify.identity_choice import enrol_chosen

    outcome = enrol_chosen(message, dependencies.dependencies(), _request_id())
    _report(outcome)
    _owe_completion(outcome, message.prefecture_code)


def _request_id() -> str:
    """The Lambda request's id the log carries (the audit entries' ``request_id``)."""
    keys = consumer.instruments.logger.get_current_keys()
    return str(keys.get("function_request_id", FUNCTION))


@contextmanager
def _deferred(event: str, **ids: str) -> Iterator[None]:
    """A message retried (then kept in the DLQ) for what may pass on a retry, logged with its
    ids, the error's kind and its codes and adapter states only (neither carries a number or
    an item): what an operator needs to see why."""
    try:
        yield
    except (RetryLaterError, RegistryError) as exc:
        consumer.instruments.logger.warning(
            event, extra={**ids, "error": type(exc).__name__, "reason": str(exc)}
        )
        raise


def _owe_completion(outcome: Outcome, prefecture_code: str) -> None:
    """After the write that ended an e-Gov application: its completion notice is due."""
    due = completion_due(outcome, prefecture_code)
    if due is not None:
        dependencies.dependencies().certify_queue.send(due)
        consumer.instruments.logger.info(
            "completion notice due",
            extra={"application_id": outcome.application_id, "status": outcome.status.value},
        )


def _recheck_due(message: messages.Envelope) -> None:
    if not isinstance(message, messages.RegistryRecheckDue):
        raise UnroutedMessageError(f"the re-check route got a {message.kind} message")
    # Imported here: a weekly message kind, kept off every application's cold start.
    from verify.recheck import start_runs

    outcome = start_runs(message, dependencies.recheck_dependencies())
    consumer.instruments.logger.info(
        "registry re-check started",
        extra={"run_id": outcome.run_id, "prefectures": list(outcome.prefectures)},
    )


def _recheck_batch(message: messages.Envelope) -> None:
    if not isinstance(message, messages.RegistryRecheckBatch):
        raise UnroutedMessageError(f"the re-check batch route got a {message.kind} message")
    from verify.recheck import recheck_batch

    instruments = consumer.instruments
    try:
        outcome = recheck_batch(message, dependencies.recheck_dependencies(), _request_id())
    except RegistryError as exc:
        instruments.logger.warning(
            "registry re-check batch deferred",
            extra={"run_id": message.run_id, "page": message.page, "error": type(exc).__name__},
        )
        raise
    counts = outcome.counts
    instruments.logger.info(
        "registry re-check batch done",
        extra={
            "run_id": outcome.run_id,
            "prefecture_code": outcome.prefecture_code,
            "page": outcome.page,
            "already_done": outcome.already_done,
            "last": outcome.last,
            "queried": counts.queried,
            "differences": counts.differences,
            "proposed": counts.proposed,
            "errors": counts.errors,
            "error_kinds": sorted(set(outcome.error_kinds)),
            "suspended": outcome.suspended,
        },
    )
    if counts.proposed:
        instruments.count(
            "RegistryChangesProposed", counts.proposed, prefecture_code=outcome.prefecture_code
        )


def _change_request(message: messages.Envelope) -> None:
    if not isinstance(message, messages.ChangeRequestReceived):
        raise UnroutedMessageError(f"the change request route got a {message.kind} message")
    # Imported here: a rare message kind, kept off every application's cold start.
    from verify.change_requests import verify_change_request

    ids = {"change_request_id": message.request_id}
    with _deferred("change request verification deferred", **ids):
        outcome = verify_change_request(message, dependencies.dependencies(), _request_id())
    _report_signed("change_request", outcome, proposal_id=outcome.proposal_id)


def _initial_registration(message: messages.Envelope) -> None:
    if not isinstance(message, messages.InitialRegistrationReceived):
        raise UnroutedMessageError(f"the initial registration route got a {message.kind} message")
    # Imported here: a rare message kind, kept off every application's cold start.
    from verify.initial_registrations import verify_initial_registration

    outcome = verify_initial_registration(message, dependencies.dependencies(), _request_id())
    _report_signed("initial_registration", outcome)


def _report_signed(
    record_type: str,
    outcome: SignedOutcome,
    **details: str | None,
) -> None:
    """A signed request's outcome (``record_type`` names the log line, its key and the
    metric): ids, status and reason codes only."""
    what = record_type.replace("_", " ")
    status = outcome.status.value
    instruments = consumer.instruments
    instruments.logger.info(
        f"{what} already handled" if outcome.already_handled else f"{what} {status}",
        extra={
            f"{record_type}_id": outcome.request_id,
            "prefecture_code": outcome.prefecture_code,
            "status": status,
            "reasons": list(outcome.reasons),
            **details,
            "already_handled": outcome.already_handled,
        },
    )
    if not outcome.already_handled:
        metric = "".join(word.capitalize() for word in what.split()) + "sVerified"
        instruments.count(
            metric, outcome=status, reason=outcome.reasons[0] if outcome.reasons else "none"
        )


def _report(outcome: Outcome) -> None:
    instruments = consumer.instruments
    if outcome.already_handled:
        event = "application already handled"
    elif outcome.status is Status.HELD:
        event = "application held: the person's use is suspended"
    elif outcome.reason is not None:
        event = "application refused"
    elif outcome.qualification_pseudonym_id is None:
        event = "application held for staff to choose the applicant"
    else:
        event = "application verified"
    instruments.logger.info(
        event,
        extra={
            "application_id": outcome.application_id,
            "channel": outcome.channel,
            "status": outcome.status.value,
            "reason": outcome.reason,
            "already_handled": outcome.already_handled,
            "kms_requests": outcome.kms_requests,
        },
    )
    if not outcome.already_handled:
        instruments.count(
            "ApplicationsVerified", outcome=outcome.status.value, reason=outcome.reason or "none"
        )
        instruments.metrics.add_metric(
            name="VaultKmsRequests", unit=MetricUnit.Count, value=outcome.kms_requests
        )


def _vault_release(message: messages.Envelope) -> None:
    if not isinstance(message, messages.VaultEntryRelease):
        raise UnroutedMessageError(f"the vault release route got a {message.kind} message")
    # Imported here: a daily message kind, kept off every application's cold start.
    from verify.vault_release import release_vault_entry

    released = release_vault_entry(message, dependencies.release_ports())
    consumer.instruments.logger.info(
        "vault entry release",
        extra={
            "run_id": message.run_id,
            "qualification_pseudonym_id": message.qualification_pseudonym_id,
            "outcome": released.outcome.value,
            "links": released.links,
        },
    )


def _disclosure(message: messages.Envelope) -> None:
    if not isinstance(message, messages.DisclosureDue):
        raise UnroutedMessageError(f"the disclosure route got a {message.kind} message")
    # Imported here: a rare message kind (and the KDF and cipher), kept off every cold start.
    from verify.disclosures import seal_disclosure

    sealed = seal_disclosure(message, dependencies.disclosure_ports(), _request_id())
    consumer.instruments.logger.info(
        "disclosure copy",
        extra={
            "person_request_id": message.request_id,
            "prefecture_code": message.prefecture_code,
            "outcome": sealed.outcome.value,
            "counts": sealed.counts,
            "withheld": sealed.withheld,
            "size": sealed.size,
        },
    )


def _use_resumed(message: messages.Envelope) -> None:
    if not isinstance(message, messages.UseResumed):
        raise UnroutedMessageError(f"the use resumed route got a {message.kind} message")
    # Imported here: a rare message kind, kept off every application's cold start.
    from verify.verification import resume

    outcomes = resume(message, dependencies.dependencies(), _request_id())
    consumer.instruments.logger.info(
        "held applications resumed" if outcomes is not None else "use still suspended",
        extra={
            "prefecture_code": message.prefecture_code,
            "qualification_pseudonym_id": message.qualification_pseudonym_id,
            "applications": len(outcomes or ()),
        },
    )
    for outcome in outcomes or ():
        _report(outcome)
        _owe_completion(outcome, message.prefecture_code)


consumer = QueueConsumer(
    FUNCTION,
    {
        "heartbeat": heartbeat_route(FUNCTION, DynamoHeartbeatStore),
        "application_received": _verify,
        "identity_chosen": _enrol_chosen,
        "registry_recheck_due": _recheck_due,
        "registry_recheck_batch": _recheck_batch,
        "change_request_received": _change_request,
        "initial_registration_received": _initial_registration,
        # The retention job's release of a person's vault entry (P8, sync.retention).
        "vault_entry_release": _vault_release,
        # A granted disclosure's sealed copy (P10, verify.disclosures).
        "disclosure_due": _disclosure,
        # A person's suspension of use lifted (P10): their held applications go on.
        "use_resumed": _use_resumed,
    },
)
# SnapStart: what this container keeps is forgotten before its snapshot and after a restore.
snapstart.keep(*KEPT)
handler = consumer.handler
