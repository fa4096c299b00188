"""The base of every record model, and how a validation error loses its input.

``hide_input_in_errors`` only hides the input in ``str(exc)``: ``exc.errors()`` and
``exc.json()`` still carry it, and an API error mapper would pass it on. So the base's
validating entry points re-raise errors rebuilt by :func:`without_input`.
"""

from __future__ import annotations

import typing
from typing import Any, ClassVar, Final, Self

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

_BUILT_IN_ERRORS: Final = frozenset(typing.get_args(ErrorType))


def error_details(
    exc: ValidationError, loc_prefix: tuple[int | str, ...] = ()
) -> list[InitErrorDetails]:
    """The errors of ``exc`` (type, location, message, context) without their input values,
    ready for ``ValidationError.from_exception_data``; ``loc_prefix`` goes before each loc."""
    details: list[InitErrorDetails] = []
    for error in exc.errors(include_url=False, include_input=False):
        context = error.get("ctx")
        kind: str | PydanticCustomError = error["type"]
        if kind not in _BUILT_IN_ERRORS:
            kind = PydanticCustomError(error["type"], error["msg"])
            context = None
        detail = InitErrorDetails(type=kind, loc=(*loc_prefix, *error["loc"]), input=None)
        if context is not None:
            detail["ctx"] = context
        details.append(detail)
    return details


def without_input(exc: ValidationError) -> ValidationError:
    """The same errors (type, location, message, context) with every input value removed.

    Use it wherever a record is validated inside another model or a ``TypeAdapter``: those
    errors come from the outer validator and still carry the input.
    """
    return ValidationError.from_exception_data(exc.title, error_details(exc), hide_input=True)


class Record(BaseModel):
    """A record of one table of the record items (別添1 特定個人情報ファイル記録項目).

    Fields have English names and the Japanese item name as alias; input may use either,
    output uses the alias when asked (``by_alias=True``). Unknown fields are rejected (P1),
    records are immutable, and validation errors never carry the submitted values.
    """

    model_config = ConfigDict(
        defer_build=True,
        validate_by_name=True,
        validate_by_alias=True,
        extra="forbid",
        frozen=True,
        hide_input_in_errors=True,
    )

    date_order: ClassVar[tuple[tuple[str, str], ...]] = ()
    """Pairs of date fields (earlier, later) that, when both are present, must be in order."""

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            error = without_input(exc)
        else:
            return
        # Raised outside the except block, so the original error is not chained to it.
        raise error

    # Marked as pydantic's own: otherwise pydantic treats it as a custom __init__ and routes
    # every validation through it, JSON input included. It only wraps the base one.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            error = without_input(exc)
        raise error

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as exc:
            error = without_input(exc)
        raise error

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_strings(obj, **kwargs)
        except ValidationError as exc:
            error = without_input(exc)
        raise error

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        # A row with no item identifies nothing; CSV reading skips such rows as blank lines.
        if all(value is None for value in self.__dict__.values()):
            raise ValueError("a record needs at least one item")
        for earlier, later in self.date_order:
            first, second = getattr(self, earlier), getattr(self, later)
            if first is not None and second is not None and first > second:
                raise ValueError(f"{earlier} must not be after {later}")
        return self
