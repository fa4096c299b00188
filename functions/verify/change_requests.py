"""Verifying a person's signed change request (訂正・変更の申出, R9) from the Mynaportal bridge.

For a ``change_request_received`` message (ids only):

1. Load the request from its prefecture's partition; none is an error (retried, then the
   DLQ). A request no longer ``received`` was handled before: its raw parts are deleted
   again (harmless) and the message acknowledged.
2. The signature (:func:`verify.submission.verify_signed_document`, exactly as for a
   Mynaportal application: the detached CMS over the document's bytes, the certificate's
   chain and status at the request's arrival, the same reason codes), then the document
   (:func:`kentei.change_requests.parse_change_document`), which must name the request's
   prefecture. The signed act is claimed for the request (:mod:`verify.replay`'s register):
   a signed document is single-use, also across applications and requests.
3. The number is the signer's (:func:`verify.signer.confirm_signers_number`, the
   certificate's four items against the registry's record under the number: one code
   ``registry.not_confirmed``, no oracle).
4. The vault by the number's blind index, a lookup and never an enrolment: nobody there is
   ``examinee-unknown``. The document's Mynaportal pseudonym must be linked to that
   資格仮名ID (``signer-not-person``). The examinee is read in the request's prefecture
   (none there: ``examinee-unknown``).
5. The proposal (:func:`kentei.roster.changes.requested_changes`, source
   ``mynaportal_request``, the request id in place of who keyed it in and how: the signature
   is the identity confirmation; nothing differs: ``nothing-to-change``) is written with the
   request ``proposed`` and the ``examinee.change_proposed`` audit entry in one transaction;
   a refusal sets the request ``refused`` with its reason codes only, with a
   ``change_request.refused`` audit entry.
6. Verification has ended: every version of the raw parts (the signed document with the My
   Number, the signature) is deleted from the inbox (:mod:`verify.inbox_cleanup`).

What may pass on a retry raises (revocation unknown, the registry unavailable, an AWS error)
and leaves the raw parts for the next delivery.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

from kentei.change_requests import (
    ChangeDocument,
    ChangeRequest,
    ChangeRequestReason,
    ChangeRequestStatus,
    parse_change_document,
)
from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.change_requests import RequestDecidedError, StoredChangeRequest
from kentei.data.roster import StoredExaminee
from kentei.messages import ChangeRequestReceived
from kentei.my_number import MyNumber
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    NothingToChangeError,
    Proposal,
    new_proposal_id,
    requested_changes,
)
from verify.dependencies import ChangeRequestStore, Dependencies
from verify.signed_requests import (
    Arrival,
    Refused,
    SignedOutcome,
    decide_once,
    verify_signed_request,
)

FUNCTION: Final = "verify"


class ChangeRequestNotFoundError(LookupError):
    """The message names a change request its prefecture does not have."""


@dataclass(frozen=True)
class ChangeRequestOutcome(SignedOutcome):
    """What became of the request: ids, status and reason codes only, and the proposal it
    became."""

    proposal_id: str | None = None


@dataclass(frozen=True)
class _Verified:
    qualification_pseudonym_id: str
    stored: StoredExaminee
    changes: tuple[FieldChange, ...] = field(repr=False)


def verify_change_request(
    message: ChangeRequestReceived, deps: Dependencies, request_id: str
) -> ChangeRequestOutcome:
    store = deps.change_requests(message.prefecture_code)
    stored = store.request(message.request_id)
    if stored is None:
        raise ChangeRequestNotFoundError(f"no change request {message.request_id}")
    record = stored.record

    def decide() -> ChangeRequest:
        result = _verify(record, deps)
        if isinstance(result, Refused):
            return _refuse(store, stored, result, deps, request_id)
        return _propose(store, stored, result, deps, request_id)

    received = record.status is ChangeRequestStatus.RECEIVED
    decided = decide_once(record.request_id, received, decide, RequestDecidedError, deps)
    final = record if decided is None else decided
    return replace(ChangeRequestOutcome.of(record, decided), proposal_id=final.proposal_id)


def _verify(record: ChangeRequest, deps: Dependencies) -> _Verified | Refused:
    arrival = Arrival(record.request_id, record.prefecture_code, record.received_at)
    signed = verify_signed_request(arrival, parse_change_document, deps)
    if isinstance(signed, Refused):
        return signed
    return _person(record, signed.document, signed.my_number, deps)


def _person(
    record: ChangeRequest, document: ChangeDocument, my_number: MyNumber, deps: Dependencies
) -> _Verified | Refused:
    entry = deps.vault.find(my_number)
    if entry is None:
        return Refused(ChangeRequestReason.EXAMINEE_UNKNOWN.value, "no vault entry")
    pseudonym = entry.qualification_pseudonym_id
    if deps.links.qualification_for(document.mynaportal_pseudonym_id) != pseudonym:
        return Refused(ChangeRequestReason.SIGNER_NOT_PERSON.value, "pseudonym not linked")
    stored = deps.roster(record.prefecture_code).examinee(pseudonym)
    if stored is None:
        return Refused(ChangeRequestReason.EXAMINEE_UNKNOWN.value, "not on the roster")
    try:
        changes = requested_changes(stored.examinee, document.items)
    except NothingToChangeError:
        return Refused(ChangeRequestReason.NOTHING_TO_CHANGE.value, "nothing differs")
    return _Verified(pseudonym, stored, changes)


def _propose(
    store: ChangeRequestStore,
    stored: StoredChangeRequest,
    verified: _Verified,
    deps: Dependencies,
    request_id: str,
) -> ChangeRequest:
    at = deps.clock()
    record = stored.record
    proposal = Proposal(
        proposal_id=new_proposal_id(at),
        prefecture_code=record.prefecture_code,
        qualification_pseudonym_id=verified.qualification_pseudonym_id,
        kind=ChangeKind.UPDATE,
        registry_status=None,
        changes=verified.changes,
        source=ChangeSource.MYNAPORTAL_REQUEST,
        run_id=None,
        proposed_at=at,
        basis=verified.stored.updated_at,
        request_id=record.request_id,
    )
    proposed = _decided(
        record,
        status=ChangeRequestStatus.PROPOSED,
        verified_at=at,
        proposal_id=proposal.proposal_id,
    )
    event = _event(
        AuditAction.EXAMINEE_CHANGE_PROPOSED,
        record,
        at,
        request_id,
        record_type="change_proposal",
        record_id=proposal.proposal_id,
        person_id=verified.qualification_pseudonym_id,
    )
    store.propose_from(stored, proposed, proposal, [event])
    return proposed


def _refuse(
    store: ChangeRequestStore,
    stored: StoredChangeRequest,
    refused: Refused,
    deps: Dependencies,
    request_id: str,
) -> ChangeRequest:
    at = deps.clock()
    record = stored.record
    updated = _decided(
        record, status=ChangeRequestStatus.REFUSED, verified_at=at, reasons=(refused.code,)
    )
    event = _event(
        AuditAction.CHANGE_REQUEST_REFUSED,
        record,
        at,
        request_id,
        record_type="change_request",
        record_id=record.request_id,
    )
    store.refuse(stored, updated, [event])
    return updated


def _decided(record: ChangeRequest, **update: object) -> ChangeRequest:
    """The record with its decision, validated (the model's consistency rules)."""
    return ChangeRequest.model_validate({**record.model_dump(), **update})


def _event(
    action: AuditAction,
    record: ChangeRequest,
    at: datetime,
    request_id: str,
    *,
    record_type: str,
    record_id: str,
    person_id: str | None = None,
) -> AuditEvent:
    return AuditEvent(
        actor=FUNCTION,
        action=action,
        record_type=record_type,
        record_id=record_id,
        prefecture_code=record.prefecture_code,
        request_id=request_id,
        at=at,
        person_id=person_id,
    )
