"""CRL files: which CRL counts for the arrival time, and which are not used at all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa

from kentei.signatures import CrlEvidence, NotRevoked, RevocationUnknown, Revoked
from kentei.signatures.crl import CrlDirectory
from kentei_local.testpki import CaKind, CertificateAuthority, Crl, Issued, TestPki, write_crl_dir

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
HOUR = dt.timedelta(hours=1)


def folder_with(tmp_path: Path, *crls: Crl, encoding: str = "der") -> CrlDirectory:
    for index, crl in enumerate(crls):
        write_crl_dir(tmp_path, {f"crl-{index}": crl}, encoding=encoding)  # type: ignore[arg-type]
    return CrlDirectory(tmp_path)


def status(source: CrlDirectory, card: Issued, pki: TestPki, at: dt.datetime = NOW) -> object:
    return source.status(card.certificate, pki.signing_ca.certificate, at)


def test_given_a_current_crl_without_the_serial_then_not_revoked_with_its_evidence(
    tmp_path: Path, card: Issued, pki: TestPki
) -> None:
    crl = pki.signing_ca.crl([], number=42, this_update=NOW - HOUR)
    answer = status(folder_with(tmp_path, crl), card, pki)
    assert isinstance(answer, NotRevoked)
    assert isinstance(answer.evidence, CrlEvidence)
    assert answer.evidence.crl_number == 42
    assert answer.evidence.this_update == NOW - HOUR
    assert answer.evidence.issuer_fingerprint == (
        pki.signing_ca.certificate.fingerprint(hashes.SHA256()).hex()
    )


@pytest.mark.parametrize("encoding", ["der", "pem"])
def test_given_the_serial_revoked_before_arrival_then_revoked(
    encoding: str, tmp_path: Path, card: Issued, pki: TestPki
) -> None:
    crl = pki.signing_ca.crl([card], this_update=NOW - HOUR, revoked_at=NOW - 2 * HOUR)
    answer = status(folder_with(tmp_path, crl, encoding=encoding), card, pki)
    assert isinstance(answer, Revoked)
    assert answer.revoked_at == NOW - 2 * HOUR


def test_given_a_later_crl_revoking_it_before_arrival_then_revoked(
    tmp_path: Path, card: Issued, pki: TestPki
) -> None:
    in_effect = pki.signing_ca.crl([], number=1, this_update=NOW - HOUR)
    later = pki.signing_ca.crl([card], number=2, this_update=NOW + HOUR, revoked_at=NOW - HOUR)
    answer = status(folder_with(tmp_path, in_effect, later), card, pki)
    assert isinstance(answer, Revoked)


def test_given_a_hold_lifted_in_a_later_crl_then_the_crl_in_effect_decides(
    tmp_path: Path, card: Issued, pki: TestPki
) -> None:
    held = pki.signing_ca.crl(
        [card],
        number=1,
        this_update=NOW - 3 * HOUR,
        revoked_at=NOW - 4 * HOUR,
        reason=x509.ReasonFlags.certificate_hold,
    )
    lifted = pki.signing_ca.crl([], number=2, this_update=NOW - 2 * HOUR)
    assert isinstance(status(folder_with(tmp_path / "a", held, lifted), card, pki), NotRevoked)
    assert isinstance(status(folder_with(tmp_path / "b", held), card, pki), Revoked)


def test_given_only_a_stale_crl_then_unknown_with_its_evidence(
    tmp_path: Path, card: Issued, pki: TestPki
) -> None:
    stale = pki.signing_ca.crl([], this_update=NOW - 3 * HOUR, next_update=NOW - 2 * HOUR)
    answer = status(folder_with(tmp_path, stale), card, pki)
    assert isinstance(answer, RevocationUnknown)
    assert answer.evidence is not None


def test_given_a_crl_published_after_arrival_then_it_covers_the_arrival(
    tmp_path: Path, card: Issued, pki: TestPki
) -> None:
    later = pki.signing_ca.crl([], this_update=NOW + HOUR)
    assert isinstance(status(folder_with(tmp_path, later), card, pki), NotRevoked)


def test_given_a_crl_of_an_impostor_with_the_same_name_then_it_is_not_used(
    tmp_path: Path, card: Issued, pki: TestPki
) -> None:
    impostor = CertificateAuthority(
        CaKind.SIGNATURE,
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        pki.signing_ca.certificate,
    )
    answer = status(folder_with(tmp_path, impostor.crl([])), card, pki)
    assert isinstance(answer, RevocationUnknown)


def test_given_a_delta_crl_then_it_is_not_used(tmp_path: Path, card: Issued, pki: TestPki) -> None:
    ca = pki.signing_ca
    delta = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.name)
        .last_update(NOW - HOUR)
        .next_update(NOW + HOUR)
        .add_extension(x509.CRLNumber(9), critical=False)
        .add_extension(x509.DeltaCRLIndicator(1), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    answer = status(folder_with(tmp_path, Crl(delta)), card, pki)
    assert isinstance(answer, RevocationUnknown)


def test_given_junk_files_and_no_folder_then_unknown_not_a_crash(
    tmp_path: Path, card: Issued, pki: TestPki
) -> None:
    (tmp_path / "junk.crl").write_bytes(b"\x30\x03junk")
    (tmp_path / "junk.pem").write_bytes(b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")
    assert isinstance(status(CrlDirectory(tmp_path), card, pki), RevocationUnknown)
    assert isinstance(status(CrlDirectory(tmp_path / "absent"), card, pki), RevocationUnknown)


def test_given_a_new_crl_in_the_folder_then_it_is_read_again(
    tmp_path: Path, card: Issued, pki: TestPki
) -> None:
    # Times from NOW, not the clock: a worker may reach this test minutes after NOW was taken.
    source = folder_with(tmp_path, pki.signing_ca.crl([], number=1, this_update=NOW - HOUR))
    assert isinstance(status(source, card, pki), NotRevoked)
    again = pki.signing_ca.crl([card], number=2, this_update=NOW - HOUR / 2)
    write_crl_dir(tmp_path, {"crl-0": again})
    assert isinstance(status(source, card, pki), Revoked)
