"""``python -m kentei.exams check [--catalogue FILE] [--rounds FILE]``: validate the exam data.

Without options it checks the files shipped with the package (``make lint`` runs it). Prints
one line and exits 0 when the data holds, 1 naming the first problem, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kentei.exams.catalogue import CATALOGUE_FILE, parse_catalogue
from kentei.exams.check import first_problem, shipped_text
from kentei.exams.rounds import ROUNDS_FILE, parse_rounds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kentei.exams")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the catalogue and the rounds")
    check.add_argument("--catalogue", type=Path, default=None, help="default: the shipped file")
    check.add_argument("--rounds", type=Path, default=None, help="default: the shipped file")
    args = parser.parse_args(argv)
    catalogue_text = (
        shipped_text(CATALOGUE_FILE)
        if args.catalogue is None
        else args.catalogue.read_text(encoding="utf-8")
    )
    rounds_text = (
        shipped_text(ROUNDS_FILE)
        if args.rounds is None
        else args.rounds.read_text(encoding="utf-8")
    )
    problem = first_problem(catalogue_text, rounds_text)
    if problem is not None:
        print(f"exam data: {problem}", file=sys.stderr)
        return 1
    catalogue, rounds = parse_catalogue(catalogue_text), parse_rounds(rounds_text)
    works = sum(1 for _ in catalogue.works())
    print(
        f"exam data ok: {len(catalogue.trades)} trades, {works} works, {len(rounds.all())} rounds"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
