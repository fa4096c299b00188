"""``bench/intake_load.py`` at a tiny size, so the benchmark cannot rot: it makes a test PKI and
a registry seed of its own persons, starts the local runtime in a child process, posts signed
Mynaportal and e-Gov applications one at a time and from two bridge threads at once, follows
each to ``under_review`` and prints its figures and counts. The script itself exits 1 when a
count is wrong (a POST not answered 202, a 5xx, an application that did not reach review, a
message left in a queue or a DLQ, a My Number in the runtime's output, an unclean stop)."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
COUNTS = re.compile(r"^counts: (?P<values>.+)$", re.MULTILINE)
FIGURE = re.compile(r"p50 +[\d.]+ +p90 +[\d.]+ +p99 +[\d.]+ +max +[\d.]+ m?s \(n=(?P<n>\d+)\)")


@pytest.mark.slow
def test_the_load_bench_brings_every_application_to_review_and_prints_its_figures() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "bench/intake_load.py",
            "--applications",
            "10",
            "--threads",
            "2",
            "--rounds",
            "2",
            "--baseline",
            "2",
            "--max-seconds",
            "150",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    found = COUNTS.search(done.stdout)
    assert found is not None, done.stdout
    values = dict(pair.split("=") for pair in found["values"].split(", "))
    assert values == {
        "planned": "14",
        "submitted": "14",
        "accepted": "14",
        "server_errors": "0",
        "refused": "0",
        "unanswered": "0",
        "under_review": "14",
        "other_status": "0",
        "not_reached": "0",
        "queued": "0",
        "in_dlqs": "0",
        "my_number_lines": "0",
        "runtime_exit": "0",
    }
    # POST under load and one at a time, then submit -> under_review for each: 10, 4, 10, 4.
    assert [int(m["n"]) for m in FIGURE.finditer(done.stdout)] == [10, 4, 10, 4]
    assert "accepted/s" in done.stdout
    assert re.search(r"under load / one at a time: [\d.]+x", done.stdout)
    assert re.search(r"machine: \d+ cores; load average", done.stdout)


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The script as a module (``bench/`` is no package: its scripts import from their folder,
    as mypy's path has it)."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import intake_load  # here: importable only once bench/ is on the path

    return intake_load


@pytest.mark.parametrize(
    "wrong",
    [
        {"submitted": 4},
        {"accepted": 4, "server_errors": 1},
        {"accepted": 4, "refused": 1},
        {"accepted": 4, "unanswered": 1},
        {"under_review": 4, "other_status": 1},
        {"under_review": 4, "not_reached": 1},
        {"queued": 1},
        {"in_dlqs": 1},
        {"my_number_lines": 1},
        {"runtime_exit": 1},
        {"runtime_exit": None},
    ],
)
def test_the_bench_fails_on_any_wrong_count(
    bench: ModuleType, wrong: dict[str, int | None]
) -> None:
    good = bench.Counts(
        planned=5,
        submitted=5,
        accepted=5,
        server_errors=0,
        refused=0,
        unanswered=0,
        under_review=5,
        other_status=0,
        not_reached=0,
        queued=0,
        in_dlqs=0,
        my_number_lines=0,
        runtime_exit=0,
    )
    assert good.ok
    assert not replace(good, **wrong).ok
