"""Handing the choice of the person to staff: residents the four items found, without numbers.

When the four items alone cannot be taken as the person (several current residents match, or
an e-Gov applicant gave no My Number, see :mod:`verify.identity`), verify enrols no one. The
application goes under review with, on its verification evidence, each candidate's index, the
registry's four items (and reading) and status, and a ``reference``: the vault's blind index
of the candidate's number (a keyed HMAC only verify can make, never the number). Staff choose
one (``POST /v1/review/applications/{id}/identity``) or return the application; verify then
finds the chosen person again by the reference (:mod:`verify.identity_choice`).

The four items are personal data of residents, like the form's: they are kept on the
application (the records table, as the form is) and shown only in staff's review view, never
in the bridge's status, a log, a metric or a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kentei.applications import identity, lifecycle
from kentei.applications.model import Application, Status
from kentei.data.applications import StoredApplication
from kentei.data.audit import AuditAction, AuditEvent
from kentei.registry import Candidate
from kentei.signatures import Verified
from kentei.vault import Vault
from verify.dependencies import ApplicationStore
from verify.identity import Candidates

BY = "verify"
"""Who the change is by (``verify.verification.FUNCTION``, which imports this module)."""

_NOTES = {
    identity.SEVERAL_RESIDENTS: "several current residents match the four items: staff choose "
    "the applicant among them, or return the application",
    identity.FOUR_ITEMS_ONLY: "identity confirmed by four items only (no My Number given): "
    "staff must confirm the resident found before the application can be accepted",
}


@dataclass(frozen=True)
class Held:
    """What verify established before handing the choice to staff: the signature, the
    search, and the candidates as they will be stored (references made, numbers dropped)."""

    signature: Verified | None
    candidates: Candidates
    entries: list[dict[str, object]]

    @classmethod
    def of(cls, signature: Verified | None, candidates: Candidates, vault: Vault) -> Held:
        """Made while the application's KMS requests are counted (the blind indices)."""
        return cls(signature, candidates, candidate_entries(candidates.found, vault))


def candidate_entries(found: Sequence[Candidate], vault: Vault) -> list[dict[str, object]]:
    """The candidates as staff see them: index, the registry's items, status, reference."""
    return [
        {
            "index": index,
            "name": candidate.person.name,
            "name_kana": candidate.person.name_kana,
            "birth_date": candidate.person.birth_date.isoformat(),
            "sex": candidate.person.sex.value,
            "address": candidate.person.address,
            "status": candidate.status.value,
            "reference": vault.blind_index(candidate.my_number),
        }
        for index, candidate in enumerate(found)
    ]


def hold_for_staff(
    store: ApplicationStore,
    stored: StoredApplication,
    held: Held,
    *,
    at: datetime,
    request_id: str,
) -> Application:
    """``verifying`` → ``under_review`` with the candidates and no 資格仮名ID, audited in the
    same transaction."""
    signature = held.signature
    evidence: dict[str, object] = {
        "outcome": identity.OUTCOME,
        "checked_at": at.isoformat(),
        "signature": None if signature is None else signature.evidence(),
        **held.candidates.evidence,
        identity.BASIS: held.candidates.basis,
        "note": _NOTES[held.candidates.basis],
        identity.CANDIDATES: held.entries,
    }
    updated = lifecycle.transition(
        stored.application, Status.UNDER_REVIEW, by=BY, at=at
    ).model_copy(update={"verification": evidence})
    store.replace(stored, updated, audit=(audit_event(request_id, at, updated),))
    return updated


def audit_event(
    request_id: str,
    at: datetime,
    application: Application,
    action: AuditAction = AuditAction.APPLICATION_VERIFIED,
    *,
    examinee: str | None = None,
) -> AuditEvent:
    return AuditEvent(
        actor=BY,
        action=action,
        record_type="application" if examinee is None else "examinee",
        record_id=application.application_id if examinee is None else examinee,
        prefecture_code=application.prefecture_code,
        request_id=request_id,
        at=at,
        # The person's 資格仮名ID where verify knows it: auditors find their entries by it.
        person_id=examinee or application.qualification_pseudonym_id,
    )
