"""Where a My Number stands where it must not: the dotted paths of the values holding one.

The pure half of privacy invariant 3. Every entry point hands what it received (a form, a
mapping of parameters, a list of reasons) to :func:`holding_my_number` and refuses the
request when any path comes back; the function knows nothing of HTTP, so the edge (intake)
decides the answer (a ``422`` naming each path). The detector is :mod:`kentei.my_number`,
one rule for every entry point and for the log formatter, except that a UUID or a long hex
digest (a client's idempotency key, a generated file name) is set aside before the check
(:func:`kentei.my_number.machine_made_aside`): its random digits pass the check digit by
chance about once in 2,800, and a refusal by chance would be a bug the client cannot fix.

A path names where the value is, never the value: a mapping key that itself holds a My
Number is reported as its parent's path with ``(key)`` appended, so a refusal never quotes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel

from kentei import my_number

if TYPE_CHECKING:
    from kentei.applications.model import Reason
    from kentei.submissions.form import ApplicationForm

MY_NUMBER_ITEM: Final = "my_number"
"""The one form item where a My Number belongs."""
KEY: Final = "(key)"
"""Appended to a path whose mapping key, not value, holds a My Number."""


def holding_my_number(value: object, at: str = "") -> list[str]:
    """The dotted paths (``form.employer_code``, ``attachments.2.name``) of every string in
    ``value`` that holds a valid My Number in any spelling, in order.

    ``value`` may be a string, a mapping, a list or tuple, a pydantic model or a dataclass
    (fields by their Python names, read as they are: a model's serialiser may mask what its
    field holds). Other values (numbers, dates, enums' values aside) hold no text to screen;
    a :class:`~kentei.my_number.MyNumber` is where one belongs and is not reported.
    """
    found: list[str] = []
    _walk(value, at, found)
    return found


def form_items(form: ApplicationForm, at: str) -> list[str]:
    """The form's items, other than ``my_number``, that hold a My Number: ``<at>.<item>``."""
    items = {name: value for name, value in form.item_values().items() if name != MY_NUMBER_ITEM}
    return holding_my_number(items, at)


def reasons(given: Iterable[Reason], at: str) -> list[str]:
    """The reasons' texts (code, field, message) holding a My Number: ``<at>.<n>.<part>``."""
    return [
        path
        for n, reason in enumerate(given)
        for path in holding_my_number(
            {"code": reason.code, "field": reason.field, "message": reason.message}, f"{at}.{n}"
        )
    ]


def _join(at: str, name: object) -> str:
    return f"{at}.{name}" if at else str(name)


def _walk(value: object, at: str, found: list[str]) -> None:
    if isinstance(value, my_number.MyNumber):
        return
    if isinstance(value, str):
        if my_number.contains_personal(value):
            found.append(at or "$")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and my_number.contains_personal(key):
                found.append(_join(at, KEY))
                continue
            _walk(item, _join(at, key), found)
        return
    if isinstance(value, list | tuple):
        for n, item in enumerate(value):
            _walk(item, _join(at, n), found)
        return
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _walk(getattr(value, name), _join(at, name), found)
        return
    if is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            _walk(getattr(value, field.name), _join(at, field.name), found)
