"""``python -m kentei.fees check [--file FILE]``: validate the fee schedule.

Without ``--file`` it checks the file shipped with the package (``make lint`` runs it). Prints
one line and exits 0 when the data holds, 1 naming the problem, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from kentei.fees.schedule import FeeSchedule, shipped_text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kentei.fees")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the fee schedule")
    check.add_argument("--file", type=Path, default=None, help="default: the shipped file")
    args = parser.parse_args(argv)
    text = shipped_text() if args.file is None else args.file.read_text(encoding="utf-8")
    try:
        schedule = FeeSchedule.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        print(f"fee data: {where}: {first['msg']}", file=sys.stderr)
        return 1
    print(
        f"fee data ok: version {schedule.version}, default and "
        f"{len(schedule.prefectures)} prefectures"
        + (" (unconfirmed)" if schedule.unconfirmed else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
