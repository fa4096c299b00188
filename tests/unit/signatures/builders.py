"""Test-side signers, written independently of the verifier: asn1crypto CMS and string-built
XML signatures whose canonical form is written out literally (no lxml C14N), and certificates
the test PKI does not make (custom four items, no four items, odd extensions)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from kentei_local.testpki import CertificateAuthority, Issued

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "md5": hashes.MD5,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


# --- CMS ---------------------------------------------------------------------------------


@dataclass
class CmsOptions:
    """What to put in the SignedData; the defaults make what ``openssl cms -sign`` makes."""

    digest: str = "sha256"
    signature_algorithm: str = "rsassa_pkcs1v15"
    """asn1crypto name: rsassa_pkcs1v15, sha256_rsa, sha1_rsa, rsassa_pss, …"""
    signed_attributes: bool = True
    content_type: str = "data"
    message_digest: bytes | None = None
    """Override the messageDigest (default: the document's digest)."""
    embed_content: bool = False
    signer_id: Literal["issuer_serial", "key_identifier"] = "issuer_serial"
    certificates: Sequence[x509.Certificate] | None = None
    """Embedded certificates (default: the signer's)."""
    signers: int = 1
    signing_time: dt.datetime | None = None
    sign_with: rsa.RSAPrivateKey | None = None
    """Key to sign with (default: the signer's own)."""


def sign_cms(document: bytes, signer: Issued, options: CmsOptions | None = None) -> bytes:
    o = options or CmsOptions()
    certificate = asn1_x509.Certificate.load(signer.certificate_der)
    digest_bytes = (
        o.message_digest
        if o.message_digest is not None
        else hashlib.new(o.digest, document).digest()
    )
    attributes = [
        cms.CMSAttribute({"type": "content_type", "values": [o.content_type]}),
        cms.CMSAttribute({"type": "message_digest", "values": [digest_bytes]}),
    ]
    if o.signing_time is not None:
        attributes.append(
            cms.CMSAttribute(
                {"type": "signing_time", "values": [cms.Time({"utc_time": o.signing_time})]}
            )
        )
    signed_attrs = cms.CMSAttributes(attributes)
    to_sign = signed_attrs.dump() if o.signed_attributes else document
    key = o.sign_with or signer.key
    signature = key.sign(to_sign, padding.PKCS1v15(), HASHES[o.digest]())
    if o.signer_id == "issuer_serial":
        sid = cms.SignerIdentifier(
            {
                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                    {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
                )
            }
        )
    else:
        sid = cms.SignerIdentifier({"subject_key_identifier": certificate.key_identifier})
    info: dict[str, object] = {
        "version": "v1" if o.signer_id == "issuer_serial" else "v3",
        "sid": sid,
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": o.digest}),
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": o.signature_algorithm}),
        "signature": signature,
    }
    if o.signed_attributes:
        info["signed_attrs"] = signed_attrs
    signer_info = cms.SignerInfo(info)
    embedded = [signer.certificate] if o.certificates is None else list(o.certificates)
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": o.digest})],
            "encap_content_info": {
                "content_type": "data",
                "content": document if o.embed_content else None,
            },
            "certificates": [
                asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in embedded
            ],
            "signer_infos": [signer_info] * o.signers,
        }
    )
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump())


# --- e-Gov XML ---------------------------------------------------------------------------

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
ENVELOPED = DS + "enveloped-signature"
_METHOD_HASH = {RSA_SHA256: hashes.SHA256, RSA_SHA1: hashes.SHA1}
_DIGEST = {SHA256: "sha256", SHA1: "sha1"}


@dataclass
class XmlOptions:
    """The 構成管理情報 to sign. Every element is written in canonical form already, so the
    digests and the signature are computed from these very strings."""

    signature_method: str = RSA_SHA256
    canonicalization: str = C14N
    digest_method: str = SHA256
    kousei_transforms: Sequence[str] = ()
    file_transforms: Sequence[str] = ()
    omit: Sequence[str] = ()
    """File names given no reference."""
    extra_uris: Sequence[str] = ()
    """Reference URIs added for files that may not exist (digest of empty bytes)."""
    uris: Mapping[str, str] = field(default_factory=dict)
    """File name → the URI to write for it (default: the name)."""
    kousei_id: str = "構成情報"
    reference_id: str = "構成情報"
    certificates: Sequence[x509.Certificate] | None = None
    sign_with: rsa.RSAPrivateKey | None = None
    prolog: str = ""
    """Written before the root element (a DOCTYPE, for instance)."""
    extra_body: str = ""
    """Written inside the root, after 構成情報 (a second signature, a duplicate Id…)."""


def kousei_element(names: Sequence[str], kousei_id: str = "構成情報") -> str:
    listed = "".join(f"<ファイル名>{name}</ファイル名>" for name in names)
    return f'<構成情報 Id="{kousei_id}">{listed}</構成情報>'


def sign_kousei(
    files: Mapping[str, bytes], signer: Issued, options: XmlOptions | None = None
) -> bytes:
    """``kousei.xml`` signing ``files`` (the other files of the package)."""
    o = options or XmlOptions()
    names = [n for n in files if n not in o.omit]
    kousei = kousei_element(names, o.kousei_id)
    references = [
        _reference("#" + o.reference_id, kousei.encode(), o.digest_method, o.kousei_transforms)
    ]
    references += [
        _reference(o.uris.get(n, n), files[n], o.digest_method, o.file_transforms) for n in names
    ]
    references += [_reference(uri, b"", o.digest_method, ()) for uri in o.extra_uris]
    signed_info = (
        f'<ds:SignedInfo xmlns:ds="{DS}">'
        f'<ds:CanonicalizationMethod Algorithm="{o.canonicalization}"></ds:CanonicalizationMethod>'
        f'<ds:SignatureMethod Algorithm="{o.signature_method}"></ds:SignatureMethod>'
        f"{''.join(references)}</ds:SignedInfo>"
    )
    key = o.sign_with or signer.key
    value = key.sign(
        signed_info.encode(),
        padding.PKCS1v15(),
        _METHOD_HASH.get(o.signature_method, hashes.SHA256)(),
    )
    embedded = [signer.certificate] if o.certificates is None else list(o.certificates)
    certificates = "".join(
        f"<ds:X509Certificate>{base64.b64encode(c.public_bytes(Encoding.DER)).decode()}</ds:X509Certificate>"
        for c in embedded
    )
    signature = (
        f'<ds:Signature xmlns:ds="{DS}">{signed_info}'
        f"<ds:SignatureValue>{base64.b64encode(value).decode()}</ds:SignatureValue>"
        f"<ds:KeyInfo><ds:X509Data>{certificates}</ds:X509Data></ds:KeyInfo></ds:Signature>"
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{o.prolog}'
        f"<構成管理情報>{kousei}{o.extra_body}{signature}</構成管理情報>"
    ).encode()


def _reference(uri: str, content: bytes, digest_method: str, transforms: Sequence[str]) -> str:
    digest = base64.b64encode(hashlib.new(_DIGEST[digest_method], content).digest()).decode()
    written = "".join(f'<ds:Transform Algorithm="{t}"></ds:Transform>' for t in transforms)
    written = f"<ds:Transforms>{written}</ds:Transforms>" if transforms else ""
    return (
        f'<ds:Reference URI="{uri}">{written}'
        f'<ds:DigestMethod Algorithm="{digest_method}"></ds:DigestMethod>'
        f"<ds:DigestValue>{digest}</ds:DigestValue></ds:Reference>"
    )


# --- certificates ------------------------------------------------------------------------


def utf8(value: str) -> bytes:
    return bytes(core.UTF8String(value).dump())


def issue_custom(
    ca: CertificateAuthority,
    extensions: Sequence[tuple[x509.ExtensionType, bool]],
    *,
    key: rsa.RSAPrivateKey | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> Issued:
    """An end-entity certificate of ``ca`` with exactly ``extensions`` (and key identifiers)."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "OPAQUE")]))
        .issuer_name(ca.name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - dt.timedelta(days=1))
        .not_valid_after(not_after or now + dt.timedelta(days=365))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return Issued(key, builder.sign(ca.key, hashes.SHA256()))


def four_item_names(values: Mapping[str, str]) -> x509.SubjectAlternativeName:
    """A subjectAltName of otherName UTF8Strings by dotted OID."""
    return x509.SubjectAlternativeName(
        [x509.OtherName(x509.ObjectIdentifier(oid), utf8(v)) for oid, v in values.items()]
    )
