"""``make demo`` (``python -m kentei_local demo``) runs its smoke flow and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kentei import catalog
from kentei_local.probes import my_numbers_in
from kentei_local.resources import physical_name

REPO = Path(__file__).resolve().parents[2]


def test_the_demo_proves_every_function_is_wired_and_exits_0() -> None:
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
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    assert "ready: http://127.0.0.1:" in result.stdout
    assert "GET /v1/health through the local gateway: 200" in result.stdout
    for queue in catalog.QUEUES:
        assert f"acknowledged by {physical_name(queue.consumer)}" in result.stdout
    verify = catalog.queue("verify")
    assert (
        f"redriven to {physical_name(verify.dlq_name)} after {verify.max_receive_count} receives"
    ) in result.stdout
    for channel in ("mynaportal", "egov", "paper"):
        assert f"{channel}: received -> under_review; examinee 資格仮名ID " in result.stdout
    assert "under the same 資格仮名ID" in result.stdout
    assert "then rejected" in result.stdout
    assert "signature.digest_mismatch" in result.stdout
    assert result.stdout.rstrip().endswith("demo passed; runtime stopped")
    assert my_numbers_in(output) == []
