"""Certify's consumer as a cold start sees it: importing the handler imports neither the
modules of its rare message kinds (reissues, revocations, the daily re-signing) nor a PDF,
image, crypto or JOSE library; each is imported by the message that needs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
RARE = ("certify.status_changes", "certify.revocation_notices", "certify.status_renewal")
HEAVY = (
    "cryptography",
    "pyhanko",
    "pyhanko_certvalidator",
    "asn1crypto",
    "fpdf",
    "fontTools",
    "PIL",
    "cbor2",
    "segno",
    "jwt",
)


def test_given_a_cold_start_then_no_rare_kind_s_module_nor_heavy_library_is_imported() -> None:
    script = (
        "import sys\n"
        "import certify.handler\n"
        f"rare, heavy = {RARE!r}, {HEAVY!r}\n"
        "print(sorted(m for m in sys.modules if m in rare or m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[]"
