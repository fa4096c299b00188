"""Hypothesis strategies for the record field types, and for whole records of any model.

A strategy per field type (keyed by the type alias itself), so a new field type without a
strategy fails the round-trip tests instead of being skipped.
"""

from __future__ import annotations

import types
import typing
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from kentei.my_number import check_digit
from kentei.records import Record
from kentei.records.fields import (
    JST,
    Code,
    Count,
    Date,
    DateTime,
    FiscalYear,
    Identifier,
    Integer,
    Kana,
    LongText,
    PhoneNumber,
    PostalCode,
    PrefectureCode,
    PseudonymousId,
    Score,
    ShortText,
    Text,
    Years,
    YesNo,
)
from kentei.records.sensitive import MyNumberField, ResidenceCardNumber

PROPERTY = settings(max_examples=50, database=None)
"""Moderate example counts keep the unit suite fast; no example database: tests do no I/O."""

ASCII_DIGITS = st.sampled_from("0123456789")
NON_ASCII_DIGIT_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1040, 0x17E0)
"""Zero of Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, Thai, Myanmar and Khmer
digits: Unicode digits that NFKC leaves as they are."""
KANA = "".join(
    chr(c)
    for start, end in ((0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FF), (0x31F0, 0x31FF))
    for c in range(start, end + 1)
)


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(ASCII_DIGITS, min_size=n, max_size=n)


def in_script(text: str, zero: int) -> str:
    """``text`` with its ASCII digits written in the script whose zero is ``zero``."""
    return "".join(chr(zero + int(c)) if c.isascii() and c.isdigit() else c for c in text)


@st.composite
def with_foreign_digit(draw: st.DrawFn, text: str) -> str:
    """``text`` with one of its ASCII digits replaced by the same digit in another script."""
    positions = [i for i, c in enumerate(text) if c.isascii() and c.isdigit()]
    i = draw(st.sampled_from(positions))
    zero = draw(st.sampled_from(NON_ASCII_DIGIT_ZEROS))
    return text[:i] + in_script(text[i], zero) + text[i + 1 :]


def my_numbers() -> st.SearchStrategy[str]:
    """Valid My Numbers: any eleven ASCII digits and their check digit."""
    return digits(11).map(lambda first: first + str(check_digit(first)))


def residence_card_numbers() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Z]{2}[0-9]{8}[A-Z]{2}", fullmatch=True)


def phone_numbers() -> st.SearchStrategy[str]:
    """Domestic numbers: 0 then 9 or 10 digits, cut by hyphens at random places."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        number = "0" + draw(digits(draw(st.sampled_from([9, 10]))))
        cuts = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=3)))
        parts = [number[i:j] for i, j in zip([0, *cuts], [*cuts, len(number)], strict=True)]
        return "-".join(parts)

    return build()


def _text(max_length: int, *, multi_line: bool = False) -> st.SearchStrategy[str]:
    alphabet = st.characters(
        categories=("L", "N", "P", "S", "Zs"), include_characters="\n" if multi_line else ""
    )

    def fits(value: str) -> bool:
        normalised = unicodedata.normalize("NFKC", value).strip()
        return 0 < len(normalised) <= max_length

    return st.text(alphabet, min_size=1, max_size=min(max_length, 40)).filter(fits)


FIELD_STRATEGIES: list[tuple[object, st.SearchStrategy[Any]]] = [
    (PrefectureCode, st.integers(1, 47).map(lambda n: f"{n:02d}")),
    (FiscalYear, st.integers(1959, 2100)),
    (Score, st.integers(0, 100)),
    (Count, st.integers(0, 10**6)),
    (Years, st.integers(0, 99)),
    (Integer, st.integers(-(10**9), 10**9)),
    (Code, st.from_regex(r"[0-9A-Za-z][0-9A-Za-z_-]{0,19}", fullmatch=True)),
    (Identifier, st.from_regex(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}", fullmatch=True)),
    (PseudonymousId, st.from_regex(r"[0-9A-Za-z_-]{8,40}", fullmatch=True)),
    (ShortText, _text(100)),
    (Text, _text(200)),
    (LongText, _text(2000, multi_line=True)),
    (Kana, st.text(st.sampled_from(KANA + " "), min_size=1, max_size=30).filter(str.strip)),
    (PostalCode, digits(7)),
    (PhoneNumber, phone_numbers()),
    (Date, st.dates(date(1900, 1, 1), date(2100, 12, 31))),
    (
        DateTime,
        st.datetimes(datetime(1900, 1, 2), datetime(2100, 12, 30), timezones=st.just(JST)),
    ),
    (YesNo, st.booleans()),
    (MyNumberField, my_numbers()),
    (ResidenceCardNumber, residence_card_numbers()),
]


def without_item(hint: object) -> object:
    """The value type of a record item (``kentei.records.items``): the hint without the
    ``Field`` that carries the item's alias and description (the last metadata, since nested
    ``Annotated`` flattens; a value type's own ``Field(ge=...)`` has no alias and stays)."""
    if typing.get_origin(hint) is not typing.Annotated:
        return hint
    base, *metadata = typing.get_args(hint)
    if not (isinstance(metadata[-1], FieldInfo) and metadata[-1].alias):
        return hint
    kept = metadata[:-1]
    return typing.Annotated[(base, *kept)] if kept else base


def strategy_for(hint: object) -> st.SearchStrategy[Any]:
    """The strategy for a field's type hint (``X`` or ``X | None``, or an item of either)."""
    hint = without_item(hint)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        assert len(inner) == 1, f"unexpected union {hint}"
        return st.none() | strategy_for(inner[0])
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(hint)
    for alias, strategy in FIELD_STRATEGIES:
        if hint == alias:
            return strategy
    raise AssertionError(f"no strategy for field type {hint!r}")


def _order_dates(model: type[Record]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Swap dates that the model requires in order, until every pair is."""

    def fix(data: dict[str, Any]) -> dict[str, Any]:
        changed = True
        while changed:
            changed = False
            for earlier, later in model.date_order:
                first, second = data.get(earlier), data.get(later)
                if first is not None and second is not None and first > second:
                    data[earlier], data[later] = second, first
                    changed = True
        return data

    return fix


def record_data(model: type[Record]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid input for ``model``, keyed by English field name."""
    hints = typing.get_type_hints(model, include_extras=True)
    fields = {name: strategy_for(hints[name]) for name in model.model_fields}
    return (
        st.fixed_dictionaries(fields)
        .filter(lambda data: any(value is not None for value in data.values()))
        .map(_order_dates(model))
    )
