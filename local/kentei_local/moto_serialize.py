"""moto's response serializer made to look up each attribute's possible names once.

moto (5.x) serializes a response by walking the operation's output shape, and for every
member of every value asks six alias providers which attribute names of the Python object may
hold it (the member's name, its model name, its shape's name, prefixes stripped, and each in
``snake_case``), making the six providers anew each time. A DynamoDB query answering a page of
items asks that for every member of every attribute value of every item (``S``, ``N``, ``B``,
``M``, ...): a fifth of the local runtime's CPU in a lifecycle run (``py-spy --gil``).

The answer depends only on the member's shape (its name, its parent's name and members, its
model name), the object's class (an explicit alias table, a class-name prefix) and the key, so
:func:`install` keeps it per shape (weakly: the shape's own lifetime) and per (class, key), for
the default providers only. What the object holds under those names is still read each time.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Iterator
from typing import Any, Final

from moto.core import serialize
from moto.core.serialize import AttributePickerContext, XFormedAttributePicker

_INSTALLED: Final = "_kentei_possible_keys_once"
_KEYS: weakref.WeakKeyDictionary[Any, dict[tuple[type, str], tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)
_LOCK: Final = threading.Lock()


def install() -> None:
    """Patch moto's attribute picker (idempotent; process-wide, like moto's backends)."""
    if getattr(XFormedAttributePicker, _INSTALLED, False):
        return
    original = XFormedAttributePicker.get_possible_keys

    @functools.wraps(original)
    def get_possible_keys(
        self: XFormedAttributePicker, context: AttributePickerContext
    ) -> Iterator[str]:
        shape = context.shape
        if shape is None or self.alias_providers is not serialize.DEFAULT_ALIAS_PROVIDERS:
            yield from original(self, context)
            return
        key = (type(context.obj), context.key)
        with _LOCK:
            known = _KEYS.get(shape)
            keys = None if known is None else known.get(key)
        if keys is None:
            keys = tuple(original(self, context))
            with _LOCK:
                _KEYS.setdefault(shape, {})[key] = keys
        yield from keys

    XFormedAttributePicker.get_possible_keys = get_possible_keys  # type: ignore[method-assign,assignment]
    setattr(XFormedAttributePicker, _INSTALLED, True)
