"""Is the My Number an online applicant gave *theirs*? The registry asked without an oracle.

An applicant signs with their own card; the certificate's four items already match the form
(:mod:`verify.submission`). If verify then answered by what the registry holds under the
number *given* (``registry.not_found``, ``registry.deceased``, ``registry.moved``,
``registry.mismatch.<item>``), anyone with a card could type a stranger's number and learn
whether it exists and whether its holder died or moved (the outside review's hole 1).

So the signer's four items (those of the form, equal to the certificate's) are compared with
the registry's record for the number *before* anything about that record is used:

- every item is compared, whatever the status, and against a blank record when the number is
  unknown, so the path and its work do not depend on what the registry holds;
- the items differ (or there is no record): the number is not the signer's, and every such
  case is the one code ``registry.not_confirmed``. The cause (the status, the names of the
  items that differ, never a value) stays in the evidence that only staff of the prefecture
  see in review;
- the items agree: the record is the signer's own, so its status may be told: ``current`` is
  confirmed, ``moved`` is ``registry.moved``, ``deceased`` is ``registry.deceased``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

from kentei.my_number import MyNumber
from kentei.registry import Person, Registry, RegistryStatus
from kentei.signatures import ClaimedIdentity, FourItems, disagreeing_items
from verify.reasons import Refusal, VerifyReason

_BLANK: Final = FourItems(
    name="", name_substitute="", sex="", birth_date=date.min, address="", address_substitute=""
)
"""What an unknown number is compared with: no form's item agrees with it."""

_OWN_STATUS: Final = {
    RegistryStatus.MOVED: VerifyReason.REGISTRY_MOVED,
    RegistryStatus.DECEASED: VerifyReason.REGISTRY_DECEASED,
}


def confirm_signers_number(
    form: ClaimedIdentity, my_number: MyNumber, registry: Registry
) -> MyNumber | Refusal:
    """``my_number`` when the registry holds it as the signer's, current; else why not,
    telling the status only of the signer's own record. ``form`` is the signer's four items:
    an application's form (equal to the certificate's), or :func:`certified_identity` of the
    certificate itself (a signed change request)."""
    record = registry.by_my_number(my_number)
    items = _BLANK if record.person is None else registry_items(record.person)
    differing = disagreeing_items(items, form)
    evidence: dict[str, object] = {
        "query": "by_my_number",
        "status": record.status.value,
        "differing": list(differing),
    }
    if differing or record.person is None:
        return Refusal.of(
            VerifyReason.REGISTRY_NOT_CONFIRMED,
            f"the registry's record for the number given is {record.status.value}; items "
            f"that differ from the signer's: {', '.join(differing) or 'none'}",
            registry=evidence,
        )
    own = _OWN_STATUS.get(record.status)
    if own is not None:
        return Refusal.of(
            own, f"the signer's own record is {record.status.value}", registry=evidence
        )
    return my_number


@dataclass(frozen=True)
class CertifiedIdentity:
    """The certificate's four items as the claimed identity: the name and address as
    certified (their substitute-character forms stand in the registry comparison's place
    only through the registry's own items)."""

    name: str = field(repr=False)
    sex: str = field(repr=False)
    birth_date: date = field(repr=False)
    address: str = field(repr=False)
    address_line2: str | None = field(default=None, repr=False)


def certified_identity(items: FourItems) -> CertifiedIdentity:
    """The signer's four items as the certificate gives them, to compare with the registry."""
    return CertifiedIdentity(
        name=items.name, sex=items.sex, birth_date=items.birth_date, address=items.address
    )


def registry_items(person: Person) -> FourItems:
    """The registry's items in the shape :func:`kentei.signatures.match_four_items` compares
    (the registry writes no substitute characters: its name and address stand for both)."""
    return FourItems(
        name=person.name,
        name_substitute=person.name,
        sex=person.sex.value,
        birth_date=person.birth_date,
        address=person.address,
        address_substitute=person.address,
    )
