"""``make test`` runs with ``--dist loadgroup`` and relies on it: the infra tier's tests share one
synthesis of the app, and each integration module its local runtime (the lifecycle under faults
runs once, for about three minutes), because each is one xdist group. With pytest 9.2, xdist 3.8
stopped grouping without a word (pytest-dev/pytest-xdist#1386) and those fixtures ran on both
workers; :mod:`tests.xdist_groups` mends it. This runs a small suite the way ``make test`` does,
with that plugin, and fails if grouping stops.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITE = """
import pytest

@pytest.mark.xdist_group("one")
@pytest.mark.parametrize("n", range(6))
def test_grouped(n):
    pass

@pytest.mark.parametrize("n", range(6))
def test_free(n):
    pass
"""
RESULT = re.compile(r"^\[(gw\d+)\].*PASSED \S+::(test_\w+)\[\d+\](@\w+)?", re.MULTILINE)


def test_a_group_runs_whole_on_one_worker(tmp_path: Path) -> None:
    (tmp_path / "test_suite.py").write_text(SUITE, encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.xdist_groups",
            "test_suite.py",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    results = RESULT.findall(run.stdout)
    assert len(results) == 12, run.stdout
    grouped = {(worker, suffix) for worker, test, suffix in results if test == "test_grouped"}
    assert len(grouped) == 1, f"the group was split or lost its mark: {sorted(grouped)}"
    assert {suffix for _, suffix in grouped} == {"@one"}
