"""Verifying a received application (R5-R7): from ``received`` to review, or refused.

For an ``application_received`` message (ids only):

1. Load the application from its prefecture's partition; none is an error (the message is
   retried, then kept in the DLQ). Anything but ``received`` or ``verifying`` was handled
   before: acknowledged, nothing done (a redelivered message).
2. ``received`` → ``verifying`` (so a crash part-way leaves a visible trace and the retry
   carries on from there).
3. The signed form (:mod:`verify.submission`): the inbox parts by channel, the signature at
   the arrival time, the form read from the signed bytes, the four items against it; then
   the signed act is claimed for this application (:mod:`verify.replay`: a signed document
   is single-use, a replay is refused before the registry, the vault and the links).
4. The registry (:mod:`verify.identity`): the person exists, lives, and is who the form says.
5. Identification (:mod:`verify.identification`): the vault (one entry, one 資格仮名ID per
   person) and the Mynaportal pseudonym link. The roster entry waits for staff to accept.
   A person whose use of their data is suspended in the prefecture (利用停止) goes no
   further: the application waits ``held`` until it is lifted (:mod:`verify.suspension`).
6. ``verifying`` → ``under_review`` with the 資格仮名ID and the evidence (signer certificate,
   revocation evidence, registry status) on the application, and its audit events in the
   same transaction (a decision that loses a race to a redelivered message records nothing).
   A resubmission replaces the returned application it names in that transaction if it is
   the same person's, and is returned (``resubmission.other_person``) if not
   (:mod:`verify.resubmission`).
7. Verification has ended: every version of the raw parts holding the My Number is deleted
   from the inbox (:mod:`verify.inbox_cleanup`), after a refusal too; again, harmlessly, on a
   redelivered message of an application no longer pending.

A refusal at any step ends the application ``returned`` or ``rejected`` with its reason code
(:mod:`verify.reasons`) and evidence. Only what may pass on a retry raises: no revocation
data yet, the registry unavailable, an AWS error, a concurrent change of the application;
and what an operator must fix, which the DLQ keeps for a redrive: a deployment error (a
missing setting, an untrusted configuration) or a registry answering outside its contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from kentei.applications import lifecycle
from kentei.applications.model import Application, Channel, Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditEvent
from kentei.messages import ApplicationReceived, CompletionNoticeDue, UseResumed
from kentei.person_requests.suspension import UseCondition
from verify import resubmission, suspension
from verify.candidates import Held, audit_event, hold_for_staff
from verify.dependencies import ApplicationStore, Dependencies
from verify.identification import Identified, identify_person
from verify.identity import Candidates, Confirmed, confirm_identity
from verify.inbox_cleanup import forget_raw_submission
from verify.reasons import Refusal
from verify.replay import claim_signed_act
from verify.submission import SignedForm, read_signed_form

FUNCTION: Final = "verify"
"""Who verify's status changes and audit events are by."""
PENDING: Final = frozenset({Status.RECEIVED, Status.VERIFYING})


class ApplicationNotFoundError(LookupError):
    """The message names an application its prefecture does not have."""


@dataclass(frozen=True)
class Outcome:
    """What became of the application: ids, status and reason code only."""

    application_id: str
    channel: str
    status: Status
    reason: str | None = None
    qualification_pseudonym_id: str | None = None
    already_handled: bool = False
    kms_requests: int = 0

    @classmethod
    def of(
        cls, application: Application, *, already_handled: bool = False, kms_requests: int = 0
    ) -> Outcome:
        return cls(
            application.application_id,
            application.channel.value,
            application.status,
            application.reasons[0].code if application.reasons else None,
            application.qualification_pseudonym_id,
            already_handled=already_handled,
            kms_requests=kms_requests,
        )


def verify_application(
    message: ApplicationReceived, deps: Dependencies, request_id: str
) -> Outcome:
    store = deps.applications(message.prefecture_code)
    stored = store.get(message.application_id)
    if stored is None:
        raise ApplicationNotFoundError(f"no application {message.application_id}")
    application = stored.application
    if application.status not in PENDING:
        forget_raw_submission(application, deps.inbox)
        return Outcome(
            application.application_id,
            application.channel.value,
            application.status,
            already_handled=True,
        )
    if application.status is Status.RECEIVED:
        changed = lifecycle.transition(application, Status.VERIFYING, by=FUNCTION, at=deps.clock())
        stored = store.replace(stored, changed)
    kms_before = deps.vault.kms_requests.total
    result = _verify(stored.application, deps)
    kms_requests = deps.vault.kms_requests.total - kms_before
    if isinstance(result, Refusal):
        outcome = refuse(store, stored, result, deps, request_id)
    elif isinstance(result, Held):
        outcome = hold_for_staff(store, stored, result, at=deps.clock(), request_id=request_id)
    else:
        outcome = _admit(store, stored, result, deps, request_id)
    forget_raw_submission(outcome, deps.inbox)
    return Outcome.of(outcome, kms_requests=kms_requests)


@dataclass(frozen=True)
class _Admitted:
    signed: SignedForm
    confirmed: Confirmed
    identified: Identified


def _verify(application: Application, deps: Dependencies) -> _Admitted | Held | Refusal:
    signed = read_signed_form(application, deps.inbox, deps.trust, deps.revocation)
    if isinstance(signed, Refusal):
        return signed
    replayed = claim_signed_act(application, signed, deps.signed_acts)
    if replayed is not None:
        return _with_signature(replayed, signed)
    confirmed = confirm_identity(signed.form, application.channel, deps.registry)
    if isinstance(confirmed, Refusal):
        return _with_signature(confirmed, signed)
    if isinstance(confirmed, Candidates):
        return Held.of(signed.signature, confirmed, deps.vault)
    identified = identify_person(
        application, confirmed.my_number, vault=deps.vault, links=deps.links
    )
    if isinstance(identified, Refusal):
        return _with_signature(identified, signed)
    return _Admitted(signed, confirmed, identified)


def _with_signature(refusal: Refusal, signed: SignedForm) -> Refusal:
    """A refusal after the signature verified keeps the signature's evidence too."""
    if signed.signature is None:
        return refusal
    evidence = {**refusal.evidence, "signature": signed.signature.evidence()}
    return Refusal(refusal.code, refusal.detail, evidence)


def _admit(
    store: ApplicationStore,
    stored: StoredApplication,
    admitted: _Admitted,
    deps: Dependencies,
    request_id: str,
) -> Application:
    at = deps.clock()
    signature = admitted.signed.signature
    pseudonym = admitted.identified.qualification_pseudonym_id
    evidence: dict[str, object] = {
        "outcome": "verified",
        "checked_at": at.isoformat(),
        "signature": None if signature is None else signature.evidence(),
        **admitted.confirmed.evidence,
        "enrolled": admitted.identified.enrolled,
    }
    verified = stored.application.model_copy(
        update={"qualification_pseudonym_id": pseudonym, "verification": evidence}
    )
    if suspension.suspended(deps, verified.prefecture_code, pseudonym):
        return suspension.hold(store, stored, verified, by=FUNCTION, at=at, request_id=request_id)
    return store_verified(
        store,
        stored,
        lifecycle.transition(verified, Status.UNDER_REVIEW, by=FUNCTION, at=at),
        deps,
        request_id,
        at=at,
        keep=lambda refused: _with_signature(refused, admitted.signed),
        use=UseCondition(person=pseudonym, suspended=False),
    )


def store_verified(
    store: ApplicationStore,
    stored: StoredApplication,
    updated: Application,
    deps: Dependencies,
    request_id: str,
    *,
    at: datetime,
    keep: Callable[[Refusal], Refusal],
    use: UseCondition | None = None,
) -> Application:
    """Store ``updated``, verified with its 資格仮名ID, with its audit event; linked to the
    returned application it corrects if that is the same person's (:mod:`verify.resubmission`),
    else refused, ``keep`` adding the evidence staff should still see. The person goes on the
    roster only when staff accept the application (``kentei.roster.registration``). With
    ``use``, only while the person's use of their data is not suspended (checked in the
    write: :mod:`verify.suspension`)."""
    audit = (audit_event(request_id, at, updated, AuditAction.APPLICATION_VERIFIED),)
    refused = resubmission.store_admitted(
        store, stored, updated, audit, by=FUNCTION, at=at, request_id=request_id, use=use
    )
    if refused is not None:
        return refuse(store, stored, keep(refused), deps, request_id)
    return updated


def refuse(
    store: ApplicationStore,
    stored: StoredApplication,
    refusal: Refusal,
    deps: Dependencies,
    request_id: str,
    *,
    also: tuple[AuditEvent, ...] = (),
) -> Application:
    """End ``stored`` returned or rejected with ``refusal``'s reason and evidence, its audit
    event (and ``also``'s) in the same write."""
    at = deps.clock()
    status = refusal.status
    evidence: dict[str, object] = {
        "outcome": status.value,
        "checked_at": at.isoformat(),
        "reason": refusal.code,
        "detail": refusal.detail,
        **refusal.evidence,
    }
    updated = lifecycle.transition(
        stored.application, status, by=FUNCTION, at=at, reasons=(refusal.reason(),)
    ).model_copy(update={"verification": evidence})
    action = (
        AuditAction.APPLICATION_RETURNED
        if status is Status.RETURNED
        else AuditAction.APPLICATION_REJECTED
    )
    store.replace(stored, updated, audit=(audit_event(request_id, at, updated, action), *also))
    return updated


def resume(message: UseResumed, deps: Dependencies, request_id: str) -> tuple[Outcome, ...] | None:
    """The person's held applications taken on to review now their suspension of use is
    lifted (:func:`verify.suspension.resume_held`); None while it still stands."""
    store = deps.applications(message.prefecture_code)
    use = UseCondition(person=message.qualification_pseudonym_id, suspended=False)

    def admit(
        stored: StoredApplication,
        updated: Application,
        at: datetime,
        keep: Callable[[Refusal], Refusal],
    ) -> Application:
        return store_verified(store, stored, updated, deps, request_id, at=at, keep=keep, use=use)

    resumed = suspension.resume_held(message, deps, admit)
    if resumed.still_suspended:
        return None
    return tuple(Outcome.of(application) for application in resumed.applications)


ENDED_BY_VERIFY: Final = frozenset({Status.RETURNED, Status.REJECTED})


def completion_due(outcome: Outcome, prefecture_code: str) -> CompletionNoticeDue | None:
    """The ``completion_notice_due`` an outcome owes certify (R2): an e-Gov application that
    verify ended returned or rejected, now or before (a redelivered message sends it again,
    in case the first send was lost after the write; certify sends each notice once)."""
    if outcome.channel != Channel.EGOV.value or outcome.status not in ENDED_BY_VERIFY:
        return None
    return CompletionNoticeDue(
        application_id=outcome.application_id, prefecture_code=prefecture_code
    )
