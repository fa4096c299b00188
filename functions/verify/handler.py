"""Verify: the SQS consumer of the verify queue.

``application_received`` → :func:`verify.verification.verify_application` (signatures, the
registry, the vault, registration); ``identity_chosen`` →
:func:`verify.identity_choice.enrol_chosen` (the person staff chose among the candidates);
``registry_recheck_due`` and ``registry_recheck_batch`` → :mod:`verify.recheck` (the periodic
registry re-check, 定期照会); ``change_request_received`` →
:func:`verify.change_requests.verify_change_request` (a person's signed change request);
``initial_registration_received`` →
:func:`verify.initial_registrations.verify_initial_registration` (R17);
``heartbeat`` → the wiring check. A message fails (and is
retried, then kept in the DLQ) only for what may pass on a retry; every other outcome ends
the application with a status and a reason. Log lines carry ids and reason codes only.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from kentei import messages
from kentei.consumer import QueueConsumer, UnroutedMessageError, heartbeat_route
from kentei.data.heartbeats import DynamoHeartbeatStore
from kentei.registry import RegistryError
from verify import dependencies
from verify.reasons import RetryLaterError
from verify.verification import FUNCTION, Outcome, completion_due, verify_application


def _verify(message: messages.Envelope) -> None:
    if not isinstance(message, messages.ApplicationReceived):
        raise UnroutedMessageError(f"the verification route got a {message.kind} message")
    instruments = consumer.instruments
    request_id = str(instruments.logger.get_current_keys().get("function_request_id", FUNCTION))
    try:
        outcome = verify_application(message, dependencies.dependencies(), request_id)
    except (RetryLaterError, RegistryError) as exc:
        # Codes and adapter states only (neither carries a number or an item): what an
        # operator needs to see why the message is retried, or why it sits in the DLQ.
        instruments.logger.warning(
            "verification deferred",
            extra={
                "application_id": message.application_id,
                "error": type(exc).__name__,
                "reason": str(exc),
            },
        )
        raise
    _report(outcome)
    _owe_completion(outcome, message.prefecture_code)


def _enrol_chosen(message: messages.Envelope) -> None:
    if not isinstance(message, messages.IdentityChosen):
        raise UnroutedMessageError(f"the identity choice route got a {message.kind} message")
    # Imported here: a rare message kind, kept off every other invocation's cold start.
    from verify.identity_choice import enrol_chosen

    instruments = consumer.instruments
    request_id = str(instruments.logger.get_current_keys().get("function_request_id", FUNCTION))
    outcome = enrol_chosen(message, dependencies.dependencies(), request_id)
    _report(outcome)
    _owe_completion(outcome, message.prefecture_code)


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
    request_id = str(instruments.logger.get_current_keys().get("function_request_id", FUNCTION))
    try:
        outcome = recheck_batch(message, dependencies.recheck_dependencies(), request_id)
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

    instruments = consumer.instruments
    request_id = str(instruments.logger.get_current_keys().get("function_request_id", FUNCTION))
    try:
        outcome = verify_change_request(message, dependencies.dependencies(), request_id)
    except (RetryLaterError, RegistryError) as exc:
        instruments.logger.warning(
            "change request verification deferred",
            extra={
                "change_request_id": message.request_id,
                "error": type(exc).__name__,
                "reason": str(exc),
            },
        )
        raise
    instruments.logger.info(
        "change request already handled"
        if outcome.already_handled
        else f"change request {outcome.status.value}",
        extra={
            "change_request_id": outcome.request_id,
            "prefecture_code": outcome.prefecture_code,
            "status": outcome.status.value,
            "reasons": list(outcome.reasons),
            "proposal_id": outcome.proposal_id,
            "already_handled": outcome.already_handled,
        },
    )
    if not outcome.already_handled:
        instruments.count(
            "ChangeRequestsVerified",
            outcome=outcome.status.value,
            reason=outcome.reasons[0] if outcome.reasons else "none",
        )


def _initial_registration(message: messages.Envelope) -> None:
    if not isinstance(message, messages.InitialRegistrationReceived):
        raise UnroutedMessageError(f"the initial registration route got a {message.kind} message")
    # Imported here: a rare message kind, kept off every application's cold start.
    from verify.initial_registrations import verify_initial_registration

    instruments = consumer.instruments
    request_id = str(instruments.logger.get_current_keys().get("function_request_id", FUNCTION))
    outcome = verify_initial_registration(message, dependencies.dependencies(), request_id)
    instruments.logger.info(
        "initial registration already handled"
        if outcome.already_handled
        else f"initial registration {outcome.status.value}",
        extra={
            "initial_registration_id": outcome.request_id,
            "prefecture_code": outcome.prefecture_code,
            "status": outcome.status.value,
            "reasons": list(outcome.reasons),
            "already_handled": outcome.already_handled,
        },
    )
    if not outcome.already_handled:
        instruments.count(
            "InitialRegistrationsVerified",
            outcome=outcome.status.value,
            reason=outcome.reasons[0] if outcome.reasons else "none",
        )


def _report(outcome: Outcome) -> None:
    instruments = consumer.instruments
    if outcome.already_handled:
        event = "application already handled"
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
    },
)
handler = consumer.handler
