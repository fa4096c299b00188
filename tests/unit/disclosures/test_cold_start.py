"""A disclosure is a rare message and a rare route: neither verify's nor intake's cold start
imports its assembly, its sealing or the KDF and cipher it uses."""

from __future__ import annotations

from typing import Final

from tests.unit.cold_start import loaded_by

WATCHED: Final = (
    "verify.disclosures",
    "kentei.disclosures.document",
    "kentei.disclosures.sealing",
    "cryptography.hazmat.primitives.kdf.scrypt",
    "cryptography.hazmat.primitives.ciphers.aead",
)


def test_a_cold_start_of_verify_or_intake_imports_no_part_of_the_sealing() -> None:
    assert loaded_by(["verify.handler"], WATCHED) == []
    assert loaded_by(["intake.handler"], WATCHED) == []
