"""The trust store: shipped J-LIS CAs by fingerprint, local bundles in local mode only."""

from __future__ import annotations

from pathlib import Path

import pytest

from kentei import jpki
from kentei.jpki import CaPurpose
from kentei.signatures import TrustConfigurationError, TrustStore
from kentei_local.testpki import CaKind, CertificateAuthority, FourItems, Issued, TestPki

from .conftest import ITEMS


def test_the_shipped_store_is_exactly_the_jlis_cas_by_fingerprint() -> None:
    store = TrustStore.shipped()
    assert {(a.fingerprint, a.purpose) for a in store.authorities} == {
        (ca.sha256, ca.purpose) for ca in jpki.SHIPPED_CAS
    }
    assert all(a.origin.startswith("shipped:") for a in store.authorities)


def test_given_local_settings_in_local_mode_then_both_bundles_are_added(pki: TestPki) -> None:
    store = TrustStore.from_environment(
        {
            "KENTEI_ENV": "local",
            "KENTEI_JPKI_TRUST_ANCHORS": str(pki.trust_anchors_path),
            "KENTEI_JPKI_USER_AUTHENTICATION_CAS": str(pki.authentication_cas_path),
        }
    )
    purposes = {a.fingerprint: a.purpose for a in store.authorities}
    assert len(purposes) == len(jpki.SHIPPED_CAS) + 2
    signing = pki.signing_ca.sha256_fingerprint.replace(":", "").lower()
    assert purposes[signing] is CaPurpose.SIGNATURE


def test_given_no_local_settings_then_only_the_shipped_cas() -> None:
    store = TrustStore.from_environment({"KENTEI_ENV": "aws"})
    assert len(store.authorities) == len(jpki.SHIPPED_CAS)


def test_given_a_trust_anchor_setting_outside_local_mode_then_a_configuration_error(
    pki: TestPki,
) -> None:
    with pytest.raises(TrustConfigurationError, match="local mode only"):
        TrustStore.from_environment(
            {"KENTEI_ENV": "aws", "KENTEI_JPKI_TRUST_ANCHORS": str(pki.trust_anchors_path)}
        )


def test_given_a_bundle_with_an_end_entity_certificate_then_a_configuration_error(
    card: Issued,
) -> None:
    with pytest.raises(TrustConfigurationError, match="non-CA"):
        TrustStore.with_local(signing_pem=card.certificate_pem)


def test_given_an_unreadable_bundle_then_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(TrustConfigurationError):
        TrustStore.from_environment(
            {"KENTEI_ENV": "local", "KENTEI_JPKI_TRUST_ANCHORS": str(tmp_path / "missing.pem")}
        )
    (tmp_path / "junk.pem").write_bytes(b"junk")
    with pytest.raises(TrustConfigurationError):
        TrustStore.from_environment(
            {"KENTEI_ENV": "local", "KENTEI_JPKI_TRUST_ANCHORS": str(tmp_path / "junk.pem")}
        )


def test_given_two_cas_with_one_name_then_the_issuer_is_the_one_whose_key_signed() -> None:
    first = CertificateAuthority.create(CaKind.SIGNATURE, label="generation")
    second = CertificateAuthority.create(CaKind.SIGNATURE, label="generation")
    assert first.name == second.name
    store = TrustStore.with_local(signing_pem=first.certificate_pem + second.certificate_pem)
    certificate = second.issue_signature(ITEMS).certificate

    issuer = store.issuer_of(certificate)

    assert issuer is not None
    assert issuer.certificate == second.certificate


def test_given_an_unknown_issuer_then_none(pki: TestPki) -> None:
    stranger = CertificateAuthority.create(label="stranger")
    item = FourItems("a", "1", ITEMS.birth_date, "b")
    assert TrustStore.shipped().issuer_of(stranger.issue_signature(item).certificate) is None
