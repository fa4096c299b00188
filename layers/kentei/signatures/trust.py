"""Which certification authorities an applicant's certificate may come from.

Production trusts exactly the J-LIS signing CAs (署名用) shipped in :mod:`kentei.jpki`, each
checked against its listed SHA-256 fingerprint when loaded, and *knows* the J-LIS
user-authentication CAs (利用者証明用) only so that their certificates are refused with their own
reason. Certificates embedded in a signature are never anchors: the issuer is looked up here.

Local mode (``KENTEI_ENV=local``) may add, through documented settings read only there:

- ``KENTEI_JPKI_TRUST_ANCHORS``: a PEM bundle of extra trusted signing CAs (the test PKI);
- ``KENTEI_JPKI_USER_AUTHENTICATION_CAS``: a PEM bundle of extra user-authentication CAs, so a
  test user-authentication certificate is named as such instead of ``certificate.untrusted``.

Either set outside local mode is a deployment error (:class:`TrustConfigurationError`), never a
silent extension of trust. J-LIS roots issue end-entity certificates directly and all
generations of one CA family share one subject name, so the issuer is the store's CA whose
subject is the certificate's issuer *and* whose key verifies the certificate's signature.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kentei import jpki, settings
from kentei.jpki import CaPurpose

TRUST_ANCHORS_ENV: Final = "KENTEI_JPKI_TRUST_ANCHORS"
USER_AUTHENTICATION_CAS_ENV: Final = "KENTEI_JPKI_USER_AUTHENTICATION_CAS"
LOCAL_ENVIRONMENT: Final = "local"


class TrustConfigurationError(RuntimeError):
    """A trust bundle is unreadable, holds a non-CA certificate, or is set outside local mode."""


@dataclass(frozen=True)
class Authority:
    """A CA the store knows: certificate, purpose, SHA-256 fingerprint, where it came from."""

    certificate: x509.Certificate = field(repr=False)
    purpose: CaPurpose
    origin: str
    """``shipped:<file>`` for J-LIS's, ``local:<setting>`` for local anchors."""

    @cached_property
    def fingerprint(self) -> str:
        """Lower-case hex SHA-256 of the DER certificate."""
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    @property
    def name(self) -> str:
        """The CA's subject (RFC 4514): public, safe to store."""
        return self.certificate.subject.rfc4514_string()

    def issued(self, certificate: x509.Certificate) -> bool:
        """True when this CA's name is the certificate's issuer and its key signed it.

        This establishes *who* issued the certificate, whatever the strength of the algorithm:
        ``cryptography`` refuses to verify SHA-1 certificate signatures at all, so those are
        checked as plain RSA PKCS#1 v1.5, and refused later for their algorithm
        (``certificate.algorithm_refused``) instead of being called untrusted.
        """
        if certificate.issuer != self.certificate.subject:
            return False
        try:
            certificate.verify_directly_issued_by(self.certificate)
        except InvalidSignature:
            return False
        except (ValueError, TypeError, UnsupportedAlgorithm):
            return self._issued_with_legacy_algorithm(certificate)
        return True

    def _issued_with_legacy_algorithm(self, certificate: x509.Certificate) -> bool:
        key = self.certificate.public_key()
        try:
            algorithm = certificate.signature_hash_algorithm
            if not isinstance(key, rsa.RSAPublicKey) or algorithm is None:
                return False
            key.verify(
                certificate.signature,
                certificate.tbs_certificate_bytes,
                padding.PKCS1v15(),
                algorithm,
            )
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            return False
        return True


class TrustStore:
    """The known CAs: trusted signing CAs and recognised user-authentication CAs."""

    def __init__(self, authorities: Iterable[Authority]) -> None:
        unique: dict[str, Authority] = {}
        for authority in authorities:
            unique.setdefault(authority.fingerprint, authority)
        self._authorities: Final = tuple(unique.values())

    @classmethod
    def shipped(cls) -> TrustStore:
        """J-LIS's CAs only: what a deployed stack trusts."""
        return cls(
            Authority(
                x509.load_pem_x509_certificate(jpki.shipped_ca_pem(ca.file)),
                ca.purpose,
                f"shipped:{ca.file}",
            )
            for ca in jpki.SHIPPED_CAS
        )

    @classmethod
    def with_local(
        cls,
        *,
        signing_pem: bytes | None = None,
        user_authentication_pem: bytes | None = None,
        origin: str = "local",
    ) -> TrustStore:
        """The shipped CAs plus local ones from PEM bundles (tests, the local runtime)."""
        local = [
            *_bundle(signing_pem, CaPurpose.SIGNATURE, origin),
            *_bundle(user_authentication_pem, CaPurpose.USER_AUTHENTICATION, origin),
        ]
        return cls([*cls.shipped().authorities, *local])

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> TrustStore:
        """The store for this process: shipped CAs, plus local bundles in local mode only."""
        env = os.environ if environ is None else environ
        paths = {
            name: env.get(name, "").strip()
            for name in (TRUST_ANCHORS_ENV, USER_AUTHENTICATION_CAS_ENV)
        }
        if not any(paths.values()):
            return cls.shipped()
        mode = settings.environment() if environ is None else env.get("KENTEI_ENV", "aws")
        if mode != LOCAL_ENVIRONMENT:
            raise TrustConfigurationError(
                f"{TRUST_ANCHORS_ENV} and {USER_AUTHENTICATION_CAS_ENV} are read in local mode only"
            )
        return cls.with_local(
            signing_pem=_read(paths[TRUST_ANCHORS_ENV], TRUST_ANCHORS_ENV),
            user_authentication_pem=_read(
                paths[USER_AUTHENTICATION_CAS_ENV], USER_AUTHENTICATION_CAS_ENV
            ),
        )

    @property
    def authorities(self) -> tuple[Authority, ...]:
        return self._authorities

    def issuer_of(self, certificate: x509.Certificate) -> Authority | None:
        """The known CA that issued ``certificate``, or None.

        A trusted signing CA wins over a user-authentication CA should both verify (they never
        share a key in practice).
        """
        issuers = [a for a in self._authorities if a.issued(certificate)]
        issuers.sort(key=lambda a: a.purpose is not CaPurpose.SIGNATURE)
        return issuers[0] if issuers else None


def _read(path: str, setting: str) -> bytes | None:
    if not path:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise TrustConfigurationError(
            f"{setting}: cannot read the bundle ({exc.strerror})"
        ) from exc


def _bundle(pem: bytes | None, purpose: CaPurpose, origin: str) -> list[Authority]:
    if pem is None:
        return []
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise TrustConfigurationError(f"a {purpose} CA bundle is not PEM certificates") from exc
    for certificate in certificates:
        if not _is_ca(certificate):
            raise TrustConfigurationError(f"a {purpose} CA bundle holds a non-CA certificate")
    return [Authority(c, purpose, f"{origin}:{purpose}") for c in certificates]


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return constraints.value.ca
