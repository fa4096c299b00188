"""Enrolling the person staff chose among the candidates (an ``identity_chosen`` message).

The application holds the candidates (their keyed references, never a number) and staff's
choice. Verify asks the registry again by the form's four items (as it did,
:func:`verify.identity.search_four_items`): the registry is the source of the number, the
application only says which of the persons it finds. The current resident whose blind index
is the chosen reference is enrolled in the vault and linked as for any verified
application; the application stays under review, now with its 資格仮名ID, so staff can
accept it. A chosen person the registry no longer finds as a current resident under those
four items ends the application ``returned`` (``registry.not_confirmed``: the applicant
applies again). Anything but an application awaiting this enrolment is acknowledged and left
alone (a redelivered message).
"""

from __future__ import annotations

import hmac

from kentei.applications import identity
from kentei.applications.model import Application
from kentei.data.applications import StoredApplication
from kentei.messages import IdentityChosen
from kentei.registry import Candidate, RegistryStatus
from kentei.vault import Vault
from verify.dependencies import ApplicationStore, Dependencies
from verify.identification import identify_person
from verify.identity import search_four_items
from verify.reasons import Refusal, VerifyReason
from verify.verification import ApplicationNotFoundError, Outcome, refuse, store_verified


def enrol_chosen(message: IdentityChosen, deps: Dependencies, request_id: str) -> Outcome:
    store = deps.applications(message.prefecture_code)
    stored = store.get(message.application_id)
    if stored is None:
        raise ApplicationNotFoundError(f"no application {message.application_id}")
    application = stored.application
    index = identity.chosen(application)
    entries = identity.candidates(application)
    if not identity.unconfirmed(application) or index is None or index >= len(entries):
        return Outcome.of(application, already_handled=True)
    kms_before = deps.vault.kms_requests.total
    reference = str(entries[index].get("reference", ""))
    found = _find(application, reference, deps)
    if found is None:
        refusal = Refusal.of(
            VerifyReason.REGISTRY_NOT_CONFIRMED,
            "the chosen candidate is no longer a current resident matching the four items",
        )
        updated = refuse(store, stored, _kept(stored, refusal), deps, request_id)
    else:
        updated = _enrol(store, stored, found, deps, request_id)
    return Outcome.of(updated, kms_requests=deps.vault.kms_requests.total - kms_before)


def _find(application: Application, reference: str, deps: Dependencies) -> Candidate | None:
    found, _ = search_four_items(application.form, deps.registry)
    current = [c for c in found if c.status is RegistryStatus.CURRENT]
    return next((c for c in current if _is(reference, c, deps.vault)), None)


def _is(reference: str, candidate: Candidate, vault: Vault) -> bool:
    return hmac.compare_digest(vault.blind_index(candidate.my_number), reference)


def _enrol(
    store: ApplicationStore,
    stored: StoredApplication,
    candidate: Candidate,
    deps: Dependencies,
    request_id: str,
) -> Application:
    application = stored.application
    at = deps.clock()
    identified = identify_person(
        application, candidate.my_number, vault=deps.vault, links=deps.links
    )
    if isinstance(identified, Refusal):
        return refuse(store, stored, _kept(stored, identified), deps, request_id)
    pseudonym = identified.qualification_pseudonym_id
    evidence = {
        **(application.verification or {}),
        "outcome": "verified",
        "enrolled_at": at.isoformat(),
        "enrolled": identified.enrolled,
    }
    updated = application.model_copy(
        update={"qualification_pseudonym_id": pseudonym, "verification": evidence}
    )
    return store_verified(
        store, stored, updated, deps, request_id, at=at, keep=lambda refused: _kept(stored, refused)
    )


def _kept(stored: StoredApplication, refusal: Refusal) -> Refusal:
    """``refusal`` with the evidence verify gathered before staff's choice (the candidates,
    the signature), so staff still see what the choice was among."""
    evidence = {**(stored.application.verification or {}), **refusal.evidence}
    return Refusal(refusal.code, refusal.detail, evidence)
