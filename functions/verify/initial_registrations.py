"""Verifying a person's initial registration (初期登録申請, R17) from the Mynaportal bridge.

For an ``initial_registration_received`` message (ids only):

1. Load the registration from its prefecture's partition; none is an error (retried, then
   the DLQ). One no longer ``received`` was handled before: its raw parts are deleted again
   and the message acknowledged.
2. The signature, the document (naming the registration's prefecture), the signed act
   (single-use) and the number the signer's (:mod:`verify.signed_requests`, as for a change
   request).
3. Enrolment, not a lookup: an initial registration may be the person's first contact. The
   vault enrols the number (the same person again: the same 資格仮名ID) and the document's
   Mynaportal pseudonym is linked to it (:func:`verify.identification.enrol_person`).
4. The claim settled (:func:`kentei.results.historical.claims.settle_claim`): the historical
   record of the number in the prefecture, matched with the certificate's name and birth
   date; a match links it and writes the person's pass record with its audit entry in one
   transaction; a mismatch, or a number linked to another person, marks it for staff.
5. The registration's decision (``linked``, ``in_review`` with the failed checks and the
   claimant's name and birth date as the certificate states them, for staff to compare; or
   ``refused`` with its reason code) with the ``initial_registration.decided`` audit entry,
   conditional on it still being ``received``; then every version of the raw parts is
   deleted from the inbox.

What may pass on a retry raises (revocation unknown, the registry unavailable, an AWS error,
a historical record that kept changing) and leaves the raw parts for the next delivery.
"""

from __future__ import annotations

from typing import Final

from kentei.data.audit import AuditAction, AuditEvent
from kentei.data.initial_registrations import RegistrationDecidedError, StoredInitialRegistration
from kentei.initial_registrations import (
    Claimant,
    InitialRegistrationDocument,
    InitialRegistrationRequest,
    InitialRegistrationStatus,
    parse_initial_registration_document,
)
from kentei.messages import InitialRegistrationReceived
from kentei.results.historical.claims import settle_claim
from kentei.results.historical.matching import Claim, ClaimStatus
from verify.dependencies import Dependencies, InitialRegistrationStore
from verify.identification import enrol_person
from verify.reasons import Refusal
from verify.signed_requests import (
    Arrival,
    Refused,
    Signed,
    SignedOutcome,
    decide_once,
    verify_signed_request,
)

FUNCTION: Final = "verify"


class InitialRegistrationNotFoundError(LookupError):
    """The message names an initial registration its prefecture does not have."""


InitialRegistrationOutcome = SignedOutcome
"""What became of the registration: ids, status and codes only."""


def verify_initial_registration(
    message: InitialRegistrationReceived, deps: Dependencies, request_id: str
) -> InitialRegistrationOutcome:
    store = deps.initial_registrations(message.prefecture_code)
    stored = store.registration(message.request_id)
    if stored is None:
        raise InitialRegistrationNotFoundError(f"no initial registration {message.request_id}")
    record = stored.record
    received = record.status is InitialRegistrationStatus.RECEIVED
    decided = decide_once(
        record.request_id,
        received,
        lambda: _decide(store, stored, deps, request_id),
        RegistrationDecidedError,
        deps,
    )
    return InitialRegistrationOutcome.of(record, decided)


def _decide(
    store: InitialRegistrationStore,
    stored: StoredInitialRegistration,
    deps: Dependencies,
    request_id: str,
) -> InitialRegistrationRequest:
    record = stored.record
    arrival = Arrival(record.request_id, record.prefecture_code, record.received_at)
    signed = verify_signed_request(arrival, parse_initial_registration_document, deps)
    decided = (
        _refused(record, signed, deps)
        if isinstance(signed, Refused)
        else _settled(record, signed, deps, request_id)
    )
    event = AuditEvent(
        actor=FUNCTION,
        action=AuditAction.INITIAL_REGISTRATION_DECIDED,
        record_type="initial_registration",
        record_id=record.request_id,
        prefecture_code=record.prefecture_code,
        request_id=request_id,
        at=deps.clock(),
        person_id=decided.qualification_pseudonym_id,
    )
    store.decide(stored, decided, [event])
    return decided


def _refused(
    record: InitialRegistrationRequest, refused: Refused, deps: Dependencies
) -> InitialRegistrationRequest:
    return _decided(
        record,
        status=InitialRegistrationStatus.REFUSED,
        verified_at=deps.clock(),
        reasons=(refused.code,),
    )


def _settled(
    record: InitialRegistrationRequest,
    signed: Signed[InitialRegistrationDocument],
    deps: Dependencies,
    request_id: str,
) -> InitialRegistrationRequest:
    document = signed.document
    identified = enrol_person(
        signed.my_number, document.mynaportal_pseudonym_id, vault=deps.vault, links=deps.links
    )
    if isinstance(identified, Refusal):
        return _refused(record, Refused.of(identified), deps)
    pseudonym = identified.qualification_pseudonym_id
    at = deps.clock()
    claim = Claim(
        passer_number=document.passer_number,
        certificate_number=document.certificate_number,
        name=signed.identity.name,
        birth_date=signed.identity.birth_date,
        qualification_pseudonym_id=pseudonym,
        application_id=record.request_id,
    )
    outcome = settle_claim(
        deps.historical(record.prefecture_code),
        claim,
        at=at,
        actor=FUNCTION,
        request_id=request_id,
    )
    linked = outcome.status in (ClaimStatus.LINKED, ClaimStatus.ALREADY_LINKED)
    return _decided(
        record,
        status=InitialRegistrationStatus.LINKED if linked else InitialRegistrationStatus.IN_REVIEW,
        verified_at=at,
        qualification_pseudonym_id=pseudonym,
        passer_number=document.passer_number,
        certificate_number=document.certificate_number,
        reasons=tuple(failure.value for failure in outcome.failures),
        # Staff compare the certificate's items with the record's; kept until they decide.
        claimant=None
        if linked
        else Claimant(name=signed.identity.name, birth_date=signed.identity.birth_date),
    )


def _decided(record: InitialRegistrationRequest, **update: object) -> InitialRegistrationRequest:
    """The record with its decision, validated (the model's consistency rules)."""
    return InitialRegistrationRequest.model_validate(
        {**record.model_dump(exclude={"claimant"}), **update}
    )
