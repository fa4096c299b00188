"""``python -m kentei.results.historical import --prefecture 13 FILE [--apply] [--source S]
[--by NAME]``: check an association's historical passer file (past passers, R17) and, with
``--apply``, store its new records. Without ``--apply`` it is a dry run: it reports what it
would do and writes nothing. A file with an error is never applied.

Prints a JSON summary (counts and problem codes) and, with ``--problems FILE``, writes the
problems as CSV (row, column, code: never a value). Exits 0 when the file is clean, 1 when it
has errors, 2 on a usage error. Runs with the deployment's credentials and table settings
(``KENTEI_TABLE_RECORDS``, ``KENTEI_TABLE_AUDIT``, as the functions read them).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from kentei.data.historical_passes import PrefectureHistoricalPasses
from kentei.results.historical.apply import apply_historical_file
from kentei.results.imports.mappings import load_mappings
from kentei.results.imports.report import problems_csv

PREFECTURES = tuple(f"{code:02d}" for code in range(1, 48))
CHUNK = 64 * 1024


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def main(argv: list[str] | None = None, *, store: PrefectureHistoricalPasses | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kentei.results.historical")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("import", help="check (and apply) a historical passer file")
    run.add_argument("--prefecture", choices=PREFECTURES, required=True)
    run.add_argument("file", type=Path)
    run.add_argument("--apply", action="store_true", help="write (default: a dry run)")
    run.add_argument("--source", default=None, help="the mapping's source (default: default)")
    run.add_argument("--by", default=None, help="who imports (default: the OS user)")
    run.add_argument("--problems", type=Path, default=None, help="write the problems as CSV")
    args = parser.parse_args(argv)
    historical = load_mappings().historical
    if historical is None:  # pragma: no cover - the shipped file has one
        print("no historical passer mapping", file=sys.stderr)
        return 2
    try:
        mapping = historical.source(args.source)
    except LookupError as error:
        print(str(error), file=sys.stderr)
        return 2
    by = f"operator:{args.by or getpass.getuser()}"
    report = apply_historical_file(
        _chunks(args.file),
        mapping,
        args.prefecture,
        store or PrefectureHistoricalPasses(args.prefecture),
        at=datetime.now(UTC),
        by=by,
        apply=args.apply,
    )
    print(json.dumps({"prefecture": args.prefecture, **report.summary()}, ensure_ascii=False))
    if args.problems is not None:
        with args.problems.open("wb") as out:
            for chunk in problems_csv(report.problems):
                out.write(chunk)
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
