"""``python -m kentei.<package> check [--file FILE]``: what every shipped data file's check
command shares (the fees, the English names, the retention schedule, the person request
procedures): parse the arguments, read the file shipped with the package (or ``--file``),
validate it with its model, and print the summary; exit 0 when the data holds, 1 naming the
first problem (where and what, never a value), 2 on a usage error (argparse's own)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

_Model = TypeVar("_Model", bound=BaseModel)


def check_main(
    argv: Sequence[str] | None,
    *,
    package: str,
    what: str,
    model: type[_Model],
    shipped_text: Callable[[], str],
    summary: Callable[[_Model], str],
) -> int:
    """Run ``check`` for ``package``'s data file (``what`` names it in messages). ``summary``
    may raise :class:`ValueError` for a check beyond the model (its text is printed)."""
    parser = argparse.ArgumentParser(prog=f"python -m {package}")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help=f"validate the {what}")
    check.add_argument("--file", type=Path, default=None, help="default: the shipped file")
    args = parser.parse_args(argv)
    text = shipped_text() if args.file is None else args.file.read_text(encoding="utf-8")
    try:
        data = model.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        print(f"{what}: {where}: {first['msg']}", file=sys.stderr)
        return 1
    try:
        print(summary(data))
    except ValueError as exc:
        print(f"{what}: {exc}", file=sys.stderr)
        return 1
    return 0
