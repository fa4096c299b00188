"""Attachments by their whole structure: a file is a PDF, JPEG or PNG only if it parses as one.

Real files are made here with Pillow and pypdf; what only looks like one (its magic bytes and
garbage, a truncated image, an encrypted PDF, a decompression bomb) is refused as today's
unsupported type (415), naming the file."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfWriter

from kentei.submissions import SubmissionError
from kentei.submissions.attachments import identify, read_uploads
from kentei.submissions.errors import RefusalKind
from kentei.submissions.structure import MAX_PIXELS, problem

from .builders import upload

MAGIC: Final = {
    "application/pdf": b"%PDF-1.7\n",
    "image/jpeg": b"\xff\xd8\xff\xe0",
    "image/png": b"\x89PNG\r\n\x1a\n",
}


def pdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(kind: str, mode: str = "RGB", size: tuple[int, int] = (16, 12)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "P" else 3).save(out, format=kind)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` and whose data is one tiny row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        MAGIC["image/png"]
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def refused(content: bytes, declared: str | None = None) -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        identify("file", content, "attachments.0.content", declared)
    exc = caught.value
    assert (exc.kind, exc.slug) == (RefusalKind.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type")
    assert [e.field for e in exc.errors] == ["attachments.0.content"]
    return exc


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (pdf(), "application/pdf"),
        (pdf(pages=3), "application/pdf"),
        (image("PDF"), "application/pdf"),
        (image("PNG"), "image/png"),
        (image("PNG", "RGBA"), "image/png"),
        (image("PNG", "P"), "image/png"),
        (image("PNG", "L", (1, 1)), "image/png"),
        (image("JPEG"), "image/jpeg"),
        (image("JPEG", "L", (640, 480)), "image/jpeg"),
        (image("JPEG", "CMYK"), "image/jpeg"),
    ],
    # Named, not shown: Pillow's PDF carries the second it was made, and xdist's workers must
    # collect the same ids.
    ids=[
        "pypdf",
        "pypdf-3-pages",
        "pillow-pdf",
        "png-rgb",
        "png-rgba",
        "png-palette",
        "png-grey-1x1",
        "jpeg-rgb",
        "jpeg-grey-640x480",
        "jpeg-cmyk",
    ],
)
def test_real_files_made_by_pillow_and_pypdf_are_accepted(content: bytes, media_type: str) -> None:
    assert problem(media_type, content) is None
    assert identify("f", content, "at", media_type).media_type == media_type


@settings(max_examples=60)
@given(media_type=st.sampled_from(sorted(MAGIC)), garbage=st.binary(max_size=400))
def test_a_valid_header_with_garbage_after_it_is_refused(media_type: str, garbage: bytes) -> None:
    exc = refused(MAGIC[media_type] + garbage)
    assert "is not a valid" in exc.errors[0].problem


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_a_truncated_image_is_refused(kind: str, keep: float) -> None:
    whole = image(kind, "RGB", (64, 64))
    refused(whole[: int(len(whole) * keep)])


def test_a_png_with_data_after_its_end_is_refused() -> None:
    exc = refused(image("PNG") + b"PK\x03\x04 a zip after the image")
    assert "follows the end" in exc.errors[0].problem


def test_a_corrupt_png_chunk_is_refused() -> None:
    whole = bytearray(image("PNG", "RGB", (32, 32)))
    whole[-20] ^= 0xFF  # inside IDAT: its CRC no longer matches
    refused(bytes(whole))


def test_an_encrypted_pdf_is_refused() -> None:
    exc = refused(pdf(password="secret"))
    assert "encrypted" in exc.errors[0].problem


def test_a_pdf_without_pages_is_refused() -> None:
    refused(pdf(pages=0))


def test_a_truncated_pdf_is_refused() -> None:
    whole = pdf()
    refused(whole[: len(whole) // 2])


@pytest.mark.parametrize(("width", "height"), [(8_000, 8_000), (20_000, 20_000)])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(width: int, height: int) -> None:
    assert width * height > MAX_PIXELS
    exc = refused(png_header(width, height))
    assert f"more than {MAX_PIXELS} pixels" in exc.errors[0].problem


def test_every_file_is_checked_and_refused_in_one_answer() -> None:
    with pytest.raises(SubmissionError) as caught:
        read_uploads(
            [
                upload("ok.pdf", pdf()),
                upload("bad.png", MAGIC["image/png"] + b"junk", "image/png"),
                upload("bad.pdf", MAGIC["application/pdf"] + b"junk"),
            ]
        )
    assert [e.field for e in caught.value.errors] == [
        "attachments.1.content",
        "attachments.2.content",
    ]


def test_the_parsers_are_not_imported_at_cold_start() -> None:
    import subprocess
    import sys

    code = (
        "import sys, intake.handler, kentei.submissions; "
        "sys.exit(any(m in sys.modules for m in ('PIL', 'pypdf')))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
