"""Attached files: by content (magic bytes), within 10 MB, with safe unique names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kentei.submissions import MAX_ATTACHMENT_BYTES, AttachmentUpload, SubmissionError
from kentei.submissions.attachments import read_uploads

from .builders import GIF, JPEG, PDF, PNG, b64, sha256, upload


def refusal(*uploads: AttachmentUpload) -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        read_uploads(list(uploads))
    return caught.value


@pytest.mark.parametrize(
    ("content", "declared", "sniffed"),
    [
        (PDF, "application/pdf", "application/pdf"),
        (JPEG, "image/jpeg", "image/jpeg"),
        (JPEG, "IMAGE/JPG", "image/jpeg"),
        (PNG, "image/png; name=scan.png", "image/png"),
    ],
)
def test_given_a_pdf_jpeg_or_png_then_typed_by_content_and_hashed(
    content: bytes, declared: str, sniffed: str
) -> None:
    (file,) = read_uploads([upload("証明書", content, declared)])

    assert (file.name, file.media_type, file.content) == ("証明書", sniffed, content)
    assert file.sha256 == sha256(content)
    assert file.size == len(content)
    assert "content" not in repr(file)


@pytest.mark.parametrize("content", [GIF, b"", b"MZ\x90\x00", b"PK\x03\x04", b"%PDF"])
def test_given_content_that_is_not_pdf_jpeg_or_png_then_415(content: bytes) -> None:
    exc = refusal(upload("a.pdf", content, "application/pdf"))

    assert (exc.kind, exc.slug) == ("unsupported_media_type", "unsupported-media-type")
    assert [e.field for e in exc.errors] == ["attachments.0.content"]


def test_given_a_declared_type_that_disagrees_with_the_content_then_415_mismatch() -> None:
    exc = refusal(upload("a.pdf", PDF), upload("b.pdf", PNG, "application/pdf"))

    assert (exc.kind, exc.slug) == ("unsupported_media_type", "media-type-mismatch")
    assert [e.field for e in exc.errors] == ["attachments.1.content"]
    assert "PNG" in exc.errors[0].problem


def test_given_a_declared_type_outside_the_three_then_415_even_for_good_content() -> None:
    exc = refusal(upload("a.pdf", PDF, "application/octet-stream"))

    assert (exc.kind, exc.slug) == ("unsupported_media_type", "unsupported-media-type")


def test_given_a_file_over_10_mb_then_413_naming_it() -> None:
    big = PDF + b"\0" * (MAX_ATTACHMENT_BYTES - len(PDF) + 1)

    exc = refusal(upload("ok.pdf", PDF), upload("big.pdf", big))

    assert (exc.kind, exc.slug) == ("too_large", "too-large")
    assert [e.field for e in exc.errors] == ["attachments.1.content"]


def test_given_exactly_10_mb_then_accepted() -> None:
    exact = PDF + b"\0" * (MAX_ATTACHMENT_BYTES - len(PDF))

    (file,) = read_uploads([upload("exact.pdf", exact)])

    assert file.size == MAX_ATTACHMENT_BYTES


@pytest.mark.parametrize("text", ["not base64!", "QQ", "QQ==QQ==", "QUJD\n", "ＱＵＪＤ"])
def test_given_content_that_is_not_base64_then_422_invalid_encoding(text: str) -> None:
    item = AttachmentUpload(name="a.pdf", media_type="application/pdf", content=text)

    exc = refusal(item)

    assert (exc.kind, exc.slug) == ("invalid", "invalid-encoding")
    assert [e.field for e in exc.errors] == ["attachments.0.content"]


def test_given_names_that_differ_only_in_case_then_422_duplicate() -> None:
    exc = refusal(upload("Scan.pdf", PDF), upload("scan.PDF", PDF))

    assert (exc.kind, exc.slug) == ("invalid", "invalid-attachment")
    assert [e.field for e in exc.errors] == ["attachments.1.name"]


@pytest.mark.parametrize(
    "name",
    [
        "",
        "../etc/passwd",
        "a/b.pdf",
        "a\\b.pdf",
        "C:evil.pdf",
        "..",
        ".",
        " a.pdf",
        "a.pdf.",
        "a\x00.pdf",
        "a\n.pdf",
        "invoice\u202efdp.exe",
        "a\u200b.pdf",
        "\ud800.pdf",
        "あ" * 86,
        "a" * 256,
    ],
)
def test_given_an_unsafe_name_then_the_request_model_refuses_it(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        AttachmentUpload(name=name, media_type="application/pdf", content=b64(PDF))

    assert [e["loc"] for e in caught.value.errors()] == [("name",)]


@pytest.mark.parametrize("name", ["実務経験証明書.pdf", "scan (1).jpeg", ".hidden.png", "あ" * 85])
def test_given_a_safe_name_then_accepted(name: str) -> None:
    assert AttachmentUpload(name=name, media_type="image/png", content=b64(PNG)).name == name
