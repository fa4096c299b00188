"""Values that must never print: the My Number and the residence-card number (在留カード番号).

Both mask themselves in ``repr``, ``str``, ``format`` and serialisation. A caller that really
needs the value (the vault, a sync export) either calls ``reveal()`` or serialises with
``context={REVEAL: True}``; nothing else shows it, so a model holding one can be logged.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Final

from pydantic import GetCoreSchemaHandler, PlainSerializer, SerializationInfo
from pydantic_core import PydanticCustomError, core_schema

from kentei.my_number import REDACTED, MyNumber

REVEAL: Final = "reveal_sensitive"
"""Serialisation context key: ``context={REVEAL: True}`` writes the real values."""

_RESIDENCE_CARD: Final = re.compile(r"[A-Z]{2}[0-9]{8}[A-Z]{2}")


def reveal_requested(info: SerializationInfo) -> bool:
    """True when the caller serialises with ``context={REVEAL: True}``."""
    context = info.context
    return isinstance(context, dict) and context.get(REVEAL) is True


class ResidenceCardNumber:
    """A residence-card number (在留カード番号): two letters, eight digits, two letters.

    Input is NFKC-normalised (full-width letters and digits become ASCII) and upper-cased.
    Its characters leave only through :meth:`reveal`.
    """

    __slots__ = ("_value",)

    def __init__(self, raw: str) -> None:
        value = unicodedata.normalize("NFKC", raw).strip()
        # Upper-case only ASCII: "ı".upper() is "I", which would smuggle in a non-ASCII letter.
        if not value.isascii() or not _RESIDENCE_CARD.fullmatch(value.upper()):
            raise ValueError("a residence card number is two letters, eight digits and two letters")
        self._value = value.upper()

    def reveal(self) -> str:
        """The twelve characters: call only where the number itself is needed."""
        return self._value

    def __repr__(self) -> str:
        return f"ResidenceCardNumber({REDACTED})"

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, spec: str) -> str:
        return REDACTED

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ResidenceCardNumber) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("ResidenceCardNumber", self._value))

    def __reduce__(self) -> Any:
        raise TypeError("a residence card number is not picklable")

    def __copy__(self) -> ResidenceCardNumber:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ResidenceCardNumber:
        return self

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def _validate(value: Any) -> ResidenceCardNumber:
            if isinstance(value, ResidenceCardNumber):
                return value
            if not isinstance(value, str):
                raise PydanticCustomError(
                    "residence_card_number_type", "a residence card number must be a string"
                )
            try:
                return cls(value)
            except ValueError as exc:
                raise PydanticCustomError("residence_card_number", str(exc)) from None

        return core_schema.no_info_plain_validator_function(
            _validate,
            json_schema_input_schema=core_schema.str_schema(pattern=r"^[A-Z]{2}[0-9]{8}[A-Z]{2}$"),
            serialization=core_schema.plain_serializer_function_ser_schema(
                _serialise,
                info_arg=True,
                return_schema=core_schema.str_schema(),
                when_used="always",
            ),
        )


def _serialise(value: MyNumber | ResidenceCardNumber, info: SerializationInfo) -> str:
    return value.reveal() if reveal_requested(info) else REDACTED


MyNumberField = Annotated[
    MyNumber, PlainSerializer(_serialise, return_type=str, when_used="always")
]
"""A My Number (個人番号) in a record: masked when serialised unless ``REVEAL`` is set."""
