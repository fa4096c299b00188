"""The certificate chain of the certificate-signing key: where it comes from, and its checks.

The KMS certificate-signing key signs the PDFs (:mod:`kentei.certificates.pades`); the
certificate that names its public key is issued outside the system (deployed: by the CA the
association or the ministry chooses; locally: by ``kentei_local.certificate_ca`` when the
runtime starts) and kept as one PEM file: the signing certificate first, then each issuer up
to the root (the root may be left out). It lives as an object in the certificates bucket
(``KENTEI_BUCKET_CERTIFICATES``, which certify already reads), under the object key that
:data:`SIGNING_CHAIN_ENV` names; deployed, the stack sets that variable and an operator puts
the file there (a public certificate chain: nothing secret). A key rotation is a new KMS key
and a new chain file.

:func:`load_signing_chain` reads and checks it once per container: the file holds
certificates only (a private key in it is refused), the first one is an end-entity
certificate for digital signatures with non-repudiation, each is issued by the next, and
(given the KMS key's public key from ``GetPublicKey``) the first one names that key, so a
mismatch fails at start rather than as PDFs no validator accepts.

cryptography is imported inside the functions (crypto stays off the cold-start path).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

if TYPE_CHECKING:
    from cryptography import x509

SIGNING_CHAIN_ENV: Final = "KENTEI_CERTIFICATE_SIGNING_CHAIN"
"""The object key, in the certificates bucket, of the signing certificate chain (PEM)."""
DEFAULT_SIGNING_CHAIN_KEY: Final = "signing/certificate-signing-chain.pem"
"""Where the local runtime puts the chain (deployed, the stack names the object)."""


class ChainSource(Protocol):
    """Reads an object of the certificates bucket (:class:`kentei.data.signing_chains`)."""

    def read(self, key: str) -> bytes: ...


class SigningChainError(ValueError):
    """The signing chain is missing or unusable; the message names the rule broken."""


@dataclass(frozen=True)
class SigningChain:
    """The signing certificate and its issuers (nearest first), as
    :func:`kentei.certificates.pades.sign_pdf` takes them."""

    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def load_signing_chain(
    source: ChainSource, environ: Mapping[str, str], *, public_key_der: bytes | None = None
) -> SigningChain:
    """The chain at the object key :data:`SIGNING_CHAIN_ENV` names in ``environ``, read from
    ``source`` and checked by :func:`parse_signing_chain`."""
    key = environ.get(SIGNING_CHAIN_ENV, "").strip()
    if not key:
        raise SigningChainError(f"{SIGNING_CHAIN_ENV} is not set")
    return parse_signing_chain(source.read(key), public_key_der=public_key_der)


def parse_signing_chain(pem: bytes, *, public_key_der: bytes | None = None) -> SigningChain:
    """The certificates of ``pem``, checked (see the module); ``public_key_der`` (DER
    SubjectPublicKeyInfo, as KMS ``GetPublicKey`` answers it) must be the first one's key."""
    # cryptography only when a chain is read: off the cold-start path.
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if b"PRIVATE KEY" in pem:
        raise SigningChainError("the signing chain file holds a private key")
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise SigningChainError("the signing chain is not a PEM certificate list") from None
    signing, *issuers = certificates
    _check_end_entity(signing)
    for subject, issuer in zip(certificates, issuers, strict=False):
        try:
            subject.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            raise SigningChainError(
                "each certificate of the signing chain must be issued by the next"
            ) from None
    if public_key_der is not None:
        named = signing.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        if named != public_key_der:
            raise SigningChainError("the signing certificate does not name the signing key")
    return SigningChain(signing, tuple(issuers))


def _check_end_entity(certificate: x509.Certificate) -> None:
    from cryptography import x509  # off the cold-start path, as above

    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        is_ca = constraints.value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if is_ca:
        raise SigningChainError("the signing certificate must not be a CA certificate")
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise SigningChainError("the signing certificate must state its key usage") from None
    if not (usage.digital_signature and usage.content_commitment):
        raise SigningChainError(
            "the signing certificate must allow digitalSignature and nonRepudiation"
        )
