"""SnapStart: what a function forgets before its snapshot and after each restore.

With SnapStart on (the deployment setting ``kentei:snapStart``, ``kentei_infra.deploy_context``)
Lambda runs a function's init once, when a version is published, snapshots the memory, and
starts every new execution environment from that snapshot. Whatever init left behind is then
shared by every environment restored from it, and is as old as the snapshot:

- boto3 clients and the composition roots that hold them (their connection pools point at
  sockets that no longer exist after a restore, their credentials may have expired);
- the state of :mod:`random`, which would draw the same sequence in every restored environment
  (backoff jitter, botocore's retry jitter).

What a function keeps across invocations is named once, as ``"module:attribute.path"``
entries: the shared package's in :data:`KENTEI_KEPT`, each function's in its own
``container.py`` (``KEPT``), registered by its handler with :func:`keep`. The local runtime
forgets the same entries when it starts and stops (``kentei_local.containers``), and a unit
test fails for a cache named nowhere. An entry whose module is not loaded is skipped: a module
that was never imported holds nothing.

What a function's init would otherwise leave to its first request, and which holds no
connection, is named with :func:`warm` (intake's resolvers: a cold container imports only the
request's router): before the snapshot it is done, so every restored environment starts with
it. Then the kept entries are forgotten (no open connection is frozen into the snapshot);
after a restore :mod:`random` is re-seeded from ``os.urandom`` and the entries are forgotten
again, so the first request builds fresh clients and roots. Identifiers need nothing: ``uuid4``,
:mod:`secrets` and ``kentei.sortable_ids`` draw from ``os.urandom`` at each call, which the
kernel keeps unique across restores.

The hooks are registered with ``snapshot_restore_py``, which Lambda's managed Python runtimes
ship (nothing is vendored); where it is absent (tests, the local runtime) :func:`keep` records
the entries and registers nothing. Lambda offers SnapStart from Python 3.12: on the pinned 3.11
runtime the setting fails synth, and these hooks wait for the runtime to move.
"""

from __future__ import annotations

import importlib
import random
import sys
from collections.abc import Callable, Iterable
from typing import Final

KENTEI_KEPT: Final = (
    # The AWS clients (kentei.aws): one per service, with its connection pool.
    "kentei.aws:reset",
    # Powertools' idempotency layer, bound to its table's client.
    "kentei.data.idempotency:persistence_layer.cache_clear",
)
"""What the shared package keeps across invocations, whichever function imports it."""

RUNTIME_HOOKS: Final = "snapshot_restore_py"
"""The Snapshot Restore for Python library of Lambda's managed runtimes."""

Register = Callable[[Callable[[], None]], object]
"""``register_before_snapshot`` / ``register_after_restore``: each takes a callable."""

_kept: list[str] = list(KENTEI_KEPT)
_warm: list[str] = []
_registered = False


def kept() -> tuple[str, ...]:
    """Every entry registered so far, in order."""
    return tuple(_kept)


def keep(*entries: str) -> bool:
    """Name what this function keeps, and register the hooks with the runtime (once per
    process). True if the runtime's hooks library is present and the hooks are registered."""
    for entry in entries:
        _split(entry)
        if entry not in _kept:
            _kept.append(entry)
    return _register()


def warm(*entries: str) -> bool:
    """Name what this function does before its snapshot (each entry is called, its module
    imported if need be), and register the hooks; True if they are registered."""
    for entry in entries:
        _split(entry)
        if entry not in _warm:
            _warm.append(entry)
    return _register()


def warmed() -> tuple[str, ...]:
    """Every entry :func:`warm` registered so far, in order."""
    return tuple(_warm)


def forget(entries: Iterable[str]) -> list[str]:
    """Call each entry whose module is loaded; the entries called, in order. An entry whose
    module is loaded but lacks the attribute raises: the list is stale."""
    return _call(entries, load=False)


def _call(entries: Iterable[str], *, load: bool) -> list[str]:
    called: list[str] = []
    for entry in entries:
        module_name, path = _split(entry)
        module = sys.modules.get(module_name)
        if module is None and load:
            module = importlib.import_module(module_name)
        if module is None:
            continue
        target: object = module
        for attribute in path.split("."):
            target = getattr(target, attribute)
        if not callable(target):
            raise TypeError(f"{entry} is not callable")
        target()
        called.append(entry)
    return called


def before_snapshot() -> None:
    """Do what init left to the first request (:func:`warm`), then forget every client and
    root, so no connection is frozen in the snapshot."""
    _call(_warm, load=True)
    forget(_kept)


def after_restore() -> None:
    """Re-seed :mod:`random` from ``os.urandom`` and forget every client and root: the first
    request of a restored environment builds its own."""
    random.seed()
    forget(_kept)


def _register() -> bool:
    global _registered  # noqa: PLW0603 - once per process, like the runtime's own registry
    if _registered:
        return True
    hooks = _runtime_hooks()
    if hooks is None:
        return False
    register_before_snapshot, register_after_restore = hooks
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
    _registered = True
    return True


def _runtime_hooks() -> tuple[Register, Register] | None:
    try:
        library = importlib.import_module(RUNTIME_HOOKS)
    except ImportError:
        return None
    return library.register_before_snapshot, library.register_after_restore


def _split(entry: str) -> tuple[str, str]:
    module_name, separator, path = entry.partition(":")
    if not separator or not module_name or not path:
        raise ValueError(f"{entry!r}: expected 'module:attribute.path'")
    return module_name, path
