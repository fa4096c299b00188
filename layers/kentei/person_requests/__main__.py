"""``python -m kentei.person_requests check [--file FILE]``: validate the procedures for a
person's requests (開示・訂正・利用停止).

Without ``--file`` it checks the file shipped with the package (``make lint`` runs it). Prints a
summary and exits 0 when the data holds, 1 naming the problem, 2 on a usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kentei.data_check import check_main
from kentei.person_requests.procedures import Procedures, RequestKind, shipped_text


def summary(table: Procedures) -> str:
    lines = [
        f"person request procedures ok: version {table.version}, default and "
        f"{len(table.prefectures)} prefectures" + (" (unconfirmed)" if table.unconfirmed else "")
    ]
    for kind in RequestKind:
        procedure = table.default[kind]
        channels = ", ".join(sorted(c.value for c in procedure.channels))
        lines.append(
            f"  {kind.value}: {procedure.decision_days} days (+{procedure.extension_days}), "
            f"{channels}" + (", after a disclosure" if procedure.after_disclosure else "")
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return check_main(
        argv,
        package="kentei.person_requests",
        what="person request procedures",
        model=Procedures,
        shipped_text=shipped_text,
        summary=summary,
    )


if __name__ == "__main__":
    sys.exit(main())
