"""The local CA of the bridge port: its server certificate and the bridges' client certificates.

Deployed, the bridge API is a custom domain with mutual TLS: a public server certificate, and a
truststore of the bridges' CAs. Locally one CA made at start plays both parts: it signs the
server certificate of ``127.0.0.1`` (so a client verifies the port with ``verify=ca_file``)
and one client certificate per bridge, whose subject and issuer are the DNs the handler's
bridge table names (:func:`kentei_local.identities.bridge_clients_setting`). Keys are
ECDSA P-256 (quick to make at every start); they are written under the runtime's state
folder (``.local/`` for ``make local``, git ignores it), never committed.

:func:`client_cert_context` turns a verified peer certificate into what API Gateway puts in
``requestContext.identity.clientCert``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kentei.callers import CHANNELS
from kentei_local.identities import BRIDGE_CA_NAME, LOCAL_ORGANIZATION, bridge_common_name
from kentei_local.settings import HOST

CA_FILE: Final = "ca.pem"
SERVER_NAME: Final = "bridge-server"
_VALID_DAYS: Final = 30


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its private key, as PEM files (the key readable by its owner only)."""

    cert: Path
    key: Path


@dataclass(frozen=True)
class LocalCa:
    """The files :func:`create` wrote: the CA, the bridge port's server pair, each bridge's."""

    ca_file: Path
    server: KeyPair
    bridges: dict[str, KeyPair]


def create(folder: Path) -> LocalCa:
    """A new CA in ``folder`` (created), a server certificate for :data:`HOST` and a client
    certificate for each bridge channel; earlier files of the same names are replaced."""
    ca = _Authority.create(folder, BRIDGE_CA_NAME)
    server = ca.issue(SERVER_NAME, HOST, ExtendedKeyUsageOID.SERVER_AUTH)
    bridges = {
        channel: ca.issue(f"{channel}-bridge", bridge_common_name(channel), _CLIENT_AUTH)
        for channel in sorted(CHANNELS)
    }
    return LocalCa(ca.ca_file, server, bridges)


@dataclass(frozen=True)
class LinkCa:
    """The files :func:`create_link` wrote: a CA, a server pair for :data:`HOST`, a client's."""

    ca_file: Path
    server: KeyPair
    client: KeyPair


def create_link(folder: Path, ca_name: str, client_name: str) -> LinkCa:
    """A new CA named ``ca_name`` in ``folder`` for the link to a local fake of an outside
    system: a server certificate for :data:`HOST` and one client certificate whose subject
    common name is ``client_name``."""
    ca = _Authority.create(folder, ca_name)
    server = ca.issue("link-server", HOST, ExtendedKeyUsageOID.SERVER_AUTH)
    client = ca.issue(f"{client_name}-client", client_name, _CLIENT_AUTH)
    return LinkCa(ca.ca_file, server, client)


@dataclass(frozen=True)
class _Authority:
    folder: Path
    key: ec.EllipticCurvePrivateKey
    name: x509.Name
    now: dt.datetime
    ca_file: Path

    @classmethod
    def create(cls, folder: Path, common_name: str) -> _Authority:
        folder.mkdir(parents=True, exist_ok=True)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name(common_name)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        ca_cert = (
            _builder(ca_name, ca_name, ca_key.public_key(), now)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(cert_sign=True), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        ca_file = folder / CA_FILE
        ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        return cls(folder, ca_key, ca_name, now, ca_file)

    def issue(self, stem: str, common_name: str, purpose: x509.ObjectIdentifier) -> KeyPair:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            _builder(_name(common_name), self.name, key.public_key(), self.now)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(cert_sign=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([purpose]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if purpose == ExtendedKeyUsageOID.SERVER_AUTH:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
                critical=False,
            )
        cert = builder.sign(self.key, hashes.SHA256())
        return _write(self.folder, stem, key, cert)


_CLIENT_AUTH: Final = ExtendedKeyUsageOID.CLIENT_AUTH


def client_cert_context(der: bytes) -> dict[str, Any]:
    """``requestContext.identity.clientCert`` for a verified peer certificate, as API Gateway
    writes it: the PEM, subject and issuer DN (RFC 4514, most specific first), the serial
    number in colon-separated hex and the validity in OpenSSL's date format."""
    cert = x509.load_der_x509_certificate(der)
    serial = cert.serial_number.to_bytes((cert.serial_number.bit_length() + 7) // 8 or 1, "big")
    return {
        "clientCertPem": cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        "subjectDN": cert.subject.rfc4514_string(),
        "issuerDN": cert.issuer.rfc4514_string(),
        "serialNumber": serial.hex(":"),
        "validity": {
            "notBefore": _openssl_date(cert.not_valid_before_utc),
            "notAfter": _openssl_date(cert.not_valid_after_utc),
        },
    }


def _openssl_date(value: dt.datetime) -> str:
    return f"{value:%b} {value.day:2d} {value:%H:%M:%S %Y} GMT"


def _name(common_name: str) -> x509.Name:
    # Listed from the root down, so RFC 4514 (most specific first) reads "CN=...,O=...".
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, LOCAL_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, public: ec.EllipticCurvePublicKey, now: dt.datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_VALID_DAYS))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _write(
    folder: Path, stem: str, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate
) -> KeyPair:
    pair = KeyPair(folder / f"{stem}.cert.pem", folder / f"{stem}.key.pem")
    pair.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pair.key.touch(mode=0o600, exist_ok=True)
    os.chmod(pair.key, 0o600)
    pair.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pair
