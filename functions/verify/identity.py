"""Is the applicant a living resident, as the form says? The registry lookup (住基ネット, R6).

- **Online with a My Number** (Mynaportal, e-Gov): the certificate already matched the form;
  the registry's four items under the number must be the signer's before its status is used
  (:mod:`verify.signer`: no registry oracle, one code ``registry.not_confirmed``).
- **Mynaportal without one**: ``document.my_number_missing`` (its documents always carry it).
- **e-Gov without one** (legitimate): the signature proves the four items; the registry is
  searched by them. One or several current residents: the candidates go to staff, who confirm
  or choose the person (:mod:`kentei.applications.identity`, :mod:`verify.identity_choice`);
  none: ``registry.not_confirmed``.
- **Paper**: by the My Number when the form gives one; otherwise by the four items: exactly
  one current resident is the person, several go to staff to choose from, as above. A form
  whose address leaves the building and room (方書) in ``address_line2`` is searched with it
  too when the address alone finds no one.

Paper's statuses: ``unknown`` (or nobody found) → ``registry.not_found``, ``moved`` (転出
without a move in) → ``registry.moved``, ``deceased`` → ``registry.deceased``; a current
person whose items differ → ``registry.mismatch.<item>`` (the first of name, sex, birth
date, address; the detail names every item that differs, never a value). Items are compared by the
comparison keys of :mod:`kentei.registry.normalise`, with the rules of
:func:`kentei.signatures.match_four_items`. An unavailable registry raises
(:class:`kentei.registry.RegistryUnavailableError`): the message is retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from kentei.applications import identity
from kentei.applications.model import Channel
from kentei.my_number import MyNumber
from kentei.records.codes import Sex
from kentei.registry import Candidate, Registry, RegistryRecord, RegistryStatus
from kentei.signatures import ClaimedIdentity, RejectionReason, match_four_items
from kentei.submissions import ApplicationForm
from verify.reasons import Refusal, VerifyReason
from verify.signer import confirm_signers_number, registry_items

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


@dataclass(frozen=True)
class Candidates:
    """Residents the four items found that staff must choose from (or confirm, when there
    is one): their My Numbers (for the vault's keyed reference only), never stored."""

    found: tuple[Candidate, ...] = field(repr=False)
    basis: str
    """:data:`kentei.applications.identity.SEVERAL_RESIDENTS` or ``FOUR_ITEMS_ONLY``."""
    evidence: dict[str, object]


def confirm_identity(
    form: ApplicationForm, channel: Channel, registry: Registry
) -> Confirmed | Candidates | Refusal:
    """The registry's confirmation of the person ``form`` describes, the candidates staff
    must choose from, or why not."""
    if form.my_number is not None:
        if channel is Channel.PAPER:
            return _by_my_number(form, form.my_number, registry)
        confirmed = confirm_signers_number(form, form.my_number, registry)
        if isinstance(confirmed, Refusal):
            return confirmed
        return Confirmed(confirmed, {"registry": {"query": "by_my_number", "status": "current"}})
    if channel is Channel.MYNAPORTAL:
        return Refusal.of(
            VerifyReason.DOCUMENT_MY_NUMBER_MISSING, "the signed document gives no My Number"
        )
    return _by_four_items(form, channel, registry)


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
    disagreement = match_four_items(registry_items(record.person), form)
    if disagreement is not None:
        reason = _MISMATCH[disagreement.reason]
        return Refusal.of(
            reason,
            f"the form's {reason.value.rsplit('.', 1)[-1]} is not the registry's current one",
            registry=evidence,
        )
    return Confirmed(my_number, {"registry": evidence})


def search_four_items(
    form: ClaimedIdentity, registry: Registry
) -> tuple[tuple[Candidate, ...], int]:
    """Everyone the form's four items find, and how many searches it took: by the address,
    then (finding no one) by the address followed by its 方書."""
    candidates = registry.by_four_items(form.name, form.birth_date, Sex(form.sex), form.address)
    searches = 1
    if not candidates and form.address_line2:
        searches += 1
        candidates = registry.by_four_items(
            form.name, form.birth_date, Sex(form.sex), f"{form.address}{form.address_line2}"
        )
    return candidates, searches


def _by_four_items(
    form: ApplicationForm, channel: Channel, registry: Registry
) -> Confirmed | Candidates | Refusal:
    candidates, searches = search_four_items(form, registry)
    current = tuple(c for c in candidates if c.status is RegistryStatus.CURRENT)
    evidence: dict[str, object] = {
        "query": "by_four_items",
        "searches": searches,
        "candidates": len(candidates),
        "current": len(current),
    }
    if channel is Channel.EGOV:
        # The signature proves the four items, not a number: staff confirm the person even
        # when one resident matches; finding none says nothing about whom (as online).
        if not current:
            return Refusal.of(
                VerifyReason.REGISTRY_NOT_CONFIRMED,
                "no current resident matches the signer's four items",
                registry=evidence,
            )
        basis = identity.FOUR_ITEMS_ONLY if len(current) == 1 else identity.SEVERAL_RESIDENTS
        return Candidates(current, basis, {"registry": evidence})
    if len(current) == 1:
        return Confirmed(current[0].my_number, {"registry": evidence})
    if current:
        return Candidates(current, identity.SEVERAL_RESIDENTS, {"registry": evidence})
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
