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


def redact(text: str) -> str:
    """Replace every valid My Number in ``text`` (digits possibly separated) with asterisks."""

    def _replace(match: re.Match[str]) -> str:
        digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", match.group(0)))
        return REDACTED if len(digits) == LENGTH and is_valid(digits) else match.group(0)

    return CANDIDATE_PATTERN.sub(_replace, text)


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
