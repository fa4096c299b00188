"""The My Number (個人番号): normalisation, check digit, and a value type that never shows it.

The check digit follows 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令
(総務省令第85号) 第5条: the eleven leading digits are weighted from the right by 2..7 then
2..6; the check digit is 11 minus the weighted sum modulo 11, or 0 when the remainder is 0 or 1.

This module is also the one detector of a My Number in text (:func:`find`, :func:`contains`,
:func:`redact`, :func:`scan`): the log formatter, the leak scans and every entry point's
refusal go through it, so "a My Number" means the same thing everywhere. Its rule (which
twelve digits are a candidate) is spelt out in :func:`candidates`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Final

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

LENGTH: Final = 12
_ASCII_DIGITS: Final = re.compile(r"[0-9]{12}")
REDACTED: Final = "************"


def check_digit(first_eleven: str) -> int:
    """The check digit for the eleven leading ASCII digits."""
    if len(first_eleven) != LENGTH - 1 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError("the check digit needs exactly eleven ASCII digits")
    total = 0
    for n, digit in enumerate(reversed(first_eleven), start=1):
        weight = n + 1 if n <= 6 else n - 5
        total += int(digit) * weight
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def normalise(raw: str) -> str:
    """NFKC (full-width digits become ASCII), then strip surrounding white space."""
    return unicodedata.normalize("NFKC", raw).strip()


def is_valid(raw: str) -> bool:
    """True when ``raw`` normalises to twelve ASCII digits with a correct check digit."""
    value = normalise(raw)
    return bool(_ASCII_DIGITS.fullmatch(value)) and check_digit(value[:11]) == int(value[11])


# Separators accepted between two digits of a My Number: white space (ASCII, ideographic),
# punctuation people type between groups, and every dash-like character; besides these, any
# character of Unicode's dash (Pd) or space (Zs) categories (see _is_separator).
SEPARATORS: Final = frozenset(
    " \t\u3000._/,\u30fb\uff65"  # space, ideographic space, . _ / , ・ ･
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc\uff70"  # dashes, ー ｰ
    "\uff0e\uff0f\uff3f\uff0c"  # full-width . / _ ,
)
# At most this many separator characters between two digits of one number.
MAX_GAP: Final = 3


def _digit(char: str) -> int | None:
    """The decimal value of any Unicode decimal digit (ASCII, full-width, Arabic-Indic, ...)."""
    value = unicodedata.decimal(char, None)
    if value is None:
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and folded != char:
            value = unicodedata.decimal(folded, None)
    return value


_DASHES: Final = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc\uff70")
_DECIMAL_POINTS: Final = frozenset({".", "\uff0e"})

Digit = tuple[int, int]
"""A digit of the text: its index and its decimal value."""


@dataclass(frozen=True)
class _Run:
    """Digits joined by separators: its groups (adjacent digits) and the joins between them."""

    groups: tuple[tuple[Digit, ...], ...]
    joins: tuple[str, ...]
    """``joins[k]`` is the separator text between ``groups[k]`` and ``groups[k + 1]``,
    canonical (NFKC, every dash as ``-``), so ``-`` and ``－`` join alike."""


def _is_separator(char: str) -> bool:
    return char in SEPARATORS or unicodedata.category(char) in ("Pd", "Zs")


def _canonical(separator: str) -> str:
    """The separator as compared between groups: NFKC, any dash ``-``, any space `` ``."""
    folded = unicodedata.normalize("NFKC", separator)
    return "".join(
        "-"
        if c in _DASHES or unicodedata.category(c) == "Pd"
        else " "
        if unicodedata.category(c) == "Zs"
        else c
        for c in folded
    )


def _runs(text: str) -> list[_Run]:
    """Maximal runs of digits joined by separators (at most :data:`MAX_GAP` in a row)."""
    runs: list[_Run] = []
    groups: list[tuple[Digit, ...]] = []
    joins: list[str] = []
    group: list[Digit] = []
    gap = ""

    def close() -> None:
        nonlocal groups, joins, group, gap
        if group:
            groups.append(tuple(group))
        if groups:
            runs.append(_Run(tuple(groups), tuple(joins)))
        groups, joins, group, gap = [], [], [], ""

    for index, char in enumerate(text):
        value = _digit(char)
        if value is not None:
            if gap:
                groups.append(tuple(group))
                joins.append(_canonical(gap))
                group, gap = [], ""
            group.append((index, value))
        elif group and _is_separator(char) and len(gap) < MAX_GAP:
            gap += char
        else:
            close()
    close()
    return runs


def _embedded(run: _Run, first: int, last: int) -> bool:
    """Whether ``groups[first..last]`` of ``run`` continue into a neighbouring group.

    A number written in groups continues through the separator it uses between its own
    groups: in ``1234-5678-9012-3456`` no three groups are a number of their own. A single
    group continues through a decimal point (``0.123456789018`` is one decimal number)."""
    inner = set(run.joins[first:last])
    left = run.joins[first - 1] if first > 0 else None
    right = run.joins[last] if last < len(run.joins) else None
    continuing = inner or _DECIMAL_POINTS
    return left in continuing or right in continuing


def candidates(text: str) -> list[tuple[int, int, str]]:
    """Every twelve-digit candidate in ``text``: (start, end, its digits in ASCII).

    The rule, in full:

    * Digits are any Unicode decimal digits (ASCII, full-width, Arabic-Indic, mathematical
      ...). Adjacent digits form a *group*; groups joined by up to :data:`MAX_GAP`
      :data:`SEPARATORS` form a *run*.
    * A candidate is a sequence of **whole groups** of a run with twelve digits in all. A
      group is never split: a digit run longer than twelve (a 13- or 20-digit reference
      number, a timestamp) holds no candidate, whatever its digits.
    * A candidate is not part of a longer number: a neighbouring group joined by the same
      separator as the candidate's own groups continues it (``1234 5678 9012 3456`` is one
      16-digit number), and a single group does not continue through a decimal point.
      Joined by another separator it stands alone: ``1-2-3 1234-5678-9018`` and
      ``TEL 0312345678 123456789018`` each hold one.
    """
    found: list[tuple[int, int, str]] = []
    for run in _runs(text):
        for first in range(len(run.groups)):
            total = 0
            for last in range(first, len(run.groups)):
                total += len(run.groups[last])
                if total >= LENGTH:
                    break
            if total != LENGTH or _embedded(run, first, last):
                continue
            digits = [d for group in run.groups[first : last + 1] for d in group]
            ascii_digits = "".join(str(value) for _, value in digits)
            found.append((digits[0][0], digits[-1][0] + 1, ascii_digits))
    return found


def find(text: str) -> list[tuple[int, int]]:
    """The spans (start, end) in ``text`` of every valid My Number, in any spelling: each
    candidate (:func:`candidates`) whose check digit is right."""
    return [
        (start, end)
        for start, end, digits in candidates(text)
        if check_digit(digits[:11]) == int(digits[11])
    ]


def contains(text: str) -> bool:
    """True when ``text`` holds a valid My Number in any spelling."""
    return bool(find(text))


MACHINE_MADE: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])"
)
"""Machine-made shapes that carry random digits and are never a person's number: a UUID
(its last group is twelve digits with a valid check digit about once in 2,800 UUIDs) and a
hex digest of 32 or more characters (SHA-256 of attachments and requests, idempotency hashes:
about one in four hundred holds twelve digits in a row that pass the check)."""


def machine_made_aside(text: str) -> str:
    """``text`` with :data:`MACHINE_MADE` shapes blanked out, for the checks that refuse or
    report (the screening of entry points, the leak scan), so a client's UUID key or file
    name is never refused by chance. The log redactor masks without this: over-masking a
    UUID's tail costs nothing, missing a number costs much."""
    return MACHINE_MADE.sub(" ", text)


def contains_personal(text: str) -> bool:
    """True when ``text`` holds a valid My Number in any spelling outside a UUID or a hex
    digest (:func:`machine_made_aside`)."""
    return contains(machine_made_aside(text))


def redact(text: str) -> str:
    """``text`` with every valid My Number (any spelling, overlapping ones merged) masked."""
    spans = sorted(find(text))
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[str] = []
    last = 0
    for start, end in merged:
        parts.append(text[last:start])
        parts.append(REDACTED)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def scan(value: object, path: str = "") -> str | None:
    """The field path (``body.applicant.employer_code``, ``attachments[2].file_name``) of
    the first string in a JSON-like structure (dicts, lists, tuples) holding a My Number,
    keys included; ``None`` when there is none."""
    if isinstance(value, str):
        return path or "$" if contains(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and contains(key):
                return child
            found = scan(item, child)
            if found is not None:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for n, item in enumerate(value):
            found = scan(item, f"{path}[{n}]")
            if found is not None:
                return found
    return None


class MyNumber:
    """A validated My Number. Its digits leave only through :meth:`reveal`.

    ``repr``, ``str``, ``format`` and pydantic serialisation all print a mask, so a model
    holding one can be logged or dumped without leaking it.
    """

    __slots__ = ("_digits",)

    def __init__(self, raw: str) -> None:
        value = normalise(raw)
        if not _ASCII_DIGITS.fullmatch(value):
            raise ValueError("a My Number is exactly 12 digits")
        if check_digit(value[:11]) != int(value[11]):
            raise ValueError("the My Number's check digit is wrong")
        self._digits = value

    def reveal(self) -> str:
        """The twelve digits: call only where the number is needed (the vault, the registry)."""
        return self._digits

    def __repr__(self) -> str:
        return f"MyNumber({REDACTED})"

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, spec: str) -> str:
        return REDACTED

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MyNumber) and other._digits == self._digits

    def __hash__(self) -> int:
        return hash(("MyNumber", self._digits))

    def __reduce__(self) -> Any:
        raise TypeError("a My Number is not picklable")

    # Without these, copy falls back on __reduce__ and fails, and so does a pydantic
    # model_copy(deep=True) of any record holding a My Number. The value is immutable.
    def __copy__(self) -> MyNumber:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> MyNumber:
        return self

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def _validate(value: Any) -> MyNumber:
            if isinstance(value, MyNumber):
                return value
            if not isinstance(value, str):
                raise PydanticCustomError("my_number_type", "a My Number must be a string")
            try:
                return cls(value)
            except ValueError as exc:
                # The message names what is wrong, never the value.
                raise PydanticCustomError("my_number", str(exc)) from None

        return core_schema.no_info_plain_validator_function(
            _validate,
            json_schema_input_schema=core_schema.str_schema(pattern=r"^[0-9]{12}$"),
            # return_schema: without it, a serialization-mode JSON schema (OpenAPI responses)
            # falls back on the plain validator and cannot be generated.
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: REDACTED, return_schema=core_schema.str_schema(), when_used="always"
            ),
        )
