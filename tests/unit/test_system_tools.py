"""Tests that need a system tool (openssl, xmlsec1) fail when it is missing, with the fix in the
message; no test of the repository skips itself (``make setup`` installs what they need)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[2]
XMLSEC1_TEST: Final = (
    "tests/unit/submissions/test_egov.py::test_given_a_package_signed_with_xmlsec1_then_accepted"
)
SKIPPING: Final = frozenset({"skip", "skipif", "importorskip"})


def test_a_test_that_needs_a_missing_tool_fails_and_says_to_run_make_setup(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()

    result = subprocess.run(
        [sys.executable, "-m", "pytest", XMLSEC1_TEST, "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        env=os.environ | {"PATH": str(empty)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # The check runs at setup, before any fixture could fail on the tool less clearly, so
    # pytest reports the test as an error: the run fails (exit 1), nothing is skipped.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "xmlsec1 is missing: run make setup" in result.stdout
    assert "1 error" in result.stdout
    assert "skipped" not in result.stdout


def skips_in(source: str) -> list[int]:
    """The lines of ``source`` that skip a test: ``pytest.skip``, ``pytest.mark.skipif``,
    ``pytest.importorskip`` (used or referenced)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in SKIPPING
    ]


def test_no_test_skips_itself() -> None:
    files = sorted((REPO / "tests").rglob("*.py"))
    found = {
        str(path.relative_to(REPO)): lines
        for path in files
        if path.name != Path(__file__).name
        and (lines := skips_in(path.read_text(encoding="utf-8")))
    }

    assert len(files) > 50
    assert found == {}


def test_the_skip_check_sees_each_way_of_skipping() -> None:
    source = (
        "pytestmark = pytest.mark.skipif(True, reason='x')\n"
        "bridges = pytest.importorskip('kentei_local.bridges')\n"
        "pytest.skip('not today')\n"
    )

    assert skips_in(source) == [1, 2, 3]
