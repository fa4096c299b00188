"""Does the form describe the certificate's holder? The four items compared, item by item.

Names and addresses are compared by their comparison keys
(:func:`kentei.registry.normalise.normalise_name` / ``normalise_address``: NFKC, no spacing,
old and variant character forms folded, block numbers unified). The rules:

- **name**: the form's name matches the certificate's name *or* its substitute-character form
  (代替文字: J-LIS writes a character outside its set as a substitute there);
- **sex**: the same ISO/IEC 5218 code;
- **birth date**: the same date (the certificate's era digit was checked when it was read);
- **address**: the form's address, alone or followed by its 方書 (building and room: the
  resident register may include it), matches the certificate's address or its
  substitute-character form.

A mismatch reports which item disagreed (``identity.mismatch.<item>``, the first in the order
name, sex, birth date, address, the detail naming every item that disagrees), never a value.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Protocol

from kentei.registry.normalise import normalise_address, normalise_name
from kentei.signatures.four_items import FourItems
from kentei.signatures.reasons import Rejection, RejectionReason

_MISMATCH: Final = {
    "name": RejectionReason.IDENTITY_MISMATCH_NAME,
    "sex": RejectionReason.IDENTITY_MISMATCH_SEX,
    "birth_date": RejectionReason.IDENTITY_MISMATCH_BIRTH_DATE,
    "address": RejectionReason.IDENTITY_MISMATCH_ADDRESS,
}


class ClaimedIdentity(Protocol):
    """The four items as the form gives them (an :class:`kentei.records.applicant.Applicant`
    has these attributes)."""

    @property
    def name(self) -> str: ...

    @property
    def sex(self) -> str:
        """ISO/IEC 5218 code (``kentei.records.codes.Sex`` is a StrEnum of them)."""
        ...

    @property
    def birth_date(self) -> date: ...

    @property
    def address(self) -> str: ...

    @property
    def address_line2(self) -> str | None: ...


def match_four_items(certified: FourItems, claimed: ClaimedIdentity) -> Rejection | None:
    """None when the form matches the certificate; else the first item that disagrees."""
    disagreeing = disagreeing_items(certified, claimed)
    if not disagreeing:
        return None
    return Rejection(
        _MISMATCH[disagreeing[0]],
        f"the form disagrees with the signature certificate on: {', '.join(disagreeing)}",
    )


def disagreeing_items(certified: FourItems, claimed: ClaimedIdentity) -> tuple[str, ...]:
    """The names of the items that disagree, in the order name, sex, birth date, address.

    Every item is compared whatever the others give (no early return): a caller that must
    not reveal *which* comparison failed through its timing compares in one shape.
    """
    return tuple(item for item, agrees in _comparisons(certified, claimed) if not agrees)


def _comparisons(certified: FourItems, claimed: ClaimedIdentity) -> list[tuple[str, bool]]:
    names = {normalise_name(certified.name), normalise_name(certified.name_substitute)}
    addresses = {
        normalise_address(certified.address),
        normalise_address(certified.address_substitute),
    }
    claimed_addresses = {normalise_address(claimed.address)}
    if claimed.address_line2:
        claimed_addresses.add(normalise_address(f"{claimed.address}{claimed.address_line2}"))
    return [
        ("name", normalise_name(claimed.name) in names),
        ("sex", str(claimed.sex) == certified.sex),
        ("birth_date", claimed.birth_date == certified.birth_date),
        ("address", bool(claimed_addresses & addresses)),
    ]
