"""``python -m kentei.results.imports check [--mappings FILE]``: validate the column mappings.

Without options it checks the file shipped with the package (``make lint`` runs it). Prints
one line and exits 0 when the mappings hold, 1 naming the first problem, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from kentei.results.imports.mappings import MAPPINGS_FILE, parse_mappings, shipped_text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kentei.results.imports")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the result file mappings")
    check.add_argument("--mappings", type=Path, default=None, help="default: the shipped file")
    args = parser.parse_args(argv)
    text = shipped_text() if args.mappings is None else args.mappings.read_text(encoding="utf-8")
    try:
        mappings = parse_mappings(text)
    except ValidationError as error:
        first = error.errors(include_input=False)[0]
        location = ".".join(str(part) for part in first["loc"]) or "(top level)"
        print(f"result mappings: {MAPPINGS_FILE}: {location}: {first['msg']}", file=sys.stderr)
        return 1
    names = ", ".join(mapping.source for mapping in mappings.sources)
    historical = (
        ""
        if mappings.historical is None
        else f"; historical passers: {len(mappings.historical.sources)}"
    )
    print(
        f"result mappings ok: {len(mappings.sources)} sources ({names}; default "
        f"{mappings.default}){historical}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
