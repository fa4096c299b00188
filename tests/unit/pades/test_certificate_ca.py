"""The local certificate-signing CA: the same root everywhere, certificates fit for PAdES."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from tests.unit.pades.helpers import MemoryKey

from kentei.certificates.pades_chain import parse_signing_chain
from kentei_local.certificate_ca import (
    DOCUMENT_SIGNING,
    ROOT_COMMON_NAME,
    ROOT_LABEL,
    CertificateCa,
    root,
)

REPO = Path(__file__).resolve().parents[3]


def test_the_root_is_the_same_in_another_process() -> None:
    script = (
        "import sys\n"
        "from kentei_local.certificate_ca import root\n"
        "sys.stdout.buffer.write(root().root_pem())\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, check=True
    ).stdout
    assert other == root().root_pem()
    assert CertificateCa.derive(ROOT_LABEL, ROOT_COMMON_NAME).root_pem() == other


def test_another_label_makes_another_ca() -> None:
    stranger = CertificateCa.derive("stranger", ROOT_COMMON_NAME)
    ours = (
        root()
        .key.public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    theirs = stranger.key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert ours != theirs


def test_the_root_is_a_self_signed_ca() -> None:
    certificate = root().certificate
    certificate.verify_directly_issued_by(certificate)
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert usage.crl_sign


def test_the_signing_certificate_names_the_key_given_for_signatures() -> None:
    key = MemoryKey()
    certificate = root().issue_signing_certificate(key.public_key_der())
    certificate.verify_directly_issued_by(root().certificate)
    assert (
        certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        == key.public_key_der()
    )
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature
    assert usage.value.content_commitment  # nonRepudiation
    assert not usage.value.key_cert_sign
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    extended = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert list(extended.value) == [DOCUMENT_SIGNING]
    assert not extended.critical
    # The same key gets the same certificate (a restart of the local runtime).
    assert root().issue_signing_certificate(key.public_key_der()) == certificate
    chain = parse_signing_chain(root().chain_pem(certificate), public_key_der=key.public_key_der())
    assert chain.chain == (root().certificate,)


def test_an_rsa_key_is_certified_too() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    certificate = root().issue_signing_certificate(der)
    certificate.verify_directly_issued_by(root().certificate)


def test_a_time_stamping_certificate_has_its_critical_extended_usage() -> None:
    key = MemoryKey()
    certificate = root().issue(
        key.private_key.public_key(),
        "tsa",
        extended_usage=ExtendedKeyUsageOID.TIME_STAMPING,
        critical_extended_usage=True,
    )
    extended = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert extended.critical
    assert list(extended.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
