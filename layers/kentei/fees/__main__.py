"""``python -m kentei.fees check [--file FILE]``: validate the fee schedule.

Without ``--file`` it checks the file shipped with the package (``make lint`` runs it). Prints
one line and exits 0 when the data holds, 1 naming the problem, 2 on a usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kentei.data_check import check_main
from kentei.fees.schedule import FeeSchedule, shipped_text


def summary(schedule: FeeSchedule) -> str:
    return (
        f"fee data ok: version {schedule.version}, default and "
        f"{len(schedule.prefectures)} prefectures"
        + (" (unconfirmed)" if schedule.unconfirmed else "")
    )


def main(argv: Sequence[str] | None = None) -> int:
    return check_main(
        argv,
        package="kentei.fees",
        what="fee data",
        model=FeeSchedule,
        shipped_text=shipped_text,
        summary=summary,
    )


if __name__ == "__main__":
    sys.exit(main())
