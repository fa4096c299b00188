"""The My Number (個人番号): normalisation, check digit, and a value type that never shows it.

The check digit follows 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令
(総務省令第85号) 第5条: the eleven leading digits are weighted from the right by 2..7 then
2..6; the check digit is 11 minus the weighted sum modulo 11, or 0 when the remainder is 0 or 1.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

LENGTH: Final = 12
_ASCII_DIGITS: Final = re.compile(r"[0-9]{12}")
# Twelve digits with optional ASCII or full-width separators, as people write them. Used only
# to find candidates for redaction, each then confirmed by its check digit.
CANDIDATE_PATTERN: Final = re.compile(
    r"(?<![0-9０-９])(?:[0-9０-９][\s\-‐－ー　]?){11}[0-9０-９](?![0-9０-９])"
)
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
# punctuation people type between groups, and every dash-like character.
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


def _runs(text: str) -> list[list[tuple[int, int]]]:
    """Maximal runs of digits joined by separators, each as (index, value) per digit."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    gap = 0
    for index, char in enumerate(text):
        value = _digit(char)
        if value is not None:
            current.append((index, value))
            gap = 0
        elif current and char in SEPARATORS and gap < MAX_GAP:
            gap += 1
        else:
            if current:
                runs.append(current)
            current, gap = [], 0
    if current:
        runs.append(current)
    return runs


def find(text: str) -> list[tuple[int, int]]:
    """The spans (start, end) in ``text`` of every valid My Number, in any spelling.

    Digits are any Unicode decimal digit; any of :data:`SEPARATORS` (up to :data:`MAX_GAP`
    in a row) may stand between two digits. Each candidate is confirmed by its check digit.
    Policy for digit runs longer than twelve: every window of twelve consecutive digits in
    the run is tested, and each valid one is reported (fail closed: a My Number padded with
    other digits is still found, at the cost of some false positives in long numbers).
    """
    spans: list[tuple[int, int]] = []
    for run in _runs(text):
        for start in range(len(run) - LENGTH + 1):
            window = run[start : start + LENGTH]
            digits = "".join(str(v) for _, v in window)
            if check_digit(digits[:11]) == int(digits[11]):
                spans.append((window[0][0], window[-1][0] + 1))
    return spans


def contains(text: str) -> bool:
    """True when ``text`` holds a valid My Number in any spelling."""
    return bool(find(text))


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
