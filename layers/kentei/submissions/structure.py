"""Whether a file is, as a whole, the PDF, JPEG or PNG its leading bytes claim.

Magic bytes say what a file claims to be; staff open what intake accepts, so it must parse
as that: a PDF through pypdf (not encrypted, a readable page tree with at least one page), an
image through Pillow (its header within :data:`MAX_PIXELS`, ``verify`` of its structure,
then a full decode, which catches truncated or corrupt image data). The answer is a short
problem text for the client, or ``None``; it never quotes the file.

pypdf and Pillow are imported inside the functions: they are needed only when a submission
carries attachments, not on every request (CONTRIBUTING, "Import-time discipline").
"""

from __future__ import annotations

import io
import logging
from typing import Final

MAX_PIXELS: Final = 50_000_000
"""The most pixels an attached image may have (an A4 page scanned at 600 dpi is 35 million):
a decompression bomb (a small file that decodes to gigabytes) is refused before decoding."""

_PNG_END: Final = b"IEND\xaeB`\x82"
"""The IEND chunk with its CRC: a PNG ends there (nothing may be appended after it)."""
_IMAGE_FORMATS: Final = {"image/jpeg": "JPEG", "image/png": "PNG"}


def problem(media_type: str, content: bytes) -> str | None:
    """What keeps ``content`` from being a valid file of ``media_type``, or ``None``."""
    if media_type == "application/pdf":
        return _pdf_problem(content)
    image_format = _IMAGE_FORMATS.get(media_type)
    if image_format is None:
        return "the type is not PDF, JPEG or PNG"
    return _image_problem(image_format, content)


def _pdf_problem(content: bytes) -> str | None:
    # Imported here: pypdf is needed only for submissions with a PDF attached.
    from pypdf import PdfReader

    # pypdf logs what it repairs, and its messages may quote the file's bytes.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return "it is encrypted; attach it without a password"
        if len(reader.pages) == 0:
            return "it has no pages"
        for page in reader.pages:
            _ = page.mediabox
    except Exception:
        # pypdf raises many kinds (PdfReadError, ValueError, KeyError, RecursionError...) on
        # broken input: each means the same to the client.
        return "it cannot be read as a PDF"
    return None


def _image_problem(image_format: str, content: bytes) -> str | None:
    # Imported here: Pillow is needed only for submissions with an image attached.
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content), formats=[image_format]) as image:
            if image.width * image.height > MAX_PIXELS:
                return f"it has more than {MAX_PIXELS} pixels"
            image.verify()
        with Image.open(io.BytesIO(content), formats=[image_format]) as image:
            image.load()
    except Image.DecompressionBombError:
        return f"it has more than {MAX_PIXELS} pixels"
    except Exception:
        # Pillow raises OSError, SyntaxError, ValueError, struct.error... on broken input.
        return f"it cannot be read as a {image_format}"
    if image_format == "PNG" and not content.endswith(_PNG_END):
        return "data follows the end of the image"
    return None
