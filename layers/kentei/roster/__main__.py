"""``python -m kentei.roster migrate [--prefecture 13] [--apply]``: move examinees registered
the old way onto the roster (:mod:`kentei.roster.migration`). Without ``--apply`` it is a dry
run: it reports what it would do and writes nothing. The report holds counts and application
ids, never personal data. Runs with the deployment's credentials and table settings
(``KENTEI_TABLE_RECORDS``, as the functions read it)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict

from kentei.applications.model import Application
from kentei.data.applications import PrefectureApplications
from kentei.data.roster import PrefectureRoster
from kentei.roster.exam_numbers import schemes
from kentei.roster.migration import migrate

PREFECTURES = tuple(f"{code:02d}" for code in range(1, 48))


def _applications(prefecture: str) -> Callable[[str], Application | None]:
    store = PrefectureApplications(prefecture)

    def find(application_id: str) -> Application | None:
        stored = store.get(application_id)
        return None if stored is None else stored.application

    return find


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kentei.roster")
    commands = parser.add_subparsers(dest="command", required=True)
    move = commands.add_parser("migrate", help="move legacy examinees onto the roster")
    move.add_argument("--prefecture", choices=PREFECTURES, action="append")
    move.add_argument("--apply", action="store_true", help="write (default: a dry run)")
    args = parser.parse_args(argv)
    for prefecture in args.prefecture or PREFECTURES:
        report = migrate(
            prefecture,
            PrefectureRoster(prefecture),
            _applications(prefecture),
            schemes().of(prefecture),
            apply=args.apply,
        )
        if report.examinees:
            print(json.dumps({"apply": args.apply, **asdict(report)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
