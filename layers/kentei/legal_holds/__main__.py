"""``python -m kentei.legal_holds place --prefecture 13 --person <資格仮名ID> --reason "..."
--by <operator>`` (or ``--kind <kind>``, ``--record <sort key>``), ``lift`` with the same
target and ``--by``, ``list --prefecture 13``, and ``dry-run --prefecture 13 [--at <ISO
instant>]``, which sends the retention job a dry run (a ``retention_prefecture`` message) on
sync's queue; its report is ``RETENTION_DRY_RUN#<run>#<kind>``. Against the table and queues
the environment names, as the functions find them.

A hold stops the retention job from deleting what it covers (for kinds whose schedule entry
says a hold stops them) until it is lifted; a lifted hold stays, with who lifted it and when.
Prints ids and kinds only; exits 0, 1 when a hold to lift is not in force, 2 on a usage error
or a refused hold (a reason holding a My Number, a kind a hold does not stop).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kentei import prefectures
from kentei.messages import RetentionPrefecture
from kentei.retention.sweep import Hold, HoldRefusedError, HoldScope, checked_hold

if TYPE_CHECKING:
    from kentei.data.retention import PrefectureLegalHolds


def _target(arguments: argparse.Namespace) -> Hold:
    for scope in HoldScope:
        value = getattr(arguments, scope.value)
        if value:
            return Hold(scope, value)
    raise HoldRefusedError("name one of --person, --kind, --record")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kentei.legal_holds")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("place", "lift"):
        command = commands.add_parser(name, help=f"{name} a hold")
        command.add_argument("--prefecture", required=True)
        target = command.add_mutually_exclusive_group(required=True)
        for scope in HoldScope:
            target.add_argument(f"--{scope.value}")
        command.add_argument("--by", required=True)
        if name == "place":
            command.add_argument("--reason", required=True)
    listing = commands.add_parser("list", help="the prefecture's holds, in force and lifted")
    listing.add_argument("--prefecture", required=True)
    dry = commands.add_parser("dry-run", help="ask the retention job for a dry run")
    dry.add_argument("--prefecture", required=True)
    dry.add_argument("--at", type=datetime.fromisoformat, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.prefecture not in prefectures.NAMES:
        print(f"{arguments.prefecture!r} is not a prefecture code", file=sys.stderr)
        return 2
    # Imported here: the stores (boto3) only once the arguments are good.
    from kentei.data.retention import PrefectureLegalHolds

    holds = PrefectureLegalHolds(arguments.prefecture)
    if arguments.command == "list":
        return _list(holds)
    if arguments.command == "dry-run":
        return _dry_run(arguments.prefecture, arguments.at)
    try:
        hold = _target(arguments)
        if arguments.command == "place":
            return _place(holds, hold, arguments.reason, arguments.by)
    except HoldRefusedError as refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 2
    return _lift(holds, hold, arguments.by)


def _lift(holds: PrefectureLegalHolds, hold: Hold, by: str) -> int:
    if holds.lift(hold, by, datetime.now(UTC)):
        print(f"lifted {hold.scope.value} hold")
        return 0
    print(f"no {hold.scope.value} hold in force", file=sys.stderr)
    return 1


def _list(holds: PrefectureLegalHolds) -> int:
    for placed in holds.placed():
        state = "in force" if placed.active else f"lifted {placed.lifted_at:%Y-%m-%d}"
        print(f"{placed.hold.scope.value} {placed.hold.value}: {state}")
    return 0


def _place(holds: PrefectureLegalHolds, hold: Hold, reason: str, by: str) -> int:
    from kentei.data.record_kinds import kind_of
    from kentei.retention.schedule import load_retention_schedule

    checked_hold(hold, reason, load_retention_schedule(), kind_of)
    holds.place(hold, reason, by, datetime.now(UTC))
    print(f"placed {hold.scope.value} hold")
    return 0


def _dry_run(prefecture_code: str, at: datetime | None) -> int:
    from kentei.data.queues import send

    instant = at or datetime.now(UTC)
    if instant.tzinfo is None:
        print("--at needs a time zone", file=sys.stderr)
        return 2
    send(
        "sync",
        RetentionPrefecture(prefecture_code=prefecture_code, scheduled_at=instant, dry_run=True),
    )
    print(f"dry run of {prefecture_code} at {instant.isoformat()} sent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
