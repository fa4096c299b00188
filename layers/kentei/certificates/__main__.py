"""``python -m kentei.certificates check [--file FILE]``: validate the English names table.

Without ``--file`` it checks the file shipped with the package (``make lint`` runs it): the
table must be valid and name every trade and work of the national catalogue. Prints one line
and exits 0 when the data holds, 1 naming the problem, 2 on a usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kentei.certificates.english import EnglishNames, shipped_text
from kentei.data_check import check_main
from kentei.exams.catalogue import load_catalogue


def summary(names: EnglishNames) -> str:
    """The table's line; :class:`ValueError` naming what of the catalogue it lacks."""
    catalogue = load_catalogue()
    missing = [f"trade {t.code}" for t in catalogue.trades if t.code not in names.trades] + [
        f"work {w.code}" for _, w in catalogue.works() if w.code not in names.works
    ]
    if missing:
        raise ValueError(f"none for {', '.join(missing)}")
    return (
        f"English names ok: version {names.version}, {len(names.trades)} trades, "
        f"{len(names.works)} works" + ("" if names.confirmed else " (unconfirmed)")
    )


def main(argv: Sequence[str] | None = None) -> int:
    return check_main(
        argv,
        package="kentei.certificates",
        what="English names",
        model=EnglishNames,
        shipped_text=shipped_text,
        summary=summary,
    )


if __name__ == "__main__":
    sys.exit(main())
