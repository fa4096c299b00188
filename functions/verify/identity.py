"""Is the applicant a living resident, as the form says? The registry lookup (住基ネット, R6).

- **Online** (Mynaportal, e-Gov): the certificate already matched the form; the signed
  document must give the My Number (else ``document.my_number_missing``), and the registry's
  *current* four items under it must match the form too.
- **Paper**: by the My Number when the form gives one, as above; otherwise by the four items,
  which must find exactly one current resident (``registry.ambiguous`` for several). A form
  whose address leaves the building and room (方書) in ``address_line2`` is searched with it
  too when the address alone finds no one.

Statuses: ``unknown`` (or nobody found) → ``registry.not_found``, ``moved`` (転出 without a
move in) → ``registry.moved``, ``deceased`` → ``registry.deceased``; a current person whose
items differ → ``registry.mismatch.<item>`` (the first of name, sex, birth date, address;
the detail names every item that differs, never a value). Items are compared by the
comparison keys of :mod:`kentei.registry.normalise`, with the rules of
:func:`kentei.signatures.match_four_items`. An unavailable registry raises
(:class:`kentei.registry.RegistryUnavailableError`): the message is retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from kentei.applications.model import Channel
from kentei.my_number import MyNumber
from kentei.registry import Candidate, Person, Registry, RegistryRecord, RegistryStatus
from kentei.signatures import FourItems, RejectionReason, match_four_items
from kentei.submissions import ApplicationForm
from verify.reasons import Refusal, VerifyReason
from verify.signer import confirm_signers_number

_BY_STATUS: Final = {
    RegistryStatus.UNKNOWN: VerifyReason.REGISTRY_NOT_FOUND,
    RegistryStatus.MOVED: VerifyReason.REGISTRY_MOVED,
    RegistryStatus.DECEASED: VerifyReason.REGISTRY_DECEASED,
}
_MISMATCH: Final = {
    RejectionReason.IDENTITY_MISMATCH_NAME: VerifyReason.REGISTRY_MISMATCH_NAME,
    RejectionReason.IDENTITY_MISMATCH_SEX: VerifyReason.REGISTRY_MISMATCH_SEX,
    RejectionReason.IDENTITY_MISMATCH_BIRTH_DATE: VerifyReason.REGISTRY_MISMATCH_BIRTH_DATE,
    RejectionReason.IDENTITY_MISMATCH_ADDRESS: VerifyReason.REGISTRY_MISMATCH_ADDRESS,
}


@dataclass(frozen=True)
class Confirmed:
    """The person the registry confirmed: their My Number (for the vault only) and what the
    lookup found, as evidence without personal data."""

    my_number: MyNumber = field(repr=False)
    evidence: dict[str, object]


def confirm_identity(
    form: ApplicationForm, channel: Channel, registry: Registry
) -> Confirmed | Refusal:
    """The registry's confirmation of the person ``form`` describes, or why not."""
    if form.my_number is not None:
        if channel is Channel.PAPER:
            return _by_my_number(form, form.my_number, registry)
        confirmed = confirm_signers_number(form, form.my_number, registry)
        if isinstance(confirmed, Refusal):
            return confirmed
        return Confirmed(confirmed, {"registry": {"query": "by_my_number", "status": "current"}})
    if channel is not Channel.PAPER:
        return Refusal.of(
            VerifyReason.DOCUMENT_MY_NUMBER_MISSING, "the signed document gives no My Number"
        )
    return _by_four_items(form, registry)


def _by_my_number(
    form: ApplicationForm, my_number: MyNumber, registry: Registry
) -> Confirmed | Refusal:
    record = registry.by_my_number(my_number)
    evidence: dict[str, object] = {"query": "by_my_number", "status": record.status.value}
    refused = _refused_status(record, evidence)
    if refused is not None:
        return refused
    if record.person is None:  # a current record always has its person (RegistryRecord)
        return Refusal.of(VerifyReason.REGISTRY_NOT_FOUND, "no person", registry=evidence)
    disagreement = match_four_items(_items(record.person), form)
    if disagreement is not None:
        reason = _MISMATCH[disagreement.reason]
        return Refusal.of(
            reason,
            f"the form's {reason.value.rsplit('.', 1)[-1]} is not the registry's current one",
            registry=evidence,
        )
    return Confirmed(my_number, {"registry": evidence})


def _by_four_items(form: ApplicationForm, registry: Registry) -> Confirmed | Refusal:
    candidates = registry.by_four_items(form.name, form.birth_date, form.sex, form.address)
    searches = 1
    if not candidates and form.address_line2:
        searches += 1
        candidates = registry.by_four_items(
            form.name, form.birth_date, form.sex, f"{form.address}{form.address_line2}"
        )
    current = [c for c in candidates if c.status is RegistryStatus.CURRENT]
    evidence: dict[str, object] = {
        "query": "by_four_items",
        "searches": searches,
        "candidates": len(candidates),
        "current": len(current),
    }
    if len(current) == 1:
        return Confirmed(current[0].my_number, {"registry": evidence})
    if current:
        return Refusal.of(
            VerifyReason.REGISTRY_AMBIGUOUS,
            f"{len(current)} current residents match the four items",
            registry=evidence,
        )
    return Refusal.of(
        _none_current(candidates), "no current resident matches the four items", registry=evidence
    )


def _refused_status(record: RegistryRecord, evidence: dict[str, object]) -> Refusal | None:
    reason = _BY_STATUS.get(record.status)
    if reason is None:
        return None
    return Refusal.of(reason, f"the registry answers {record.status.value}", registry=evidence)


def _none_current(candidates: tuple[Candidate, ...]) -> VerifyReason:
    statuses = {c.status for c in candidates}
    if RegistryStatus.MOVED in statuses:
        return VerifyReason.REGISTRY_MOVED
    if statuses == {RegistryStatus.DECEASED}:
        return VerifyReason.REGISTRY_DECEASED
    return VerifyReason.REGISTRY_NOT_FOUND


def _items(person: Person) -> FourItems:
    """The registry's items in the shape :func:`match_four_items` compares (the registry
    writes no substitute characters: its name and address stand for both forms)."""
    return FourItems(
        name=person.name,
        name_substitute=person.name,
        sex=person.sex.value,
        birth_date=person.birth_date,
        address=person.address,
        address_substitute=person.address,
    )
