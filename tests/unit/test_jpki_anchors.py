"""The shipped J-LIS CA certificates are the ones the J-LIS table lists, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from kentei.jpki import SHIPPED_CAS, CaPurpose, ShippedCa, fingerprint_of_pem, shipped_ca_pem

# A copy of ../shared/jpki/README.md, with its provenance in tests/reference/README.md.
JPKI_README = Path(__file__).resolve().parents[1] / "reference" / "jpki-README.md"


@pytest.mark.parametrize("ca", SHIPPED_CAS, ids=lambda ca: ca.file)
def test_each_shipped_ca_has_its_listed_fingerprint(ca: ShippedCa) -> None:
    assert fingerprint_of_pem(shipped_ca_pem(ca.file)) == ca.sha256


def test_the_shipped_fingerprints_are_those_of_the_shared_jpki_readme() -> None:
    readme = JPKI_README.read_text(encoding="utf-8")
    for ca in SHIPPED_CAS:
        listed = ":".join(ca.sha256[i : i + 2] for i in range(0, 64, 2)).upper()
        assert f"| {ca.file} |" in readme
        assert listed in readme


def test_three_signing_and_two_user_authentication_cas_are_shipped() -> None:
    purposes = [ca.purpose for ca in SHIPPED_CAS]
    assert purposes.count(CaPurpose.SIGNATURE) == 3
    assert purposes.count(CaPurpose.USER_AUTHENTICATION) == 2
