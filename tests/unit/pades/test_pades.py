"""A certificate PDF signed by a key pyHanko never holds, judged by pyHanko's own validator:
intact, valid, trusted under the local test CA only, covering the whole file; any change
after signing is detected."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from tests.unit.cold_start import loaded_by
from tests.unit.pades.helpers import (
    FIELD,
    LOCATION,
    REASON,
    SIGNED_AT,
    STAMPED_AT,
    TEXT,
    MemoryKey,
    asn1,
    certified_key,
    embedded,
    small_pdf,
    time_stamper,
    validate,
)

from kentei.certificates.pades import (
    MAX_DER_SIGNATURE_BYTES,
    PadesSigningError,
    TimestampUnavailableError,
    sign_pdf,
)
from kentei_local.certificate_ca import DOCUMENT_SIGNING, CertificateCa, root

REPO = Path(__file__).resolve().parents[3]


def _sign(
    pdf: bytes, key: Any, certificate: Any, ca: CertificateCa | None = None, **options: Any
) -> bytes:
    options.setdefault("signed_at", SIGNED_AT)
    return sign_pdf(
        pdf,
        key,
        certificate,
        [(ca or root()).certificate],
        field_name=options.pop("field_name", FIELD),
        reason=REASON,
        location=LOCATION,
        **options,
    )


@pytest.fixture(scope="module")
def original() -> bytes:
    return small_pdf()


@pytest.fixture(scope="module")
def signed(original: bytes) -> bytes:
    key, certificate = certified_key()
    return _sign(original, key, certificate)


def test_the_signature_is_intact_valid_trusted_and_covers_the_entire_file(signed: bytes) -> None:
    from pyhanko.sign.validation import SignatureCoverageLevel

    status = validate(signed)
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    assert status.md_algorithm == "sha256"
    assert status.pkcs7_signature_mechanism == "sha256_ecdsa"
    assert status.validation_path.trust_anchor.authority.name == asn1(root().certificate).subject


def test_the_signature_is_an_incremental_update_of_the_pdf_given(
    original: bytes, signed: bytes
) -> None:
    from pypdf import PdfReader

    assert signed.startswith(original)
    assert TEXT in PdfReader(io.BytesIO(signed)).pages[0].extract_text()


def test_the_signature_is_pades_baseline_b(signed: bytes) -> None:
    signature = embedded(signed)
    assert signature.field_name == FIELD
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == REASON
    assert signature.sig_object["/Location"] == LOCATION
    assert signature.self_reported_timestamp == SIGNED_AT
    signed_attributes = {
        attribute["type"].native for attribute in signature.signer_info["signed_attrs"]
    }
    assert "signing_certificate_v2" in signed_attributes
    # PAdES keeps the time in /M, never in a CMS signing-time attribute.
    assert "signing_time" not in signed_attributes
    assert signature.signer_info["unsigned_attrs"].native is None
    embedded_certificates = [cert.chosen.dump() for cert in signature.signed_data["certificates"]]
    assert asn1(root().certificate).dump() in embedded_certificates


def test_the_key_signs_once_a_size_estimate_calls_it_not(original: bytes) -> None:
    key, certificate = certified_key()
    _sign(original, key, certificate)
    assert len(key.signed) == 1
    longest = max(
        len(key.private_key.sign(key.signed[0], ec.ECDSA(hashes.SHA256()))) for _ in range(200)
    )
    assert longest <= MAX_DER_SIGNATURE_BYTES


def test_a_byte_changed_in_the_signed_range_breaks_the_signature(signed: bytes) -> None:
    from pypdf import PdfReader

    position = signed.index(b"stream\n") + len(b"stream\n")
    tampered = bytearray(signed)
    tampered[position] ^= 0x01
    assert len(tampered) == len(signed)
    assert PdfReader(io.BytesIO(bytes(tampered))).pages  # still reads as a PDF
    status = validate(bytes(tampered))
    assert not status.intact
    assert not status.bottom_line


def test_a_page_changed_by_a_later_update_is_reported(signed: bytes) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.validation import SignatureCoverageLevel

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    content = generic.StreamObject(stream_data=b"BT /F1 12 Tf 10 10 Td (forged) Tj ET")
    page["/Contents"] = writer.add_object(content)
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)  # type: ignore[no-untyped-call]
    status = validate(output.getvalue())
    assert status.intact  # the signed revision itself is untouched
    assert status.coverage is SignatureCoverageLevel.ENTIRE_REVISION
    assert status.modification_level.name == "OTHER"
    assert not status.docmdp_ok


def test_a_certificate_from_another_ca_is_untrusted(original: bytes) -> None:
    stranger = CertificateCa.derive("stranger", "a CA nobody trusts")
    key, certificate = certified_key(stranger)
    signed = _sign(original, key, certificate, stranger)
    status = validate(signed)
    assert status.intact
    assert status.valid
    assert not status.trusted
    assert not status.bottom_line
    # The same PDF is trusted by whoever trusts that CA: only the anchor differs.
    assert validate(signed, stranger.certificate).bottom_line


def test_a_key_that_does_not_match_the_certificate_is_refused(original: bytes) -> None:
    _, certificate = certified_key()
    with pytest.raises(PadesSigningError, match="does not verify under the signing certificate"):
        _sign(original, MemoryKey(), certificate)


def test_a_certificate_of_another_curve_is_refused(original: bytes) -> None:
    other = ec.generate_private_key(ec.SECP384R1())
    certificate = root().issue(other.public_key(), "p384", extended_usage=DOCUMENT_SIGNING)
    with pytest.raises(PadesSigningError, match="EC P-256"):
        _sign(original, MemoryKey(), certificate)


def test_bytes_that_are_not_a_pdf_are_refused() -> None:
    key, certificate = certified_key()
    with pytest.raises(PadesSigningError, match="cannot be signed"):
        _sign(b"%PDF-1.7\nnot really", key, certificate)
    assert key.signed == []


def test_a_second_signature_keeps_the_first_valid_and_a_used_field_is_refused(
    signed: bytes,
) -> None:
    from pyhanko.sign.validation import SignatureCoverageLevel

    key, certificate = certified_key()
    with pytest.raises(PadesSigningError, match="cannot be signed"):
        _sign(signed, key, certificate)
    twice = _sign(signed, key, certificate, field_name="Countersignature")
    first, second = validate(twice, index=0), validate(twice, index=1)
    assert first.bottom_line
    assert first.coverage is SignatureCoverageLevel.ENTIRE_REVISION
    assert first.modification_level.name == "FORM_FILLING"
    assert second.bottom_line
    assert second.coverage is SignatureCoverageLevel.ENTIRE_FILE


@pytest.mark.parametrize("name", ["", "a.b"])
def test_a_field_name_must_be_a_plain_name(original: bytes, name: str) -> None:
    key, certificate = certified_key()
    with pytest.raises(PadesSigningError, match="field_name"):
        _sign(original, key, certificate, field_name=name)


def test_a_naive_signing_time_is_refused(original: bytes) -> None:
    key, certificate = certified_key()
    with pytest.raises(PadesSigningError, match="timezone-aware"):
        _sign(original, key, certificate, signed_at=dt.datetime(2026, 12, 1, 10, 0))


def test_with_a_time_stamper_the_signature_is_baseline_t(original: bytes) -> None:
    key, certificate = certified_key()
    signed = _sign(original, key, certificate, timestamp_source=time_stamper())
    status = validate(signed)
    assert status.bottom_line
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.trusted
    assert status.timestamp_validity.timestamp == STAMPED_AT
    unsigned = {a["type"].native for a in embedded(signed).signer_info["unsigned_attrs"]}
    assert unsigned == {"signature_time_stamp_token"}


def test_importing_the_signing_modules_imports_neither_pyhanko_nor_crypto() -> None:
    imports = [
        "kentei.certificates.pades",
        "kentei.certificates.pades_chain",
        "kentei.data.signing_chains",
    ]
    heavy = ("pyhanko", "pyhanko_certvalidator", "cryptography", "asn1crypto", "aiohttp")
    assert loaded_by(imports, heavy) == []


def test_a_time_stamping_authority_that_does_not_answer_is_a_timestamp_error(
    original: bytes,
) -> None:
    import socket

    from pyhanko.sign.timestamps import HTTPTimeStamper

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    key, certificate = certified_key()
    with pytest.raises(TimestampUnavailableError):
        _sign(
            original,
            key,
            certificate,
            timestamp_source=HTTPTimeStamper(f"http://127.0.0.1:{port}/tsa", timeout=5),
        )


def test_signing_works_after_asn1crypto_named_cms_attributes_before_pyhanko_was_imported() -> None:
    # As in the local runtime, where verify reads CMS signatures before certify signs a PDF:
    # asn1crypto builds its name-to-OID maps on first use, without pyHanko's names.
    script = (
        "from asn1crypto import cms, x509\n"
        "cms.CMSAttributeType('signing_time')\n"
        "cms.ContentType('data')\n"
        "x509.ExtensionId('key_usage')\n"
        "from tests.unit.pades.helpers import *\n"
        "from kentei.certificates.pades import sign_pdf\n"
        "from kentei_local.certificate_ca import root\n"
        "key, certificate = certified_key()\n"
        "signed = sign_pdf(small_pdf(), key, certificate, [root().certificate],\n"
        "    field_name=FIELD, reason=REASON, location=LOCATION, signed_at=SIGNED_AT,\n"
        "    timestamp_source=time_stamper())\n"
        "print(validate(signed).bottom_line)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"
