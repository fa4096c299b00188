"""``python -m kentei.person_requests check [--file FILE]``: validate the procedures for a
person's requests (開示・訂正・利用停止).

Without ``--file`` it checks the file shipped with the package (``make lint`` runs it). Prints a
summary and exits 0 when the data holds, 1 naming the problem, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

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
    parser = argparse.ArgumentParser(prog="python -m kentei.person_requests")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the procedures")
    check.add_argument("--file", type=Path, default=None, help="default: the shipped file")
    args = parser.parse_args(argv)
    text = shipped_text() if args.file is None else args.file.read_text(encoding="utf-8")
    try:
        table = Procedures.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        print(f"person request procedures: {where}: {first['msg']}", file=sys.stderr)
        return 1
    print(summary(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
