"""What sync works with: its ports, and their deployed (or local) adapters.

:func:`dependencies` builds them once per container (the catalogue, rules and schemes are
read once). Tests pass their own :class:`Dependencies` (in-memory fakes) to the logic
(:mod:`sync.decisions`, :mod:`sync.announcements`, :mod:`sync.imports`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from kentei.exams.catalogue import Catalogue
from kentei.exams.rounds import Rounds
from kentei.results.rules import PassRules
from sync.import_ports import ImportPorts


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Dependencies:
    catalogue: Callable[[], Catalogue]
    rounds: Callable[[], Rounds]
    rules: Callable[[], PassRules]
    clock: Callable[[], datetime]
    imports: ImportPorts
    """Result imports (:mod:`sync.imports`)."""


@cache
def dependencies() -> Dependencies:
    from kentei.exams.catalogue import load_catalogue
    from kentei.exams.rounds import load_rounds
    from kentei.results.rules import load_pass_rules
    from sync.import_ports import deployed

    return Dependencies(
        catalogue=load_catalogue,
        rounds=load_rounds,
        rules=load_pass_rules,
        clock=utc_now,
        imports=deployed(),
    )
