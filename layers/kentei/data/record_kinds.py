"""Where each record kind lives: every item of the records table by its sort-key prefix, as the
modules that write them declare (``RECORD_KINDS``), gathered in one table.

The other tables, the buckets and the logs name their kinds in the catalog
(:attr:`kentei.catalog.TableSpec.record_kind`, :attr:`kentei.catalog.BucketSpec.record_kinds`).
A test reads every data module for the key prefixes it writes and fails on one that no
``RECORD_KINDS`` names, so a new store cannot go without a retention entry.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import ModuleType
from typing import Final

import kentei.data
from kentei.retention.kinds import RecordKind

OTHER_WRITERS: Final = ("kentei.vault.links", "kentei.vault.signed_acts")
"""Modules outside :mod:`kentei.data` that write records-table items (pseudonym links and
signed-act claims)."""


def _writers() -> tuple[ModuleType, ...]:
    names = [f"kentei.data.{m.name}" for m in pkgutil.iter_modules(kentei.data.__path__)]
    modules = (importlib.import_module(name) for name in (*sorted(names), *OTHER_WRITERS))
    return tuple(module for module in modules if hasattr(module, "RECORD_KINDS"))


WRITERS: Final = _writers()
"""The modules that declare ``RECORD_KINDS``: every :mod:`kentei.data` module that has one,
and :data:`OTHER_WRITERS`."""


def _gathered() -> dict[str, RecordKind]:
    found: dict[str, RecordKind] = {}
    for module in WRITERS:
        declared: Mapping[str, RecordKind] = module.RECORD_KINDS
        for prefix, kind in declared.items():
            if found.get(prefix, kind) is not kind:
                raise ValueError(f"{prefix} is declared as {found[prefix]} and as {kind}")
            found[prefix] = kind
    return found


ITEM_KINDS: Final[Mapping[str, RecordKind]] = _gathered()
"""Every records-table sort-key prefix (or fixed key) and its kind. No prefix starts another
(a test proves it), so an item's key has one kind."""


def kind_of(record_key: str) -> RecordKind:
    """The kind of the records-table item with this sort key."""
    for prefix, kind in ITEM_KINDS.items():
        if record_key.startswith(prefix):
            return kind
    raise KeyError(f"no record kind for the item {record_key[:24]!r}")
