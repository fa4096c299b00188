"""A session-wide test PKI (RSA keys are slow to make), and per-test CRL folders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from kentei.signatures import TrustStore
from kentei.signatures.crl import CrlDirectory
from kentei_local.testpki import FourItems, Issued, TestPki, write_crl_dir

ITEMS = FourItems(
    name="山田 太郎",
    sex="1",
    birth_date=dt.date(1990, 4, 1),
    address="東京都千代田区霞が関一丁目2番2号",
    name_substitute="山田 太郎",
)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return TestPki.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def card(pki: TestPki) -> Issued:
    """A current signature certificate (署名用) of the test signing CA, for ITEMS."""
    return pki.signature_certificate(ITEMS)


@pytest.fixture(scope="session")
def trust(pki: TestPki) -> TrustStore:
    return TrustStore.with_local(
        signing_pem=pki.signing_ca.certificate_pem,
        user_authentication_pem=pki.authentication_ca.certificate_pem,
    )


@pytest.fixture
def arrival() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def crl_folder(tmp_path: Path, pki: TestPki) -> Callable[..., CrlDirectory]:
    """A CRL folder holding the signing CA's CRL revoking ``revoked`` (empty by default)."""

    def make(revoked: Iterable[Issued | int] = (), **options: object) -> CrlDirectory:
        crl = pki.signing_ca.crl(list(revoked), **options)  # type: ignore[arg-type]
        folder = write_crl_dir(tmp_path / "crl", {"signing": crl})
        return CrlDirectory(folder)

    return make


@pytest.fixture
def revocation(crl_folder: Callable[..., CrlDirectory]) -> CrlDirectory:
    """A current CRL of the signing CA that revokes nothing."""
    return crl_folder()
