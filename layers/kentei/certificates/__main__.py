"""``python -m kentei.certificates check [--file FILE]``: validate the English names table.

Without ``--file`` it checks the file shipped with the package (``make lint`` runs it): the
table must be valid and name every trade and work of the national catalogue. Prints one line
and exits 0 when the data holds, 1 naming the problem, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from kentei.certificates.english import EnglishNames, shipped_text
from kentei.exams.catalogue import load_catalogue


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kentei.certificates")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the English names table")
    check.add_argument("--file", type=Path, default=None, help="default: the shipped file")
    args = parser.parse_args(argv)
    text = shipped_text() if args.file is None else args.file.read_text(encoding="utf-8")
    try:
        names = EnglishNames.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        print(f"English names: {where}: {first['msg']}", file=sys.stderr)
        return 1
    catalogue = load_catalogue()
    missing = [f"trade {t.code}" for t in catalogue.trades if t.code not in names.trades] + [
        f"work {w.code}" for _, w in catalogue.works() if w.code not in names.works
    ]
    if missing:
        print(f"English names: none for {', '.join(missing)}", file=sys.stderr)
        return 1
    print(
        f"English names ok: version {names.version}, {len(names.trades)} trades, "
        f"{len(names.works)} works" + ("" if names.confirmed else " (unconfirmed)")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
