"""Mynaportal: the form from the signed document only, a detached CMS signature, the files it
lists."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from kentei.applications.model import Channel
from kentei.submissions import (
    ApplicationRequest,
    MynaportalRequest,
    SubmissionError,
    parse_mynaportal,
)

from .builders import (
    FORM,
    JPEG,
    PDF,
    PSEUDONYM,
    Signer,
    b64,
    document,
    mynaportal,
    upload,
)

FILES = {"実務経験証明書.pdf": PDF, "顔写真.jpg": JPEG}


def uploads(files: dict[str, bytes] = FILES) -> list:  # type: ignore[type-arg]
    types = {"pdf": "application/pdf", "jpg": "image/jpeg"}
    return [upload(name, content, types[name[-3:]]) for name, content in files.items()]


def refusal(request: MynaportalRequest) -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        parse_mynaportal(request)
    return caught.value


def test_given_a_signed_document_and_its_files_then_parsed_with_raw_parts(signer: Signer) -> None:
    doc = document(files=FILES)
    signature = signer.sign(doc)

    parsed = parse_mynaportal(mynaportal(signer, doc, uploads(), signature))

    assert parsed.channel is Channel.MYNAPORTAL
    assert parsed.prefecture_code == FORM["prefecture_code"]
    assert parsed.form.name == FORM["name"]
    assert parsed.form.my_number is not None
    assert parsed.form.my_number.reveal() == FORM["my_number"]
    assert parsed.mynaportal_pseudonym_id == PSEUDONYM
    assert parsed.paper is None
    assert [(f.name, f.media_type) for f in parsed.attachments] == [
        ("実務経験証明書.pdf", "application/pdf"),
        ("顔写真.jpg", "image/jpeg"),
    ]
    assert [(p.name, p.media_type, p.content) for p in parsed.raw_parts] == [
        ("document.json", "application/json", doc),
        ("signature.p7s", "application/pkcs7-signature", signature),
        ("attachments/実務経験証明書.pdf", "application/pdf", PDF),
        ("attachments/顔写真.jpg", "image/jpeg", JPEG),
    ]
    assert FORM["my_number"] not in repr(parsed)


@pytest.mark.tools("openssl")
def test_given_a_signature_made_with_openssl_cms_sign_then_accepted(
    signer: Signer, tmp_path: Path
) -> None:
    doc = document()
    (tmp_path / "key.pem").write_bytes(signer.key_pem())
    (tmp_path / "cert.pem").write_bytes(signer.certificate_pem())
    (tmp_path / "document.json").write_bytes(doc)
    subprocess.run(
        [
            *("openssl", "cms", "-sign", "-binary", "-outform", "DER", "-nosmimecap"),
            *("-in", "document.json", "-signer", "cert.pem", "-inkey", "key.pem"),
            *("-out", "signature.der"),
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    parsed = parse_mynaportal(
        mynaportal(signer, doc, signature=(tmp_path / "signature.der").read_bytes())
    )

    assert parsed.form.name == FORM["name"]


@pytest.mark.parametrize(
    ("signature", "problem"),
    [
        (b"", "not a DER-encoded CMS"),
        (b"garbage" * 10, "not a DER-encoded CMS"),
        (b"\x30\x03\x06\x01\x00", "not SignedData"),
    ],
)
def test_given_a_signature_that_is_not_cms_then_422_naming_signature(
    signer: Signer, signature: bytes, problem: str
) -> None:
    exc = refusal(mynaportal(signer, document(), signature=signature))

    assert (exc.kind, exc.slug) == ("invalid", "invalid-signature")
    assert [e.field for e in exc.errors] == ["signature"]
    assert problem in exc.errors[0].problem


def test_given_an_attached_signature_then_refused_as_not_detached(signer: Signer) -> None:
    doc = document()

    exc = refusal(mynaportal(signer, doc, signature=signer.sign(doc, detached=False)))

    assert exc.slug == "invalid-signature"
    assert "detached" in exc.errors[0].problem


def test_given_a_signature_without_certificate_then_refused(signer: Signer) -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    doc = document()
    options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.NoCerts]
    bare = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(doc)
        .add_signer(signer.certificate, signer.key, hashes.SHA256())
        .sign(serialization.Encoding.DER, options)
    )

    exc = refusal(mynaportal(signer, doc, signature=bare))

    assert "certificate" in exc.errors[0].problem


def test_given_signed_data_with_trailing_bytes_then_refused(signer: Signer) -> None:
    doc = document()

    exc = refusal(mynaportal(signer, doc, signature=signer.sign(doc) + b"\0"))

    assert exc.slug == "invalid-signature"


def test_given_a_file_that_differs_from_its_signed_digest_then_attachment_mismatch(
    signer: Signer,
) -> None:
    doc = document(files=FILES)
    swapped = uploads({"実務経験証明書.pdf": PDF + b"tampered", "顔写真.jpg": JPEG})

    exc = refusal(mynaportal(signer, doc, swapped))

    assert (exc.kind, exc.slug) == ("invalid", "attachment-mismatch")
    assert [e.field for e in exc.errors] == ["attachments.0.content"]


def test_given_a_listed_file_missing_and_an_unlisted_one_sent_then_both_named(
    signer: Signer,
) -> None:
    doc = document(files=FILES)
    sent = uploads({"顔写真.jpg": JPEG, "extra.pdf": PDF})

    exc = refusal(mynaportal(signer, doc, sent))

    assert exc.slug == "attachment-mismatch"
    assert [e.field for e in exc.errors] == ["attachments.1.name", "document.attachments.0"]


def test_given_no_files_and_an_empty_list_then_accepted(signer: Signer) -> None:
    assert parse_mynaportal(mynaportal(signer, document())).attachments == ()


def test_given_a_form_error_in_the_document_then_invalid_document_under_document(
    signer: Signer,
) -> None:
    doc = document({**FORM, "birth_date": "not a date"})

    exc = refusal(mynaportal(signer, doc))

    assert (exc.slug, [e.field for e in exc.errors]) == (
        "invalid-document",
        ["document.birth_date"],
    )


def test_given_an_oversized_document_or_signature_then_413(signer: Signer) -> None:
    request = mynaportal(signer, document())
    huge = b64(b"{" + b" " * 300_000 + b"}")

    for field in ("document", "signature"):
        exc = refusal(request.model_copy(update={field: huge}))

        assert (exc.kind, exc.slug, exc.errors[0].field) == ("too_large", "too-large", field)


@pytest.mark.parametrize(
    "change",
    [
        {"extra": 1},
        {"mynaportal_pseudonym_id": "short"},
        {"mynaportal_pseudonym_id": "has space in it"},
        {"channel": "egov"},
    ],
)
def test_given_an_envelope_that_breaks_the_interface_then_the_model_refuses_it(
    signer: Signer, change: dict[str, object]
) -> None:
    body = mynaportal(signer, document()).model_dump() | change

    with pytest.raises(ValidationError) as caught:
        MynaportalRequest.model_validate(body)

    assert "123456789018" not in str(caught.value)


def test_given_bodies_of_each_channel_then_the_discriminator_picks_the_model(
    signer: Signer,
) -> None:
    adapter: TypeAdapter[object] = TypeAdapter(ApplicationRequest)
    body = mynaportal(signer, document()).model_dump()

    assert isinstance(adapter.validate_python(body), MynaportalRequest)
    with pytest.raises(ValidationError):
        adapter.validate_python({**body, "channel": "fax"})
