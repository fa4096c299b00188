"""The four basic items (基本4情報) a JPKI signature certificate carries about its holder.

J-LIS writes them in the certificate's subjectAltName as ``otherName`` entries whose value is a
UTF8String (``../shared/jpki/README.md``):

| OID | item |
|---|---|
| 1.2.392.200149.8.5.5.1 | name (氏名) |
| 1.2.392.200149.8.5.5.2 | name with substitute characters (代替文字) |
| 1.2.392.200149.8.5.5.3 | sex (性別) |
| 1.2.392.200149.8.5.5.4 | date of birth (生年月日), ``EYYYYMMDD`` |
| 1.2.392.200149.8.5.5.5 | address (住所) |
| 1.2.392.200149.8.5.5.6 | address with substitute characters |

The date of birth is one era digit (1 明治, 2 大正, 3 昭和, 4 平成, 5 令和) then the Gregorian
date; the era digit must be the era of that date. The sex item's code values are not confirmed
in public material: this module accepts ISO/IEC 5218 digits (``0`` not known, ``1`` male,
``2`` female, ``9`` not applicable), the codes the records use, and nothing else.

A certificate with none of these entries is a user-authentication certificate (利用者証明用,
see :mod:`kentei.signatures.certificate`); one with some but not all of the name, sex, birth
date and address, a repeated entry, a value that is not a UTF8String, or an unreadable date or
sex is refused as ``certificate.four_items_unreadable``. The substitute forms default to the
items themselves when absent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Final, NoReturn

from asn1crypto import core as asn1_core
from cryptography import x509

from kentei.signatures.reasons import Refused, RejectionReason

NAME_OID: Final = "1.2.392.200149.8.5.5.1"
NAME_SUBSTITUTE_OID: Final = "1.2.392.200149.8.5.5.2"
SEX_OID: Final = "1.2.392.200149.8.5.5.3"
BIRTH_DATE_OID: Final = "1.2.392.200149.8.5.5.4"
ADDRESS_OID: Final = "1.2.392.200149.8.5.5.5"
ADDRESS_SUBSTITUTE_OID: Final = "1.2.392.200149.8.5.5.6"
FOUR_ITEM_OIDS: Final = frozenset(
    {NAME_OID, NAME_SUBSTITUTE_OID, SEX_OID, BIRTH_DATE_OID, ADDRESS_OID, ADDRESS_SUBSTITUTE_OID}
)
_REQUIRED: Final = (NAME_OID, SEX_OID, BIRTH_DATE_OID, ADDRESS_OID)

ISO_5218_CODES: Final = frozenset({"0", "1", "2", "9"})
ERA_STARTS: Final = (
    (5, date(2019, 5, 1)),  # 令和
    (4, date(1989, 1, 8)),  # 平成
    (3, date(1926, 12, 25)),  # 昭和
    (2, date(1912, 7, 30)),  # 大正
    (1, date.min),  # 明治 (and anything earlier, which no living holder has)
)
_ERA_DATE: Final = re.compile(r"([1-5])([0-9]{4})([0-9]{2})([0-9]{2})")
_MASK: Final = "***"


@dataclass(frozen=True)
class FourItems:
    """The holder's four items as certified. Personal data: ``repr`` shows none of it."""

    name: str = field(repr=False)
    name_substitute: str = field(repr=False)
    sex: str = field(repr=False)
    """ISO/IEC 5218 digit."""
    birth_date: date = field(repr=False)
    address: str = field(repr=False)
    address_substitute: str = field(repr=False)

    def __repr__(self) -> str:
        return f"FourItems({_MASK})"

    __str__ = __repr__


def era_of(day: date) -> int:
    """The era digit of ``day`` (1 明治 … 5 令和)."""
    return next(digit for digit, start in ERA_STARTS if day >= start)


def parse_era_date(value: str) -> date:
    """``EYYYYMMDD`` → the date; ValueError if malformed or the era digit is not the date's."""
    match = _ERA_DATE.fullmatch(value)
    if match is None:
        raise ValueError("not EYYYYMMDD")
    era, year, month, day = (int(g) for g in match.groups())
    parsed = date(year, month, day)
    if era_of(parsed) != era:
        raise ValueError("the era digit is not the era of the date")
    return parsed


def has_four_items(certificate: x509.Certificate) -> bool:
    """True when the certificate carries at least one of the four-item otherNames."""
    return any(other.type_id.dotted_string in FOUR_ITEM_OIDS for other in _other_names(certificate))


def four_items_of(certificate: x509.Certificate) -> FourItems:
    """The certificate's four items; :class:`Refused` ``certificate.four_items_unreadable``."""
    values: dict[str, str] = {}
    for other in _other_names(certificate):
        oid = other.type_id.dotted_string
        if oid not in FOUR_ITEM_OIDS:
            continue
        if oid in values:
            _unreadable(f"the otherName {oid} appears more than once")
        values[oid] = _utf8_string(oid, other.value)
    missing = [oid for oid in _REQUIRED if oid not in values]
    if missing:
        _unreadable(f"the otherName items {', '.join(missing)} are missing")
    sex = unicodedata.normalize("NFKC", values[SEX_OID]).strip()
    if sex not in ISO_5218_CODES:
        _unreadable("the sex item is not an ISO/IEC 5218 code")
    try:
        birth_date = parse_era_date(values[BIRTH_DATE_OID].strip())
    except ValueError as exc:
        _unreadable(f"the birth date item is unreadable: {exc}")
    return FourItems(
        name=values[NAME_OID],
        name_substitute=values.get(NAME_SUBSTITUTE_OID, values[NAME_OID]),
        sex=sex,
        birth_date=birth_date,
        address=values[ADDRESS_OID],
        address_substitute=values.get(ADDRESS_SUBSTITUTE_OID, values[ADDRESS_OID]),
    )


def _other_names(certificate: x509.Certificate) -> list[x509.OtherName]:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return san.value.get_values_for_type(x509.OtherName)


def _utf8_string(oid: str, der: bytes) -> str:
    try:
        parsed = asn1_core.Asn1Value.load(der, strict=True)
        if not isinstance(parsed, asn1_core.UTF8String):
            _unreadable(f"the otherName {oid} is not a UTF8String")
        value = parsed.native
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        _unreadable(f"the otherName {oid} cannot be decoded ({type(exc).__name__})")
    if not isinstance(value, str) or not value.strip():
        _unreadable(f"the otherName {oid} is empty")
    return value


def _unreadable(detail: str) -> NoReturn:
    raise Refused(RejectionReason.CERTIFICATE_FOUR_ITEMS_UNREADABLE, detail)
