"""What sync works with: its ports, and their deployed (or local) adapters.

:func:`dependencies` builds them once per container (the catalogue, rules and schemes are
read once). Tests pass their own :class:`Dependencies` (in-memory fakes) to the logic
(:mod:`sync.decisions`, :mod:`sync.announcements`, :mod:`sync.imports`); each part's ports
default to the deployed adapters, so a test wires the part it exercises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from kentei.exams.catalogue import Catalogue
from kentei.exams.rounds import Rounds
from kentei.results.rules import PassRules
from sync import (
    import_ports,
    national_ports,
    pull_ports,
    reconcile_ports,
    results_ports,
    retention_ports,
)
from sync.import_ports import ImportPorts
from sync.national_ports import NationalPorts
from sync.pull_ports import PullPorts
from sync.reconcile_ports import ReconcilePorts
from sync.results_ports import ResultsPorts
from sync.retention_ports import RetentionPorts


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Dependencies:
    catalogue: Callable[[], Catalogue]
    rounds: Callable[[], Rounds]
    rules: Callable[[], PassRules]
    clock: Callable[[], datetime]
    imports: ImportPorts = field(default_factory=import_ports.deployed)
    """Result imports (:mod:`sync.imports`)."""
    results: ResultsPorts = field(default_factory=results_ports.deployed)
    """Decisions and announcements (:mod:`sync.decisions`, :mod:`sync.announcements`)."""
    national: NationalPorts = field(default_factory=national_ports.deployed)
    """The outbox to the national system (:mod:`sync.national`)."""
    pull: PullPorts = field(default_factory=pull_ports.deployed)
    """The changes made on the national side (:mod:`sync.national_pull`)."""
    reconcile: ReconcilePorts = field(default_factory=reconcile_ports.deployed)
    """Reconciliation with the national system (:mod:`sync.national_reconcile`)."""
    retention: RetentionPorts = field(default_factory=retention_ports.deployed)
    """The retention job (:mod:`sync.retention`)."""


@cache
def dependencies() -> Dependencies:
    from kentei.exams.catalogue import load_catalogue
    from kentei.exams.rounds import load_rounds
    from kentei.results.rules import load_pass_rules

    return Dependencies(
        catalogue=load_catalogue,
        rounds=load_rounds,
        rules=load_pass_rules,
        clock=utc_now,
    )
