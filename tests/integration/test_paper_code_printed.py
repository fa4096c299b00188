"""The 2D code as printed: drawn by the certificate PDFs in their square, rasterized by
pdftoppm at 200 dpi (an office scan; 2.6 pixels a module in the 30 mm square), read back by
zxing-cpp, and verified from the JWK Set and status lists alone. At 100 dpi (1.3 pixels a
module) some codes do not scan: the signature makes each code's pattern different."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from tests.unit.certificates import samples as certificates
from tests.unit.credentials.samples import ISSUER, NOW, Issuing, sample_pass

from kentei.certificates import pdf
from kentei.certificates.content import Certificate, Language
from kentei.credentials.paper_code import qr_png
from kentei.credentials.status import StatusSlot
from kentei.credentials.verifier import Outcome, verify
from kentei.records.codes import Grade

pytestmark = pytest.mark.tools("pdftoppm")

LAYOUTS: dict[str, Certificate] = {
    "minister-a3": certificates.printed(grade=Grade.FIRST),
    "governor-a4": certificates.printed(),
    "proof-ja": certificates.proof(),
    "proof-en": certificates.proof(language=Language.EN),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_printed_code_scans_at_200_dpi_and_verifies(tmp_path: Path, layout: str) -> None:
    issuing = Issuing()
    text = issuing.code(sample_pass(), StatusSlot(1, 123_456))
    document = tmp_path / "certificate.pdf"
    document.write_bytes(pdf.render(LAYOUTS[layout], qr_png(text)))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(document), str(tmp_path / "page")],
        check=True,
    )
    page = Image.open(tmp_path / "page.png").convert("L")
    scanned = [result.text for result in zxingcpp.read_barcodes(page)]
    assert scanned == [text]
    verdict = verify(
        scanned[0],
        jwks=issuing.jwks(),
        status_lists=issuing.status_lists(),
        issuer=ISSUER,
        now=NOW,
    )
    assert verdict.outcome is Outcome.VALID
    assert verdict.claims == sample_pass()
