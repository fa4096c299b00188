"""The signing chain file: read from where the setting names it, and refused unless it is a
usable chain for the signing key."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from tests.unit.pades.helpers import MemoryKey, certified_key

from kentei.certificates.pades_chain import (
    SIGNING_CHAIN_ENV,
    SigningChainError,
    load_signing_chain,
    parse_signing_chain,
)
from kentei_local.certificate_ca import CertificateCa, root

KEY = "signing/chain.pem"


class Objects:
    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects
        self.read_keys: list[str] = []

    def read(self, key: str) -> bytes:
        self.read_keys.append(key)
        return self.objects[key]


def _pem(*certificates: object) -> bytes:
    return b"".join(
        c.public_bytes(serialization.Encoding.PEM)  # type: ignore[attr-defined]
        for c in certificates
    )


def test_the_chain_is_read_from_the_object_the_setting_names() -> None:
    key, certificate = certified_key()
    objects = Objects({KEY: root().chain_pem(certificate)})
    chain = load_signing_chain(
        objects, {SIGNING_CHAIN_ENV: f" {KEY} "}, public_key_der=key.public_key_der()
    )
    assert objects.read_keys == [KEY]
    assert chain.certificate == certificate
    assert chain.chain == (root().certificate,)


def test_the_root_may_be_left_out() -> None:
    _, certificate = certified_key()
    chain = parse_signing_chain(_pem(certificate))
    assert (chain.certificate, chain.chain) == (certificate, ())


@pytest.mark.parametrize("environ", [{}, {SIGNING_CHAIN_ENV: "  "}])
def test_without_the_setting_nothing_is_read(environ: dict[str, str]) -> None:
    objects = Objects({})
    with pytest.raises(SigningChainError, match=SIGNING_CHAIN_ENV):
        load_signing_chain(objects, environ)
    assert objects.read_keys == []


def test_a_chain_for_another_key_is_refused() -> None:
    _, certificate = certified_key()
    with pytest.raises(SigningChainError, match="does not name the signing key"):
        parse_signing_chain(
            root().chain_pem(certificate), public_key_der=MemoryKey().public_key_der()
        )


def test_a_file_with_a_private_key_is_refused() -> None:
    key, certificate = certified_key()
    private = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(SigningChainError, match="private key"):
        parse_signing_chain(root().chain_pem(certificate) + private)


@pytest.mark.parametrize("pem", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\n"])
def test_what_is_not_a_pem_certificate_list_is_refused(pem: bytes) -> None:
    with pytest.raises(SigningChainError, match="not a PEM certificate list"):
        parse_signing_chain(pem)


def test_the_chain_must_begin_with_the_signing_certificate() -> None:
    _, certificate = certified_key()
    with pytest.raises(SigningChainError, match="must not be a CA"):
        parse_signing_chain(_pem(root().certificate, certificate))


def test_each_certificate_must_be_issued_by_the_next() -> None:
    _, certificate = certified_key()
    stranger = CertificateCa.derive("stranger", "a CA nobody trusts")
    with pytest.raises(SigningChainError, match="issued by the next"):
        parse_signing_chain(_pem(certificate, stranger.certificate))
    # Same name, another key: the signature, not the name, decides.
    impostor = CertificateCa.derive("impostor", "another root")
    with pytest.raises(SigningChainError, match="issued by the next"):
        parse_signing_chain(_pem(certificate, _same_name_as_root(impostor)))


def _same_name_as_root(ca: CertificateCa) -> object:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    name = root().certificate.subject
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ca.key.public_key())
        .serial_number(1)
        .not_valid_before(root().certificate.not_valid_before_utc)
        .not_valid_after(root().certificate.not_valid_after_utc)
        .sign(ca.key, hashes.SHA256())
    )


def test_the_signing_certificate_must_allow_non_repudiation() -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    key = ec.generate_private_key(ec.SECP256R1())
    without = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(root().certificate.subject)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(root().certificate.not_valid_before_utc)
        .not_valid_after(root().certificate.not_valid_after_utc)
    )
    with pytest.raises(SigningChainError, match="state its key usage"):
        parse_signing_chain(_pem(without.sign(root().key, hashes.SHA256())))
    only_signature = without.add_extension(
        x509.KeyUsage(True, False, False, False, False, False, False, False, False),
        critical=True,
    )
    with pytest.raises(SigningChainError, match="nonRepudiation"):
        parse_signing_chain(_pem(only_signature.sign(root().key, hashes.SHA256())))
