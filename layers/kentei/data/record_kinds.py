"""Where each record kind lives: every item of the records table by its sort-key prefix, as the
modules that write them declare (``RECORD_KINDS``), gathered in one table.

The other tables, the buckets and the logs name their kinds in the catalog
(:attr:`kentei.catalog.TableSpec.record_kind`, :attr:`kentei.catalog.BucketSpec.record_kinds`).
A test reads every data module for the key prefixes it writes and fails on one that no
``RECORD_KINDS`` names, so a new store cannot go without a retention entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Final

from kentei.data import (
    applications,
    certificates,
    change_requests,
    changes,
    deletions,
    heartbeats,
    historical_passes,
    idle_warnings,
    initial_registrations,
    national_conflicts,
    national_pull,
    national_reconcile,
    national_sync,
    notices,
    pass_revocations,
    passes,
    published_jwks,
    result_imports,
    results,
    roster,
    sessions,
    sign_ins,
    status_lists,
    tickets,
)
from kentei.retention.kinds import RecordKind
from kentei.vault import links, signed_acts

WRITERS: Final[tuple[ModuleType, ...]] = (
    applications,
    certificates,
    change_requests,
    changes,
    deletions,
    heartbeats,
    historical_passes,
    idle_warnings,
    initial_registrations,
    national_conflicts,
    national_pull,
    national_reconcile,
    national_sync,
    notices,
    pass_revocations,
    passes,
    published_jwks,
    result_imports,
    results,
    roster,
    sessions,
    sign_ins,
    status_lists,
    tickets,
    links,
    signed_acts,
)
"""The modules that write items of the records table, each with its ``RECORD_KINDS``."""


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
