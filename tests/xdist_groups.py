"""xdist's ``--dist loadgroup`` on pytest 9.2 (pytest-dev/pytest-xdist#1386), as a plugin
(``tests/conftest.py`` loads it; ``-p tests.xdist_groups`` elsewhere).

``make test`` relies on groups: the infra tier shares one synthesis of the app and each
integration module its local runtime because each is one xdist group. xdist 3.8 puts a test's
group in its node id by setting ``item._nodeid`` (``path::test@group``), which pytest 9.2 no
longer reads (a node's id is ``item._id``, a :class:`NodeId`), so no test was grouped and those
fixtures were set up on both workers (the lifecycle run under faults twice, about three minutes
each). After xdist's hook, the id it meant becomes the item's id, as the fix proposed upstream
does (pytest-dev/pytest-xdist#1388); once xdist does it itself, this finds nothing to do.
``tests/unit/test_xdist_groups.py`` fails if grouping stops.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _pytest.nodeid import NodeId


def group_under(folder: Path, items: list[pytest.Item], group: Callable[[Path], str]) -> None:
    """Mark each test under ``folder`` with the xdist group ``group`` names for its module's
    path (relative to ``folder``). Call it from a ``tryfirst`` collection hook: xdist's own hook
    reads the mark."""
    for item in items:
        if item.path.is_relative_to(folder):
            item.add_marker(pytest.mark.xdist_group(group(item.path.relative_to(folder))))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        meant = vars(item).get("_nodeid")
        if isinstance(meant, str) and meant != item.nodeid:
            item._id = NodeId.parse(meant)
