"""``python -m kentei.retention check [--file FILE]``: validate the retention schedule.

Without ``--file`` it checks the file shipped with the package (``make lint`` runs it): every
record kind present, no period (the default's or a prefecture's) below its minimum, no
unknown kind, event or prefecture. Prints a summary and exits 0 when the data holds, 1 naming
the problem, 2 on a usage error.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence

from kentei.data_check import check_main
from kentei.retention.periods import PERMANENT
from kentei.retention.schedule import RetentionSchedule, shipped_text


def summary(schedule: RetentionSchedule) -> str:
    """One line for the schedule, then one per kind: period, counting, event, deleter."""
    by = Counter(entry.deleted_by.value for entry in schedule.default.values())
    unconfirmed = sum(entry.unconfirmed for entry in schedule.default.values())
    lines = [
        f"retention schedule ok: version {schedule.version}, {len(schedule.default)} kinds "
        f"({unconfirmed} unconfirmed), {len(schedule.prefectures)} prefectures with their own "
        f"periods; deleted by "
        + ", ".join(f"{name} {count}" for name, count in sorted(by.items()))
        + (" (unconfirmed)" if schedule.unconfirmed else "")
    ]
    for kind, entry in schedule.default.items():
        period = (
            "permanent"
            if entry.period == PERMANENT
            else f"{entry.period} ({schedule.counting_of(entry).value}) from {entry.event.value}"
        )
        hold = ", hold stops it" if entry.hold else ""
        lines.append(f"  {kind.value}: {period}, by {entry.deleted_by.value}{hold}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return check_main(
        argv,
        package="kentei.retention",
        what="retention schedule",
        model=RetentionSchedule,
        shipped_text=shipped_text,
        summary=summary,
    )


if __name__ == "__main__":
    sys.exit(main())
