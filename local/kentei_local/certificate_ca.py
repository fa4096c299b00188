"""The local test CA of the certificate-signing key: never a trust anchor outside local mode.

Deployed, the certificate that names the KMS certificate-signing key comes from a real CA and
is put in the certificates bucket by an operator (:mod:`kentei.certificates.pades_chain`).
Locally this CA plays that part: :func:`provision_signing_chain` asks moto's KMS for the
key's public key (``GetPublicKey``), issues its certificate and writes the chain (the
certificate, then this root) where the deployed chain would be.

The root is the same on every machine and every start: its EC P-256 key is derived from a
fixed label (so it is public, and trusts nothing but local PDFs), its validity and serial
number are fixed, and it signs with deterministic ECDSA (RFC 6979). A PDF signed by one local
runtime therefore validates against :func:`root` on another, and a verifier can be handed
:data:`ROOT_FILE_NAME`'s PEM as its one trust anchor. :meth:`CertificateCa.derive` with
another label makes an unrelated CA (the tests' untrusted issuer).

>>> ca = root()
>>> certificate = ca.issue_signing_certificate(public_key_der)   # from KMS GetPublicKey
>>> ca.chain_pem(certificate)                                     # the certificate, then the root
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import NameOID, ObjectIdentifier

from kentei.certificates.pades_chain import DEFAULT_SIGNING_CHAIN_KEY
from kentei_local.identities import LOCAL_ORGANIZATION

if TYPE_CHECKING:
    from mypy_boto3_kms.client import KMSClient
    from mypy_boto3_s3.client import S3Client

ROOT_LABEL: Final = "certificate-signing root"
ROOT_COMMON_NAME: Final = "kentei local certificate-signing root CA"
SIGNER_COMMON_NAME: Final = "kentei local certificate signer"
ROOT_FILE_NAME: Final = "certificate-signing-root.pem"
VALID_FROM: Final = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
VALID_UNTIL: Final = dt.datetime(2050, 1, 1, tzinfo=dt.UTC)
DOCUMENT_SIGNING: Final = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
"""id-kp-documentSigning (RFC 9336)."""
_P256_ORDER: Final = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@dataclass(frozen=True)
class CertificateCa:
    """A self-signed root that issues end-entity certificates directly."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @classmethod
    def derive(cls, label: str, common_name: str) -> CertificateCa:
        """The CA whose key, certificate and serial number follow from ``label`` alone."""
        key = ec.derive_private_key(_scalar(label), ec.SECP256R1())
        name = _name(common_name)
        certificate = (
            _builder(name, name, key.public_key(), _serial(f"root {label}"))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(cert_sign=True), critical=True)
            .sign(key, hashes.SHA256(), ecdsa_deterministic=True)
        )
        return cls(key, certificate)

    def issue_signing_certificate(
        self, public_key_der: bytes, common_name: str = SIGNER_COMMON_NAME
    ) -> x509.Certificate:
        """The certificate of the signing key whose DER SubjectPublicKeyInfo is
        ``public_key_der`` (KMS ``GetPublicKey``): digitalSignature and nonRepudiation,
        documentSigning; the same key gets the same certificate."""
        public_key = serialization.load_der_public_key(public_key_der)
        if not isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
            raise TypeError("KMS signing keys are EC or RSA keys")
        return self.issue(public_key, common_name, extended_usage=DOCUMENT_SIGNING)

    def issue(
        self,
        public_key: CertificatePublicKeyTypes,
        common_name: str,
        *,
        extended_usage: ObjectIdentifier,
        critical_extended_usage: bool = False,
    ) -> x509.Certificate:
        """An end-entity certificate for ``public_key`` (digitalSignature, nonRepudiation) with
        the one extended key usage given (a time-stamping unit's must be critical)."""
        spki = public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return (
            _builder(
                _name(common_name),
                self.certificate.subject,
                public_key,
                _serial(spki.hex() + common_name),
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(cert_sign=False), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([extended_usage]), critical=critical_extended_usage
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256(), ecdsa_deterministic=True)
        )

    def root_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def chain_pem(self, certificate: x509.Certificate) -> bytes:
        """``certificate`` then this root, as the signing chain file holds them."""
        return certificate.public_bytes(serialization.Encoding.PEM) + self.root_pem()


@cache
def root() -> CertificateCa:
    """The local certificate-signing root (the same everywhere; see the module)."""
    return CertificateCa.derive(ROOT_LABEL, ROOT_COMMON_NAME)


def provision_signing_chain(
    kms: KMSClient,
    s3: S3Client,
    key_id: str,
    bucket: str,
    object_key: str = DEFAULT_SIGNING_CHAIN_KEY,
) -> x509.Certificate:
    """Certify the KMS key ``key_id`` under :func:`root` and put the chain in ``bucket`` at
    ``object_key``; the certificate issued."""
    public_key_der = kms.get_public_key(KeyId=key_id)["PublicKey"]
    certificate = root().issue_signing_certificate(public_key_der)
    s3.put_object(
        Bucket=bucket,
        Key=object_key,
        Body=root().chain_pem(certificate),
        ContentType="application/x-pem-file",
    )
    return certificate


def _scalar(label: str) -> int:
    digest = hashlib.sha256(f"kentei local CA key: {label}".encode()).digest()
    return int.from_bytes(digest, "big") % (_P256_ORDER - 1) + 1


def _serial(label: str) -> int:
    # Positive, at most 20 octets (RFC 5280), and never zero.
    return int.from_bytes(hashlib.sha256(label.encode()).digest()[:19], "big") | 1


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, LOCAL_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: CertificatePublicKeyTypes,
    serial: int,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_UNTIL)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
