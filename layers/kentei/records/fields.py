"""Constrained field types shared by the record models.

Every string input is NFKC-normalised and stripped first: full-width ASCII becomes ASCII and
half-width katakana becomes full-width, so keyed-in and CSV values compare equal. Numeric
strings must then consist of ASCII ``0-9``: ``\\d``, ``str.isdigit`` and ``int()`` all accept
other Unicode digits (Arabic-Indic, Devanagari, ...), which NFKC leaves as they are.

Stored formats: postal codes as seven digits without a hyphen (``"1234567"``, the form of
Japan Post's KEN_ALL data; the hyphen is a display concern); phone numbers as keyed, with
ASCII hyphens; dates as ``datetime.date``; date-times as aware datetimes in JST.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Final

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

JST: Final = timezone(timedelta(hours=9), "JST")
"""Japan Standard Time: date-times without an offset are read as JST (Japan has no DST)."""

FIRST_FISCAL_YEAR: Final = 1959
"""The first national skills tests (技能検定) were held in fiscal 1959."""
LAST_FISCAL_YEAR: Final = 2100
EARLIEST_DATE: Final = date(1900, 1, 1)
LATEST_DATE: Final = date(2100, 12, 31)

_DASHES: Final = str.maketrans(dict.fromkeys("‐‑‒–—―−ー", "-"))
"""Hyphen look-alikes people type in postal codes and phone numbers (after NFKC, which
already maps the full-width hyphen-minus and half-width ｰ)."""
_INTEGER: Final = re.compile(r"-?[0-9]+")
_DATE: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})-([0-9]{2})|/([0-9]{1,2})/([0-9]{1,2}))")
_COMPACT_DATE: Final = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_COMPACT_DATETIME: Final = re.compile(
    r"([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})?"
)
_POSTAL: Final = re.compile(r"〒?\s*([0-9]{3})-?([0-9]{4})")
_WHITESPACE: Final = re.compile(r"\s+")
_FORBIDDEN_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs"})


def _nfkc(value: object) -> object:
    """NFKC-normalise and strip a string; anything else goes on to the type check."""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    return value


def _single_line(value: object) -> object:
    """NFKC, then every run of white space (line breaks included) becomes one space."""
    if isinstance(value, str):
        return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    return value


def _multi_line(value: object) -> object:
    """NFKC with line breaks kept as ``\\n``."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace("\r\n", "\n").replace("\r", "\n")
        return text.strip()
    return value


def _printable(value: str) -> str:
    """Reject control and format characters (bidi overrides, zero-width, NUL...)."""
    if any(unicodedata.category(c) in _FORBIDDEN_CATEGORIES for c in value if c != "\n"):
        raise ValueError("control or format characters are not allowed")
    return value


def _integer(value: object) -> object:
    """Integers, or strings of ASCII digits after NFKC; never booleans."""
    if isinstance(value, bool):
        raise ValueError("a number cannot be true or false")
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not _INTEGER.fullmatch(text):
            raise ValueError("a number must be written with the digits 0-9")
        return int(text)
    return value


def _in_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError("the date is outside 1900-2100")
    return value


def _date(value: object) -> object:
    """Dates as ``YYYY-MM-DD``, ``YYYY/M/D`` (spreadsheets) or ``YYYYMMDD`` (CSV).

    Pydantic would read ``"20250401"`` as seconds since 1970; this reads it as 1 April 2025.
    Numbers are refused for the same reason.
    """
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("a date must be written as YYYY-MM-DD")
    text = unicodedata.normalize("NFKC", value).strip()
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if not match:
        raise ValueError("a date must be written as YYYY-MM-DD or YYYYMMDD")
    year, *rest = (int(part) for part in match.groups() if part is not None)
    try:
        return date(year, rest[0], rest[1])
    except ValueError:
        raise ValueError("no such day in the calendar") from None


def _datetime(value: object) -> object:
    """ISO 8601 date-times or ``YYYYMMDDhhmm[ss]``; without an offset they are JST."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        compact = _COMPACT_DATETIME.fullmatch(text)
        try:
            if compact:
                year, month, day, hour, minute, second = (int(p or 0) for p in compact.groups())
                value = datetime(year, month, day, hour, minute, second)
            elif text.isascii() and not text.isdigit():
                value = datetime.fromisoformat(text)
            else:
                raise ValueError
        except ValueError:
            raise ValueError("a date-time must be written as YYYY-MM-DDThh:mm[:ss]") from None
    if not isinstance(value, datetime):
        raise ValueError("a date-time must be written as YYYY-MM-DDThh:mm[:ss]")
    value = value.replace(tzinfo=JST) if value.tzinfo is None else value.astimezone(JST)
    _in_range(value.date())
    return value


def _postal_code(value: object) -> object:
    """``123-4567``, ``〒1234567``, full-width or with a hyphen look-alike: seven digits."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().translate(_DASHES)
        match = _POSTAL.fullmatch(text)
        return "".join(match.groups()) if match else text
    return value


def _phone(value: object) -> object:
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip().translate(_DASHES)
    return value


def _phone_digits(value: str) -> str:
    if not 10 <= sum(c.isdigit() for c in value) <= 11:
        raise ValueError("a phone number has 10 or 11 digits")
    return value


_YES: Final = frozenset({"有", "あり", "有り"})
_NO: Final = frozenset({"無", "なし", "無し"})


def _yes_no(value: object) -> object:
    """Booleans; 有/あり and 無/なし too, besides pydantic's true/false, 1/0, yes/no."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text in _YES:
            return True
        if text in _NO:
            return False
        return text
    return value


PrefectureCode = Annotated[
    str,
    StringConstraints(pattern=r"^(?:0[1-9]|[1-3][0-9]|4[0-7])$"),
    BeforeValidator(_nfkc),
]
"""JIS X 0401 prefecture code (都道府県コード), two characters "01" (Hokkaido) to "47" (Okinawa)."""

FiscalYear = Annotated[
    int, Field(ge=FIRST_FISCAL_YEAR, le=LAST_FISCAL_YEAR), BeforeValidator(_integer)
]
"""Fiscal year (年度), April to March, as the western year it starts in."""

Score = Annotated[int, Field(ge=0, le=100), BeforeValidator(_integer)]
"""A test score (得点), 0-100."""

Count = Annotated[int, Field(ge=0), BeforeValidator(_integer)]
"""A non-negative count (数, 回数) or ordinal."""

Years = Annotated[int, Field(ge=0, le=99), BeforeValidator(_integer)]
"""A number of years (年数), 0-99."""

Integer = Annotated[int, BeforeValidator(_integer)]
"""An integer with no domain rule (reserved numeric items)."""

Code = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]{0,19}$"),
    BeforeValidator(_nfkc),
]
"""A code (コード): 1-20 ASCII letters, digits, ``-`` or ``_``, starting with a letter or digit."""

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$"),
    BeforeValidator(_nfkc),
]
"""An identifier or number a system issues (ID, 番号): 1-64 ASCII letters, digits, - or _."""

PseudonymousId = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-Za-z_-]{8,128}$"),
    BeforeValidator(_nfkc),
]
"""A pseudonymous ID (仮名ID): 8-128 URL-safe ASCII characters, meaningless by design."""

ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(_printable),
    BeforeValidator(_single_line),
]
"""One line of text up to 100 characters: names, labels, categories without a code list."""

Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_printable),
    BeforeValidator(_single_line),
]
"""One line of text up to 200 characters: addresses, organisation names."""

LongText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    AfterValidator(_printable),
    BeforeValidator(_multi_line),
]
"""Free text up to 2000 characters; line breaks are kept as ``\\n``."""

Kana = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=r"^[ぁ-ゖゝ-ゟァ-ヿㇰ-ㇿ ]+$"),
    BeforeValidator(_single_line),
]
"""A reading in kana (ふりがな): hiragana, katakana, ー, ・ and spaces; half-width katakana
is normalised to full-width. Kept in the script it was written in."""

PostalCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{7}$"), BeforeValidator(_postal_code)]
"""A postal code (郵便番号), stored as seven digits without the hyphen."""

PhoneNumber = Annotated[
    str,
    StringConstraints(pattern=r"^0[0-9]*(?:-[0-9]+)*$"),
    AfterValidator(_phone_digits),
    BeforeValidator(_phone),
]
"""A domestic phone number (電話番号): starts with 0, 10 or 11 digits, hyphens kept."""

Date = Annotated[date, AfterValidator(_in_range), BeforeValidator(_date)]
"""A calendar date between 1900 and 2100."""

DateTime = Annotated[datetime, BeforeValidator(_datetime)]
"""A date-time, held in JST."""

YesNo = Annotated[bool, BeforeValidator(_yes_no)]
"""Yes or no (有無)."""
