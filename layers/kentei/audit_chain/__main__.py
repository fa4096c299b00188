"""``python -m kentei.audit_chain verify --prefecture 13 --from 2026-12-01 --to 2026-12-06``:
verify the audit chain of a prefecture over a range of UTC days, against the table named
by the environment (``KENTEI_TABLE_AUDIT``, as the functions find it).

Prints one line (ids only) and exits 0 when every link holds, 1 naming the first broken
link (partition, sequence number, key, reason), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date

from kentei.audit_chain import ChainReport


def describe(report: ChainReport) -> str:
    counts = (
        f"{report.partitions} day(s), {report.entries} chained entries, "
        f"{report.unchained} written before the chain"
    )
    if report.broken is None:
        return f"intact: {counts}"
    broken = report.broken
    return (
        f"BROKEN at {broken.partition} seq {broken.seq}"
        f"{'' if broken.event_key is None else ' key ' + broken.event_key}: {broken.reason} "
        f"({counts})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kentei.audit_chain")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="verify a prefecture's chain over a range")
    verify.add_argument("--prefecture", required=True)
    verify.add_argument("--from", dest="first", required=True, type=date.fromisoformat)
    verify.add_argument("--to", dest="last", required=True, type=date.fromisoformat)
    verify.add_argument("--table", default=None, help="the audit table (default: from env)")
    args = parser.parse_args(argv)
    # The data layer reads the table; imported here so the pure chain never depends on it.
    from kentei.data.audit import AuditTrail

    report = AuditTrail(args.table).verify(args.prefecture, args.first, args.last)
    print(describe(report))
    return 0 if report.intact else 1


if __name__ == "__main__":
    sys.exit(main())
