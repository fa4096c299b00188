"""``python -m kentei.disclosures open FILE [--out OUT]``: open a sealed disclosure copy with
its passphrase, read from the first line of stdin (never an argument: it would stay in the
shell's history and the process list). Writes the copy's JSON to ``OUT`` or stdout; exits 0,
1 when the passphrase does not open the file or the file is not a sealed copy, 2 on a usage
error."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kentei.disclosures.sealing import SealError, open_sealed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kentei.disclosures")
    commands = parser.add_subparsers(dest="command", required=True)
    opening = commands.add_parser("open", help="open a sealed copy (the passphrase on stdin)")
    opening.add_argument("file", type=Path)
    opening.add_argument("--out", type=Path, default=None, help="where to write the JSON")
    arguments = parser.parse_args(argv)
    try:
        sealed = arguments.file.read_bytes()
    except OSError as exc:
        print(f"cannot read {arguments.file}: {exc.strerror}", file=sys.stderr)
        return 2
    passphrase = sys.stdin.readline()
    try:
        plaintext = open_sealed(sealed, passphrase)
    except SealError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if arguments.out is None:
        sys.stdout.write(plaintext.decode("utf-8"))
        sys.stdout.write("\n")
    else:
        arguments.out.write_bytes(plaintext)
    return 0


if __name__ == "__main__":
    sys.exit(main())
