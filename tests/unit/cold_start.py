"""What a cold start imports: a fresh interpreter imports some modules, and a test reads which
of the modules it watches came with them (a module's own heavy libraries, kept off the path
of every request or message that does not need them)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[2]


def loaded_by(imports: Collection[str], watched: Collection[str], then: str = "") -> list[str]:
    """The modules that importing ``imports`` in a fresh interpreter (and running the
    statement ``then`` after, if given) loads, of ``watched``: each a module, or a package
    with everything below it. Sorted."""
    script = (
        "import importlib, sys\n"
        f"for name in {sorted(imports)!r}:\n"
        "    importlib.import_module(name)\n"
        f"{then}\n"
        f"watched = {sorted(watched)!r}\n"
        "print(*sorted(m for m in sys.modules\n"
        "              if any(m == w or m.startswith(w + '.') for w in watched)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.split()
