"""``bench/result_import.py`` at a tiny size, so the benchmark cannot rot: it seeds a roster in
its own moto server, uploads a CP932 file, runs sync's check and commit in a fresh interpreter
and the raw writes in another, and prints its table. The script itself fails (exit 1) when the
import does not check clean or does not commit every row."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(
    r"^\s+300\s+1\s+(?P<check>[\d.]+)\s+(?P<commit>[\d.]+)\s+(?P<writes>[\d.]+)\s+"
    r"(?P<raw>[\d.]+)\s+[\d.]+\s+[\d.]+\s+(?P<peak>[\d.]+)\s+-?[\d.]+$",
    re.MULTILINE,
)


@pytest.mark.slow
def test_the_import_bench_commits_every_row_and_prints_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, "bench/result_import.py", "--rows", "300", "--runs", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = ROW.search(done.stdout)
    assert found is not None, done.stdout
    # Seconds to one decimal: a fast machine may print 0.0 for the 300 rows' writes.
    assert float(found["commit"]) >= float(found["writes"]) >= 0
    assert float(found["raw"]) >= 0
    assert float(found["peak"]) > 0
