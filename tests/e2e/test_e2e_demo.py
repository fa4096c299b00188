"""``make demo`` (``python -m kentei_local demo``) runs its smoke flow and exits 0: its
narrative on the terminal, and the functions' JSON log lines and metric blobs (Powertools
EMF) in the log file it names at the end, under ``.local/logs/``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from kentei import catalog
from kentei_local.demo import (
    EGOV_APPLICANT,
    IMPOSTOR,
    MYNAPORTAL_APPLICANT,
    NATIONAL_NAME_CHANGE,
    NATIONAL_SAME,
    PAPER_APPLICANT,
    RENAMED_TO,
)
from kentei_local.national_compare import AGREE, KINDS_IN_ORDER
from kentei_local.probes import my_numbers_in
from kentei_local.resources import physical_name

pytestmark = pytest.mark.xdist_group("e2e-demo")
"""The demo runs once (a module fixture, ~27 s), on one worker: ``make test`` runs this tier
with ``--dist loadgroup``."""

REPO: Final = Path(__file__).resolve().parents[2]
LOG_LINE: Final = "functions' logs and metrics: "
SERVICES: Final = frozenset({"intake", "verify", "sync", "certify"})
PERSONS: Final = (MYNAPORTAL_APPLICANT, EGOV_APPLICANT, IMPOSTOR, PAPER_APPLICANT)


@dataclass(frozen=True)
class DemoRun:
    result: subprocess.CompletedProcess[str]
    log_file: Path | None
    """The file the demo named at the end, if it named one."""


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoRun]:
    """One run of the demo for this module's tests (each only reads it); its log file is
    removed afterwards."""
    result = subprocess.run(
        [sys.executable, "-m", "kentei_local", "demo"],
        cwd=REPO,
        env=os.environ | {"KENTEI_LOCAL_VISIBILITY_TIMEOUT": "1", "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    named = [line for line in result.stdout.splitlines() if line.startswith(LOG_LINE)]
    log_file = Path(named[0].removeprefix(LOG_LINE)) if len(named) == 1 else None
    try:
        yield DemoRun(result, log_file)
    finally:
        if log_file is not None and log_file.is_relative_to(REPO / ".local"):
            log_file.unlink(missing_ok=True)


def _json(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def parses_as_json(line: str) -> bool:
    return line.strip() != "" and _json(line) is not None


@pytest.mark.tools("openssl", "xmlsec1")
def test_the_demo_proves_every_function_is_wired_and_exits_0(demo: DemoRun) -> None:
    result = demo.result
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    assert "ready: http://127.0.0.1:" in result.stdout
    assert "(bridge port: client certificates of a local CA)" in result.stdout
    assert "signed in with InitiateAuth" in result.stdout
    assert "without a token 401" in result.stdout
    assert "no certificate: TLS handshake refused" in result.stdout
    assert "GET /v1/health through the local gateway: 200" in result.stdout
    for queue in catalog.QUEUES:
        assert f"acknowledged by {physical_name(queue.consumer)}" in result.stdout
    verify = catalog.queue("verify")
    assert (
        f"redriven to {physical_name(verify.dlq_name)} after {verify.max_receive_count} receives"
    ) in result.stdout
    for channel in ("mynaportal", "egov", "paper"):
        assert f"{channel}: received -> under_review; 資格仮名ID " in result.stdout
    assert "two sittings, two exam numbers" in result.stdout
    assert "IPAexGothic embedded" in result.stdout
    assert "the registry re-check proposes it; a reviewer accepts" in result.stdout
    assert "under the same 資格仮名ID" in result.stdout
    assert "then rejected" in result.stdout
    assert "signature.digest_mismatch" in result.stdout
    assert result.stdout.rstrip().endswith("demo passed; runtime stopped")
    assert my_numbers_in(output) == []


@pytest.mark.tools("openssl", "xmlsec1")
def test_the_terminal_shows_the_narrative_and_no_json_line(demo: DemoRun) -> None:
    lines = demo.result.stdout.splitlines()

    assert demo.result.returncode == 0, demo.result.stdout + demo.result.stderr
    assert [line for line in lines if parses_as_json(line)] == []
    assert demo.result.stderr == ""
    assert sum(line.startswith("[") for line in lines) >= 10  # one line per step


@pytest.mark.tools("openssl", "xmlsec1")
def test_the_named_log_file_holds_the_functions_json_logs_and_metrics(demo: DemoRun) -> None:
    assert demo.result.returncode == 0, demo.result.stdout + demo.result.stderr
    assert demo.log_file is not None, f"the demo named no log file:\n{demo.result.stdout}"
    assert demo.log_file.is_relative_to(REPO / ".local" / "logs"), demo.log_file
    assert demo.log_file.is_file()
    text = demo.log_file.read_text(encoding="utf-8")
    parsed = [_json(line) for line in text.splitlines()]
    logs = [entry for entry in parsed if isinstance(entry, dict) and "level" in entry]
    metrics = [entry for entry in parsed if isinstance(entry, dict) and "_aws" in entry]

    assert {entry.get("service") for entry in logs} >= SERVICES
    assert all({"timestamp", "message", "service"} <= set(entry) for entry in logs)
    assert metrics, "no EMF metric blob in the log file"
    assert all("CloudWatchMetrics" in entry["_aws"] for entry in metrics)
    assert my_numbers_in(text) == []
    for person in PERSONS:  # every step, results and past passers included, logs ids only
        for value in (person.name, person.name_kana, person.address, person.birth_date):
            assert str(value) not in text, "a demo person's item in the functions' logs"
    for value in RENAMED_TO:  # the name the person took on the national side
        assert value not in text, "the national side's new name in the functions' logs"


COUNTS: Final = re.compile(
    r"(?P<kind>[a-z_]+) ours=(?P<ours>\d+) theirs=(?P<theirs>\d+) same=(?P<same>\d+) "
    r"differing=(?P<differing>\d+) only_ours=(?P<only_ours>\d+) only_theirs=(?P<only_theirs>\d+)"
)


@pytest.mark.tools("openssl", "xmlsec1")
def test_after_the_lifecycle_the_national_system_holds_the_same_records_of_each_kind(
    demo: DemoRun,
) -> None:
    assert demo.result.returncode == 0, demo.result.stdout + demo.result.stderr
    (line,) = [ln for ln in demo.result.stdout.splitlines() if f"] {NATIONAL_SAME}: " in ln]
    outcome = line.split(f"] {NATIONAL_SAME}: ", 1)[1]
    assert outcome.startswith(f"{AGREE}: ")
    counts = {
        m["kind"]: {k: int(v) for k, v in m.groupdict().items() if k != "kind"}
        for m in COUNTS.finditer(outcome)
    }

    assert list(counts) == list(KINDS_IN_ORDER)
    for kind, seen in counts.items():
        assert seen["ours"] >= 1, kind
        assert seen["ours"] == seen["theirs"] == seen["same"], kind
        assert seen["differing"] == seen["only_ours"] == seen["only_theirs"] == 0, kind


def test_a_json_line_is_told_from_a_narrative_line() -> None:
    assert parses_as_json('{"level": "INFO", "message": "application received"}')
    assert parses_as_json('  {"_aws": {"CloudWatchMetrics": []}}')
    assert not parses_as_json('[1/14] GET /v1/health through the local gateway: 200 {"ok": 1}')
    assert not parses_as_json("")


@pytest.mark.tools("openssl", "xmlsec1")
def test_a_name_changed_on_the_national_side_is_accepted_and_both_sides_agree(
    demo: DemoRun,
) -> None:
    assert demo.result.returncode == 0, demo.result.stdout + demo.result.stderr
    (line,) = [ln for ln in demo.result.stdout.splitlines() if f"] {NATIONAL_NAME_CHANGE}: " in ln]
    outcome = line.split(f"] {NATIONAL_NAME_CHANGE}: ", 1)[1]
    assert "(name, name_kana) proposed as chg-" in outcome
    assert outcome.endswith(AGREE)
    for value in RENAMED_TO:
        assert value not in demo.result.stdout, "the terminal names items, not their values"
