"""Builders of what a bridge or staff would send: documents, signatures, packages, files.

Signatures are made the way an independent client would: cryptography's PKCS#7 builder (or
OpenSSL's ``cms -sign`` in the tests that call it), with a throwaway self-signed certificate.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from kentei.submissions import EXAMPLE_DOCUMENTS, AttachmentUpload, MynaportalRequest
from kentei.submissions.kousei import C14N, DSIG, RSA_SHA256, SHA256
from kentei_local.bridges import sample_jpeg, sample_pdf, sample_png

PDF = sample_pdf(label="unit")
JPEG = sample_jpeg()
PNG = sample_png()
"""Small valid files: intake parses each attachment as a whole (kentei.submissions.structure)."""
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"

BAD_MY_NUMBER = "123456789012"
"""Twelve digits whose check digit is wrong (the right one is 8)."""

FORM: dict[str, Any] = {k: v for k, v in EXAMPLE_DOCUMENTS[0].items() if k != "attachments"}
"""A complete valid form (English keys)."""

PSEUDONYM = "mp-pseudonym-0001"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document(
    form: Mapping[str, Any] | None = None, files: Mapping[str, bytes] | None = None
) -> bytes:
    """The document's bytes: the form and the list of ``files`` by name and SHA-256."""
    value = dict(FORM if form is None else form)
    value["attachments"] = [
        {"name": name, "sha256": sha256(content)} for name, content in (files or {}).items()
    ]
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Signer:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def sign(self, data: bytes, *, detached: bool = True) -> bytes:
        """CMS SignedData (DER) over ``data``, the certificate embedded."""
        options = [pkcs7.PKCS7Options.Binary]
        if detached:
            options.append(pkcs7.PKCS7Options.DetachedSignature)
        return (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(data)
            .add_signer(self.certificate, self.key, hashes.SHA256())
            .sign(serialization.Encoding.DER, options)
        )


def make_signer() -> Signer:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "throwaway test signer")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return Signer(key, certificate)


def upload(name: str, content: bytes, media_type: str = "application/pdf") -> AttachmentUpload:
    return AttachmentUpload(name=name, media_type=media_type, content=b64(content))


def mynaportal(
    signer: Signer,
    doc: bytes,
    uploads: Iterable[AttachmentUpload] = (),
    signature: bytes | None = None,
) -> MynaportalRequest:
    return MynaportalRequest(
        channel="mynaportal",
        mynaportal_pseudonym_id=PSEUDONYM,
        document=b64(doc),
        signature=b64(signer.sign(doc) if signature is None else signature),
        attachments=list(uploads),
    )


def kousei(
    files: Mapping[str, bytes],
    *,
    certificate: bytes = b"not parsed by intake",
    structure_id: str = "構成情報",
    references: Iterable[str] | None = None,
    digests: Mapping[str, bytes] | None = None,
    canonicalization: str = C14N,
    signature_method: str = RSA_SHA256,
    digest_method: str = SHA256,
    prolog: str = "",
    template: bool = False,
) -> bytes:
    """kousei.xml with a signature's structure: a Reference to ``#構成情報`` and one per file,
    with its SHA-256. The signature value is a placeholder; a ``template`` leaves every value
    empty for xmlsec1 to sign."""
    names = list(files) if references is None else list(references)
    digest_of = {n: hashlib.sha256(c).digest() for n, c in files.items()}
    digest_of.update(digests or {})
    if template:
        digest_of = dict.fromkeys(names, b"")
        certificate = b""
    placeholder = "" if template else "AAAA"
    contents = "".join(f"<ファイル名>{escape(n)}</ファイル名>" for n in files)
    refs = "".join(
        f"<Reference URI={quoteattr(n)}>"
        f'<DigestMethod Algorithm="{digest_method}"/>'
        f"<DigestValue>{b64(digest_of.get(n, b''))}</DigestValue></Reference>"
        for n in names
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"{prolog}<構成管理情報>"
        f'<構成情報 id="{structure_id}">{contents}</構成情報>'
        f'<Signature xmlns="{DSIG}"><SignedInfo>'
        f'<CanonicalizationMethod Algorithm="{canonicalization}"/>'
        f'<SignatureMethod Algorithm="{signature_method}"/>'
        f'<Reference URI="#構成情報"><Transforms>'
        f'<Transform Algorithm="{C14N}"/></Transforms>'
        f'<DigestMethod Algorithm="{SHA256}"/><DigestValue>{placeholder}</DigestValue></Reference>'
        f"{refs}</SignedInfo><SignatureValue>{placeholder}</SignatureValue>"
        f"<KeyInfo><X509Data><X509Certificate>{b64(certificate)}</X509Certificate>"
        "</X509Data></KeyInfo></Signature></構成管理情報>"
    ).encode()


def zip_files(
    entries: Iterable[tuple[str | zipfile.ZipInfo, bytes]],
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def with_flag(data: bytes, flag: int) -> bytes:
    """A one-entry zip with ``flag`` set in the entry's general purpose bits (zipfile clears
    the flags it does not write itself)."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = patched.index(signature) + offset
        bits = int.from_bytes(patched[at : at + 2], "little") | flag
        patched[at : at + 2] = bits.to_bytes(2, "little")
    return bytes(patched)


def package(
    attachments: Mapping[str, bytes] | None = None,
    form: Mapping[str, Any] | None = None,
    **kousei_options: Any,
) -> bytes:
    """A package e-Gov would deliver: kousei.xml, application.json, the attachments."""
    files = {"application.json": document(form, attachments), **(attachments or {})}
    return zip_files([("kousei.xml", kousei(files, **kousei_options)), *files.items()])
