"""Certification authorities, card certificates and CRLs of the local test PKI.

See the package docstring. Keys are RSA-2048 and signatures sha256WithRSAEncryption unless a
test asks for SHA-1 (which ``cryptography`` refuses to make: the certificate is made with
SHA-256 and its TBSCertificate re-signed with SHA-1 through ``asn1crypto``).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal, NamedTuple

from asn1crypto import core as asn1_core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

# The four basic items (基本4情報) in the JPKI signature certificate's subjectAltName.
NAME: Final = x509.ObjectIdentifier("1.2.392.200149.8.5.5.1")
NAME_SUBSTITUTE: Final = x509.ObjectIdentifier("1.2.392.200149.8.5.5.2")
SEX: Final = x509.ObjectIdentifier("1.2.392.200149.8.5.5.3")
BIRTH_DATE: Final = x509.ObjectIdentifier("1.2.392.200149.8.5.5.4")
ADDRESS: Final = x509.ObjectIdentifier("1.2.392.200149.8.5.5.5")
ADDRESS_SUBSTITUTE: Final = x509.ObjectIdentifier("1.2.392.200149.8.5.5.6")

SIGNATURE_POLICY: Final = x509.ObjectIdentifier("1.2.392.200149.8.5.1.1.10")
"""Certificate policy the test PKI puts in signature certificates (J-LIS's 署名用 policy OID as
publicly described; the shipped J-LIS material does not confirm it: never rely on it alone)."""
AUTHENTICATION_POLICY: Final = x509.ObjectIdentifier("1.2.392.200149.8.5.1.3.30")
"""Certificate policy the test PKI puts in user-authentication certificates (利用者証明用)."""

TRUST_ANCHORS_NAME: Final = "trust-anchors.pem"
"""File name of the PEM bundle of signing CAs (for ``KENTEI_JPKI_TRUST_ANCHORS``)."""
AUTHENTICATION_CAS_NAME: Final = "user-authentication-cas.pem"
CRL_NAME: Final = "crl"
"""Folder name of the CRLs (for ``KENTEI_JPKI_CRL_DIR``)."""

KEY_SIZE: Final = 2048
_LOCAL_MARK: Final = "kentei local test PKI - not J-LIS"
_ERAS: Final = (
    (dt.date(2019, 5, 1), 5),  # 令和
    (dt.date(1989, 1, 8), 4),  # 平成
    (dt.date(1926, 12, 25), 3),  # 昭和
    (dt.date(1912, 7, 30), 2),  # 大正
)
_MEIJI: Final = 1
_SHA1_RSA: Final = "sha1_rsa"

HashName = Literal["sha256", "sha384", "sha512", "sha1"]
_HASHES: Final[Mapping[str, hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}


class CaKind(StrEnum):
    """Which of J-LIS's two CA families a test CA imitates."""

    SIGNATURE = "JPKI for digital signature"
    USER_AUTHENTICATION = "JPKI for user authentication"


class Validity(StrEnum):
    CURRENT = "current"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


@dataclass(frozen=True)
class FourItems:
    """The four basic items (氏名, 性別, 生年月日, 住所) as a card certificate carries them.

    ``sex`` is written as given: the code values J-LIS uses are not confirmed in public
    material, so tests pass what the verifier is meant to accept (ISO/IEC 5218 digits by
    default in the demo). The substitute-character variants (代替文字) default to the items.
    """

    name: str
    sex: str
    birth_date: dt.date
    address: str
    name_substitute: str | None = None
    address_substitute: str | None = None

    def entries(self) -> dict[x509.ObjectIdentifier, str]:
        """OID → the UTF8String value, in the OID order of the certificate profile."""
        return {
            NAME: self.name,
            NAME_SUBSTITUTE: self.name_substitute
            if self.name_substitute is not None
            else self.name,
            SEX: self.sex,
            BIRTH_DATE: era_date(self.birth_date),
            ADDRESS: self.address,
            ADDRESS_SUBSTITUTE: (
                self.address_substitute if self.address_substitute is not None else self.address
            ),
        }


class PemPaths(NamedTuple):
    key: Path
    certificate: Path


def era_date(birth_date: dt.date) -> str:
    """``EYYYYMMDD``: the era digit (1 明治, 2 大正, 3 昭和, 4 平成, 5 令和), then the date."""
    era = next((digit for start, digit in _ERAS if birth_date >= start), _MEIJI)
    return f"{era}{birth_date:%Y%m%d}"


def four_items_of(certificate: x509.Certificate) -> dict[str, str]:
    """The subjectAltName otherName items of ``certificate`` by dotted OID (UTF8String decoded);
    empty when it has no subjectAltName."""
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return {}
    found: dict[str, str] = {}
    for other in san.value.get_values_for_type(x509.OtherName):
        parsed = asn1_core.Asn1Value.load(other.value)
        if isinstance(parsed, asn1_core.UTF8String):
            found[other.type_id.dotted_string] = parsed.native
    return found


def _utf8(value: str) -> bytes:
    return bytes(asn1_core.UTF8String(value).dump())


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _window(
    validity: Validity,
    not_before: dt.datetime | None,
    not_after: dt.datetime | None,
    years: int,
) -> tuple[dt.datetime, dt.datetime]:
    now = _now()
    if validity is Validity.EXPIRED:
        start, end = now - dt.timedelta(days=365 * years + 30), now - dt.timedelta(days=30)
    elif validity is Validity.NOT_YET_VALID:
        start, end = now + dt.timedelta(days=30), now + dt.timedelta(days=365 * years + 30)
    else:
        start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=365 * years)
    return (not_before or start, not_after or end)


def _resign_sha1(certificate: x509.Certificate, key: rsa.RSAPrivateKey) -> x509.Certificate:
    """``certificate`` re-signed with sha1WithRSAEncryption (cryptography refuses to make it)."""
    parsed = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    tbs = parsed["tbs_certificate"]
    weak = hashes.SHA1()  # noqa: S303 (a deliberately weak test certificate)
    tbs["signature"] = asn1_x509.SignedDigestAlgorithm({"algorithm": _SHA1_RSA})
    signed = asn1_x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": asn1_x509.SignedDigestAlgorithm({"algorithm": _SHA1_RSA}),
            "signature_value": key.sign(tbs.dump(force=True), padding.PKCS1v15(), weak),
        }
    )
    return x509.load_der_x509_certificate(signed.dump(force=True))


def _sign(
    builder: x509.CertificateBuilder, key: rsa.RSAPrivateKey, hash_name: HashName
) -> x509.Certificate:
    if hash_name == "sha1":
        return _resign_sha1(builder.sign(key, hashes.SHA256()), key)
    return builder.sign(key, _HASHES[hash_name])


@dataclass(frozen=True)
class Issued:
    """A private key and its certificate."""

    key: rsa.RSAPrivateKey = field(repr=False)
    certificate: x509.Certificate

    @property
    def serial_number(self) -> int:
        return self.certificate.serial_number

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def write(self, folder: Path, name: str = "card") -> PemPaths:
        """``<name>.key.pem`` (mode 0600) and ``<name>.cert.pem`` in ``folder`` (created)."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = PemPaths(folder / f"{name}.key.pem", folder / f"{name}.cert.pem")
        paths.key.touch(mode=0o600, exist_ok=True)
        os.chmod(paths.key, 0o600)
        paths.key.write_bytes(self.key_pem)
        paths.certificate.write_bytes(self.certificate_pem)
        return paths


@dataclass(frozen=True)
class Crl:
    """A CRL of a test CA."""

    crl: x509.CertificateRevocationList

    @property
    def number(self) -> int:
        return self.crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number

    @property
    def der(self) -> bytes:
        return self.crl.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.crl.public_bytes(serialization.Encoding.PEM)

    def revokes(self, serial_number: int) -> bool:
        return self.crl.get_revoked_certificate_by_serial_number(serial_number) is not None


@dataclass(frozen=True)
class CertificateAuthority:
    """A self-signed root that issues end-entity certificates directly, as J-LIS's do."""

    kind: CaKind
    key: rsa.RSAPrivateKey = field(repr=False)
    certificate: x509.Certificate

    @classmethod
    def create(
        cls,
        kind: CaKind = CaKind.SIGNATURE,
        *,
        label: str = "",
        validity: Validity = Validity.CURRENT,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        key: rsa.RSAPrivateKey | None = None,
    ) -> CertificateAuthority:
        """A new CA; ``label`` tells several CAs of one kind apart (in the subject)."""
        key = key or _new_key()
        mark = f"{_LOCAL_MARK} {label}".strip()
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, kind.value),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, mark),
            ]
        )
        start, end = _window(validity, not_before, not_after, years=10)
        public = key.public_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_distribution_point(name), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        )
        return cls(kind, key, builder.sign(key, hashes.SHA256()))

    @property
    def name(self) -> x509.Name:
        return self.certificate.subject

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def sha256_fingerprint(self) -> str:
        """Colon-separated upper-case hex, as ``../shared/jpki/README.md`` lists them."""
        return self.certificate.fingerprint(hashes.SHA256()).hex(":").upper()

    def issue_signature(
        self,
        items: FourItems,
        *,
        validity: Validity = Validity.CURRENT,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        signature_hash: HashName = "sha256",
        key: rsa.RSAPrivateKey | None = None,
    ) -> Issued:
        """A signature certificate (署名用): the four items in subjectAltName otherNames,
        keyUsage digitalSignature + nonRepudiation, an opaque subject CN."""
        san = x509.SubjectAlternativeName(
            [x509.OtherName(oid, _utf8(value)) for oid, value in items.entries().items()]
        )
        return self._issue(
            [
                (san, False),
                (_key_usage(non_repudiation=True), True),
                (_policy(SIGNATURE_POLICY), False),
            ],
            validity=validity,
            not_before=not_before,
            not_after=not_after,
            signature_hash=signature_hash,
            key=key,
        )

    def issue_user_authentication(
        self,
        *,
        validity: Validity = Validity.CURRENT,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        key: rsa.RSAPrivateKey | None = None,
    ) -> Issued:
        """A user-authentication certificate (利用者証明用): none of the four items,
        keyUsage digitalSignature only. Never acceptable as an application signature."""
        return self._issue(
            [(_key_usage(non_repudiation=False), True), (_policy(AUTHENTICATION_POLICY), False)],
            validity=validity,
            not_before=not_before,
            not_after=not_after,
            signature_hash="sha256",
            key=key,
        )

    def crl(
        self,
        revoked: Iterable[int | Issued | x509.Certificate] = (),
        *,
        number: int = 1,
        this_update: dt.datetime | None = None,
        next_update: dt.datetime | None = None,
        revoked_at: dt.datetime | None = None,
        reason: x509.ReasonFlags | None = None,
    ) -> Crl:
        """A CRL numbered ``number`` revoking the given serial numbers (or certificates)."""
        now = _now()
        this_update = this_update or now - dt.timedelta(minutes=5)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.name)
            .last_update(this_update)
            .next_update(next_update or this_update + dt.timedelta(days=1))
            .add_extension(x509.CRLNumber(number), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        for entry in revoked:
            serial = entry if isinstance(entry, int) else entry.serial_number
            revoked_builder = (
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(revoked_at or this_update - dt.timedelta(minutes=1))
            )
            if reason is not None:
                revoked_builder = revoked_builder.add_extension(
                    x509.CRLReason(reason), critical=False
                )
            builder = builder.add_revoked_certificate(revoked_builder.build())
        return Crl(builder.sign(self.key, hashes.SHA256()))

    def ocsp_response(
        self,
        certificate: Issued | x509.Certificate,
        *,
        revoked_at: dt.datetime | None = None,
        this_update: dt.datetime | None = None,
        next_update: dt.datetime | None = None,
        reason: x509.ReasonFlags | None = None,
    ) -> bytes:
        """The DER of a successful OCSP response by this CA (signing it directly, as J-LIS's
        responder identifies itself by the CA's key) saying ``certificate`` is good, or
        revoked at ``revoked_at``; for a local OCSP fake."""
        cert = certificate.certificate if isinstance(certificate, Issued) else certificate
        this_update = this_update or _now() - dt.timedelta(minutes=5)
        status = ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=cert,
                issuer=self.certificate,
                algorithm=hashes.SHA256(),
                cert_status=status,
                this_update=this_update,
                next_update=next_update or this_update + dt.timedelta(hours=1),
                revocation_time=revoked_at,
                revocation_reason=reason if revoked_at else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.certificate)
        )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def _issue(
        self,
        extensions: list[tuple[x509.ExtensionType, bool]],
        *,
        validity: Validity,
        not_before: dt.datetime | None,
        not_after: dt.datetime | None,
        signature_hash: HashName,
        key: rsa.RSAPrivateKey | None,
    ) -> Issued:
        key = key or _new_key()
        start, end = _window(validity, not_before, not_after, years=5)
        public = key.public_key()
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                # Opaque, as on the card: never the holder's name.
                x509.NameAttribute(NameOID.COMMON_NAME, secrets.token_hex(12).upper()),
            ]
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(_distribution_point(self.name), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return Issued(key, _sign(builder, self.key, signature_hash))


def _distribution_point(name: x509.Name) -> x509.CRLDistributionPoints:
    """A directory name only, like J-LIS's: no URL, so revocation needs a configured source."""
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.DirectoryName(name)],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _key_usage(*, non_repudiation: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _policy(oid: x509.ObjectIdentifier) -> x509.CertificatePolicies:
    return x509.CertificatePolicies([x509.PolicyInformation(oid, None)])


def write_trust_anchors(path: Path, authorities: Iterable[CertificateAuthority]) -> Path:
    """A PEM bundle of the authorities' certificates at ``path`` (folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(ca.certificate_pem for ca in authorities))
    return path


def write_crl_dir(
    folder: Path, crls: Mapping[str, Crl], *, encoding: Literal["der", "pem"] = "der"
) -> Path:
    """Each CRL as ``<name>.crl`` (DER) or ``<name>.crl.pem`` in ``folder``; earlier files of
    the same names are replaced (the newest CRL of a CA is the one that counts)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, crl in crls.items():
        for stale in (folder / f"{name}.crl", folder / f"{name}.crl.pem"):
            stale.unlink(missing_ok=True)
        if encoding == "der":
            (folder / f"{name}.crl").write_bytes(crl.der)
        else:
            (folder / f"{name}.crl.pem").write_bytes(crl.pem)
    return folder


@dataclass
class TestPki:
    """A signing CA and a user-authentication CA, their trust bundle and CRL folder.

    ``folder/trust-anchors.pem`` holds the signing CA only (``KENTEI_JPKI_TRUST_ANCHORS``);
    ``folder/user-authentication-cas.pem`` the user-authentication CA
    (``KENTEI_JPKI_USER_AUTHENTICATION_CAS``: recognised, to refuse its certificates with
    their own reason); ``folder/crl/`` one CRL per CA (``KENTEI_JPKI_CRL_DIR``),
    rewritten with the next CRL number by :meth:`revoke`.
    """

    __test__ = False  # not a pytest test class, despite its name

    folder: Path
    signing_ca: CertificateAuthority
    authentication_ca: CertificateAuthority
    crl_encoding: Literal["der", "pem"] = "der"
    _revoked: dict[CaKind, list[int]] = field(default_factory=dict)
    _crl_numbers: dict[CaKind, int] = field(default_factory=dict)

    @classmethod
    def create(cls, folder: Path, *, crl_encoding: Literal["der", "pem"] = "der") -> TestPki:
        pki = cls(
            folder,
            CertificateAuthority.create(CaKind.SIGNATURE),
            CertificateAuthority.create(CaKind.USER_AUTHENTICATION),
            crl_encoding,
        )
        write_trust_anchors(pki.trust_anchors_path, [pki.signing_ca])
        write_trust_anchors(folder / AUTHENTICATION_CAS_NAME, [pki.authentication_ca])
        for ca in (pki.signing_ca, pki.authentication_ca):
            pki._publish(ca)
        return pki

    @property
    def trust_anchors_path(self) -> Path:
        return self.folder / TRUST_ANCHORS_NAME

    @property
    def authentication_cas_path(self) -> Path:
        return self.folder / AUTHENTICATION_CAS_NAME

    @property
    def crl_dir(self) -> Path:
        return self.folder / CRL_NAME

    def settings(self) -> dict[str, str]:
        """The local runtime's settings that make it trust this PKI (issue 4): the signing CA
        as a trust anchor, the user-authentication CA as one to recognise (and refuse), and
        the CRL folder."""
        return {
            "KENTEI_JPKI_TRUST_ANCHORS": str(self.trust_anchors_path),
            "KENTEI_JPKI_USER_AUTHENTICATION_CAS": str(self.authentication_cas_path),
            "KENTEI_JPKI_CRL_DIR": str(self.crl_dir),
        }

    def signature_certificate(
        self,
        items: FourItems,
        *,
        validity: Validity = Validity.CURRENT,
        signature_hash: HashName = "sha256",
    ) -> Issued:
        """:meth:`CertificateAuthority.issue_signature` of the signing CA."""
        return self.signing_ca.issue_signature(
            items, validity=validity, signature_hash=signature_hash
        )

    def user_authentication_certificate(self, *, validity: Validity = Validity.CURRENT) -> Issued:
        """:meth:`CertificateAuthority.issue_user_authentication` of the authentication CA."""
        return self.authentication_ca.issue_user_authentication(validity=validity)

    def revoke(self, *revoked: Issued | int, reason: x509.ReasonFlags | None = None) -> Crl:
        """Publish the signing CA's next CRL, revoking ``revoked`` besides earlier ones."""
        return self._publish(self.signing_ca, revoked, reason)

    def crl(self, kind: CaKind = CaKind.SIGNATURE) -> Crl:
        """The CRL last published for the CA of ``kind``."""
        path = self.crl_dir / (
            f"{_crl_stem(kind)}.crl" if self.crl_encoding == "der" else f"{_crl_stem(kind)}.crl.pem"
        )
        raw = path.read_bytes()
        loaded = (
            x509.load_der_x509_crl(raw)
            if self.crl_encoding == "der"
            else x509.load_pem_x509_crl(raw)
        )
        return Crl(loaded)

    def _publish(
        self,
        ca: CertificateAuthority,
        revoked: Iterable[Issued | int] = (),
        reason: x509.ReasonFlags | None = None,
    ) -> Crl:
        serials = self._revoked.setdefault(ca.kind, [])
        serials.extend(r if isinstance(r, int) else r.serial_number for r in revoked)
        number = self._crl_numbers.get(ca.kind, 0) + 1
        self._crl_numbers[ca.kind] = number
        crl = ca.crl(serials, number=number, reason=reason)
        write_crl_dir(self.crl_dir, {_crl_stem(ca.kind): crl}, encoding=self.crl_encoding)
        return crl


def _crl_stem(kind: CaKind) -> str:
    return "signature-ca" if kind is CaKind.SIGNATURE else "user-authentication-ca"
