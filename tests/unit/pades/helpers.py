"""In-memory keys, a small Japanese PDF and pyHanko's validator, for the PAdES tests."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any, Final

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from kentei.fonts import IPAEX_GOTHIC
from kentei_local.certificate_ca import CertificateCa, root

SIGNED_AT: Final = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
FIELD: Final = "KenteiSignature"
REASON: Final = "技能検定 合格証明書の発行"
LOCATION: Final = "Tokyo, JP"
STAMPED_AT: Final = dt.datetime(2026, 12, 1, 1, 0, 5, tzinfo=dt.UTC)
TEXT: Final = "合格証明書 CERTIFICATE-0001"
"""What the test PDF says: a certificate number, no person."""


@dataclass
class MemoryKey:
    """A :class:`kentei.certificates.pades.DerSigner` over an EC P-256 key in memory,
    counting its signatures (KMS ``Sign`` calls, deployed)."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    signed: list[bytes] = field(default_factory=list)

    def sign_der(self, message: bytes) -> bytes:
        self.signed.append(message)
        return self.private_key.sign(message, ec.ECDSA(hashes.SHA256()))

    def public_key_der(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def certified_key(ca: CertificateCa | None = None) -> tuple[MemoryKey, x509.Certificate]:
    """A new key and its signing certificate from ``ca`` (the local root by default)."""
    key = MemoryKey()
    return key, (ca or root()).issue_signing_certificate(key.public_key_der())


def small_pdf() -> bytes:
    """One A4 page of Japanese text in IPAexゴシック (embedded subset), fixed dates."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(SIGNED_AT.astimezone(dt.UTC))
    pdf.add_font("ipaexg", fname=str(IPAEX_GOTHIC))
    pdf.add_page()
    pdf.set_font("ipaexg", size=16)
    pdf.cell(text=TEXT)
    return bytes(pdf.output())


def asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def validate(signed: bytes, *trust: x509.Certificate, index: int = 0) -> Any:
    """pyHanko's verdict on the ``index``-th signature of ``signed``, trusting ``trust``
    (the local root if none) and nothing else, fetching no revocation data."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1(cert) for cert in (trust or (root().certificate,))]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(signed))
    return validate_pdf_signature(reader.embedded_signatures[index], context)


def embedded(signed: bytes, index: int = 0) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(signed)).embedded_signatures[index]


def time_stamper() -> Any:
    """pyHanko's dummy time-stamping unit at :data:`STAMPED_AT`, certified by the local root
    (its key is RSA: the dummy signs with RSA only)."""
    from asn1crypto import keys
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_certificate = root().issue(
        tsa_key.public_key(),
        "kentei local time-stamping unit",
        extended_usage=ExtendedKeyUsageOID.TIME_STAMPING,
        critical_extended_usage=True,
    )
    private = tsa_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return DummyTimeStamper(
        tsa_cert=asn1(tsa_certificate),
        tsa_key=keys.PrivateKeyInfo.load(private),
        fixed_dt=STAMPED_AT,
    )
