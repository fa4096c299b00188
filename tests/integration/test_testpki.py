"""The local test PKI makes what the JPKI makes: CAs, card certificates, CRLs (issue 4).

Checked with ``cryptography``, at the DER level with ``asn1crypto``, and with ``openssl
verify`` as an independent path validator.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from asn1crypto import core as asn1_core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp

from kentei_local.testpki import (
    ADDRESS,
    ADDRESS_SUBSTITUTE,
    AUTHENTICATION_POLICY,
    BIRTH_DATE,
    NAME,
    NAME_SUBSTITUTE,
    SEX,
    SIGNATURE_POLICY,
    CaKind,
    CertificateAuthority,
    FourItems,
    Issued,
    TestPki,
    Validity,
    era_date,
    four_items_of,
    write_crl_dir,
)

pytestmark = pytest.mark.tools("openssl")

ITEMS = FourItems(
    name="見本 花子",
    sex="2",
    birth_date=dt.date(1985, 6, 15),
    address="東京都千代田区霞が関一丁目二番二号",
    name_substitute="見本 花子(代替)",
)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return TestPki.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def card(pki: TestPki) -> Issued:
    return pki.signature_certificate(ITEMS)


def openssl_verify(
    ca_file: Path, certificate: Path, crl_file: Path | None = None
) -> subprocess.CompletedProcess[str]:
    arguments = ["openssl", "verify", "-CAfile", str(ca_file)]
    if crl_file is not None:
        arguments += ["-crl_check", "-CRLfile", str(crl_file)]
    return subprocess.run(
        [*arguments, str(certificate)], capture_output=True, text=True, check=False, timeout=30
    )


def test_the_signing_ca_is_a_self_signed_rsa_2048_sha256_root_like_j_lis(pki: TestPki) -> None:
    ca = pki.signing_ca.certificate

    assert ca.issuer == ca.subject
    ca.verify_directly_issued_by(ca)
    public = ca.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    assert public.key_size == 2048
    assert isinstance(ca.signature_hash_algorithm, hashes.SHA256)
    basic = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical
    assert basic.value.ca
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.key_cert_sign
    assert usage.value.crl_sign
    assert not usage.value.digital_signature
    assert ca.subject.get_attributes_for_oid(x509.oid.NameOID.ORGANIZATIONAL_UNIT_NAME)[
        0
    ].value == ("JPKI for digital signature")


def test_the_crl_distribution_point_is_a_directory_name_only(pki: TestPki, card: Issued) -> None:
    for certificate in (pki.signing_ca.certificate, card.certificate):
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value

        assert len(points) == 1
        assert points[0].full_name == [x509.DirectoryName(pki.signing_ca.name)]
    with pytest.raises(x509.ExtensionNotFound):
        card.certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess)


def test_a_signature_certificate_carries_the_four_items_as_utf8_other_names(card: Issued) -> None:
    assert four_items_of(card.certificate) == {
        NAME.dotted_string: "見本 花子",
        NAME_SUBSTITUTE.dotted_string: "見本 花子(代替)",
        SEX.dotted_string: "2",
        BIRTH_DATE.dotted_string: "319850615",
        ADDRESS.dotted_string: "東京都千代田区霞が関一丁目二番二号",
        ADDRESS_SUBSTITUTE.dotted_string: "東京都千代田区霞が関一丁目二番二号",
    }
    # At the DER level: otherName [0] { type-id, value [0] EXPLICIT UTF8String }.
    parsed = asn1_x509.Certificate.load(card.certificate_der)
    san = next(
        e["extn_value"].parsed
        for e in parsed["tbs_certificate"]["extensions"]
        if e["extn_id"].native == "subject_alt_name"
    )
    for general_name in san:
        assert general_name.name == "other_name"
        assert general_name.chosen["type_id"].dotted.startswith("1.2.392.200149.8.5.5.")
        value = general_name.chosen["value"]
        assert value.dump()[:1] == b"\xa0"  # the explicit [0] wrapper
        assert isinstance(value.parsed, asn1_core.UTF8String)


def test_the_subject_is_opaque_and_never_the_holders_name(card: Issued) -> None:
    subject = card.certificate.subject.rfc4514_string()

    assert "見本" not in subject
    assert card.certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)


def test_a_signature_certificate_is_for_non_repudiation_under_the_signing_policy(
    card: Issued, pki: TestPki
) -> None:
    usage = card.certificate.extensions.get_extension_for_class(x509.KeyUsage)
    policies = card.certificate.extensions.get_extension_for_class(x509.CertificatePolicies)

    assert usage.critical
    assert usage.value.digital_signature
    assert usage.value.content_commitment
    assert [p.policy_identifier for p in policies.value] == [SIGNATURE_POLICY]
    assert card.certificate.issuer == pki.signing_ca.name
    card.certificate.verify_directly_issued_by(pki.signing_ca.certificate)
    assert isinstance(card.certificate.signature_hash_algorithm, hashes.SHA256)


def test_a_user_authentication_certificate_has_no_four_items_and_its_own_ca(pki: TestPki) -> None:
    login = pki.user_authentication_certificate()
    usage = login.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    policies = login.certificate.extensions.get_extension_for_class(x509.CertificatePolicies)

    assert four_items_of(login.certificate) == {}
    assert not usage.content_commitment
    assert [p.policy_identifier for p in policies.value] == [AUTHENTICATION_POLICY]
    assert login.certificate.issuer == pki.authentication_ca.name
    assert pki.authentication_ca.kind is CaKind.USER_AUTHENTICATION
    login.certificate.verify_directly_issued_by(pki.authentication_ca.certificate)


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (dt.date(1912, 7, 29), "119120729"),  # 明治 45
        (dt.date(1912, 7, 30), "219120730"),  # 大正 1
        (dt.date(1926, 12, 24), "219261224"),
        (dt.date(1926, 12, 25), "319261225"),  # 昭和 1
        (dt.date(1989, 1, 7), "319890107"),
        (dt.date(1989, 1, 8), "419890108"),  # 平成 1
        (dt.date(2019, 4, 30), "420190430"),
        (dt.date(2019, 5, 1), "520190501"),  # 令和 1
    ],
)
def test_the_birth_date_is_the_era_digit_then_the_gregorian_date(
    born: dt.date, expected: str
) -> None:
    assert era_date(born) == expected


def test_the_trust_bundle_holds_the_signing_ca_and_openssl_validates_a_card(
    pki: TestPki, card: Issued, tmp_path: Path
) -> None:
    bundle = x509.load_pem_x509_certificates(pki.trust_anchors_path.read_bytes())
    paths = card.write(tmp_path)

    assert bundle == [pki.signing_ca.certificate]
    assert openssl_verify(pki.trust_anchors_path, paths.certificate).returncode == 0
    assert pki.settings() == {
        "KENTEI_JPKI_TRUST_ANCHORS": str(pki.trust_anchors_path),
        "KENTEI_JPKI_USER_AUTHENTICATION_CAS": str(pki.authentication_cas_path),
        "KENTEI_JPKI_CRL_DIR": str(pki.crl_dir),
    }


def test_a_user_authentication_certificate_does_not_chain_to_the_trust_bundle(
    pki: TestPki, tmp_path: Path
) -> None:
    paths = pki.user_authentication_certificate().write(tmp_path, "login")

    result = openssl_verify(pki.trust_anchors_path, paths.certificate)

    assert result.returncode != 0
    assert openssl_verify(pki.authentication_cas_path, paths.certificate).returncode == 0


@pytest.mark.parametrize(
    ("validity", "message"),
    [(Validity.EXPIRED, "certificate has expired"), (Validity.NOT_YET_VALID, "not yet valid")],
)
def test_expired_and_not_yet_valid_certificates(
    pki: TestPki, tmp_path: Path, validity: Validity, message: str
) -> None:
    issued = pki.signature_certificate(ITEMS, validity=validity)
    now = dt.datetime.now(dt.UTC)

    if validity is Validity.EXPIRED:
        assert issued.certificate.not_valid_after_utc < now
    else:
        assert issued.certificate.not_valid_before_utc > now
    result = openssl_verify(pki.trust_anchors_path, issued.write(tmp_path).certificate)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_a_sha1_certificate_is_signed_with_sha1_by_the_ca(pki: TestPki) -> None:
    weak = pki.signature_certificate(ITEMS, signature_hash="sha1")

    assert isinstance(weak.certificate.signature_hash_algorithm, hashes.SHA1)
    assert weak.certificate.signature_algorithm_oid == x509.oid.SignatureAlgorithmOID.RSA_WITH_SHA1
    public = pki.signing_ca.certificate.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(
        weak.certificate.signature,
        weak.certificate.tbs_certificate_bytes,
        padding.PKCS1v15(),
        hashes.SHA1(),
    )
    assert four_items_of(weak.certificate)[NAME.dotted_string] == "見本 花子"


def test_a_revocation_publishes_the_next_numbered_crl_revoking_the_serial(
    tmp_path: Path,
) -> None:
    pki = TestPki.create(tmp_path / "pki")
    good, bad = pki.signature_certificate(ITEMS), pki.signature_certificate(ITEMS)
    first = pki.crl()

    published = pki.revoke(bad, reason=x509.ReasonFlags.key_compromise)

    assert first.number == 1
    assert not first.revokes(bad.serial_number)
    assert published.number == 2
    on_disk = pki.crl()
    assert on_disk.number == 2
    assert on_disk.revokes(bad.serial_number)
    assert not on_disk.revokes(good.serial_number)
    assert on_disk.crl.is_signature_valid(pki.signing_ca.key.public_key())
    assert on_disk.crl.issuer == pki.signing_ca.name
    next_update = on_disk.crl.next_update_utc
    assert next_update is not None
    assert on_disk.crl.last_update_utc <= dt.datetime.now(dt.UTC) < next_update
    entry = on_disk.crl.get_revoked_certificate_by_serial_number(bad.serial_number)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )
    assert sorted(p.name for p in pki.crl_dir.iterdir()) == [
        "signature-ca.crl",
        "user-authentication-ca.crl",
    ]
    pem_crl = tmp_path / "crl.pem"
    pem_crl.write_bytes(on_disk.pem)
    revoked = openssl_verify(
        pki.trust_anchors_path, bad.write(tmp_path, "bad").certificate, pem_crl
    )
    assert revoked.returncode != 0
    assert "certificate revoked" in revoked.stdout + revoked.stderr
    kept = openssl_verify(pki.trust_anchors_path, good.write(tmp_path, "good").certificate, pem_crl)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    pki.revoke(good)
    assert pki.crl().number == 3
    assert pki.crl().revokes(bad.serial_number)
    assert pki.crl().revokes(good.serial_number)


def test_crls_can_be_written_as_pem(tmp_path: Path) -> None:
    pki = TestPki.create(tmp_path / "pki", crl_encoding="pem")
    revoked = pki.signature_certificate(ITEMS)

    pki.revoke(revoked.serial_number)

    files = sorted(p.name for p in pki.crl_dir.iterdir())
    assert files == ["signature-ca.crl.pem", "user-authentication-ca.crl.pem"]
    loaded = x509.load_pem_x509_crl((pki.crl_dir / "signature-ca.crl.pem").read_bytes())
    assert loaded.get_revoked_certificate_by_serial_number(revoked.serial_number) is not None


def test_a_crl_folder_replaces_the_older_crl_of_a_ca(tmp_path: Path) -> None:
    ca = CertificateAuthority.create(label="replace")

    write_crl_dir(tmp_path, {"ca": ca.crl(number=1)}, encoding="pem")
    write_crl_dir(tmp_path, {"ca": ca.crl([7], number=2)})

    assert [p.name for p in tmp_path.iterdir()] == ["ca.crl"]
    crl = x509.load_der_x509_crl((tmp_path / "ca.crl").read_bytes())
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 2


def test_keys_are_written_private_and_match_their_certificates(
    card: Issued, tmp_path: Path
) -> None:
    paths = card.write(tmp_path / "out", "applicant")

    assert paths.key.stat().st_mode & 0o077 == 0
    key = serialization.load_pem_private_key(paths.key.read_bytes(), password=None)
    certificate = x509.load_pem_x509_certificate(paths.certificate.read_bytes())
    assert key.public_key() == certificate.public_key()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "applicant.cert.pem",
        "applicant.key.pem",
    ]


def test_an_impostor_ca_with_the_same_name_is_not_the_trusted_anchor(
    pki: TestPki, tmp_path: Path
) -> None:
    impostor = CertificateAuthority.create()
    issued = impostor.issue_signature(ITEMS)

    assert impostor.name == pki.signing_ca.name
    assert impostor.sha256_fingerprint != pki.signing_ca.sha256_fingerprint
    assert len(impostor.sha256_fingerprint.split(":")) == 32
    with pytest.raises(InvalidSignature):
        issued.certificate.verify_directly_issued_by(pki.signing_ca.certificate)
    result = openssl_verify(pki.trust_anchors_path, issued.write(tmp_path).certificate)
    assert result.returncode != 0


def test_the_ca_answers_ocsp_for_a_good_and_a_revoked_certificate(pki: TestPki) -> None:
    good, bad = pki.signature_certificate(ITEMS), pki.signature_certificate(ITEMS)
    when = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)

    answers = {
        "good": ocsp.load_der_ocsp_response(pki.signing_ca.ocsp_response(good)),
        "revoked": ocsp.load_der_ocsp_response(
            pki.signing_ca.ocsp_response(
                bad, revoked_at=when, reason=x509.ReasonFlags.key_compromise
            )
        ),
    }

    assert answers["good"].response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answers["good"].certificate_status is ocsp.OCSPCertStatus.GOOD
    assert answers["good"].serial_number == good.serial_number
    assert answers["revoked"].certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert answers["revoked"].revocation_time_utc == when
    assert answers["revoked"].revocation_reason is x509.ReasonFlags.key_compromise
    public = pki.signing_ca.certificate.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    for answer in answers.values():
        public.verify(
            answer.signature, answer.tbs_response_bytes, padding.PKCS1v15(), hashes.SHA256()
        )
