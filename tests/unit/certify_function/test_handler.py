"""Certify's consumer as a cold start sees it: importing the handler imports neither the
modules of its rare message kinds (reissues, revocations, the daily re-signing) nor a PDF,
image, crypto or JOSE library; each is imported by the message that needs it."""

from __future__ import annotations

from tests.unit.cold_start import loaded_by

RARE = ("certify.status_changes", "certify.revocation_notices", "certify.status_renewal")
HEAVY = (
    *("cryptography", "pyhanko", "pyhanko_certvalidator", "asn1crypto", "jwt"),
    *("fpdf", "fontTools", "PIL", "cbor2", "segno"),
)


def test_given_a_cold_start_then_no_rare_kind_s_module_nor_heavy_library_is_imported() -> None:
    assert loaded_by(["certify.handler"], (*RARE, *HEAVY)) == []
