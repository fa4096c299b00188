"""Size and count limits of a submission, and the base64 length that carries a byte limit.

The API layer checks the raw request body against :data:`MAX_REQUEST_BYTES`; everything
else is checked here, on the decoded bytes, so a limit is a ``413`` whatever field it hits.
"""

from __future__ import annotations

from typing import Final

MAX_REQUEST_BYTES: Final = 30 * 1024 * 1024
"""The whole request body (JSON, base64 included)."""

MAX_ATTACHMENT_BYTES: Final = 10 * 1024 * 1024
"""One attached file, decoded."""

MAX_ATTACHMENTS: Final = 20
"""Attached files per application."""

MAX_DOCUMENT_BYTES: Final = 256 * 1024
"""The signed application document (UTF-8 JSON): the form items and the attachment list
need a few kilobytes; the margin is for long texts in every item."""

MAX_SIGNATURE_BYTES: Final = 256 * 1024
"""The detached CMS signature: the signer's certificate and its chain fit many times over."""

MAX_PACKAGE_BYTES: Final = MAX_REQUEST_BYTES * 3 // 4
"""The e-Gov package (zip) as sent: the most whose base64 still fits in a request."""

MAX_PACKAGE_ENTRIES: Final = MAX_ATTACHMENTS + 2
"""Files in an e-Gov package: kousei.xml, application.json and the attachments."""

MAX_MANIFEST_BYTES: Final = 1024 * 1024
"""kousei.xml (構成管理情報), uncompressed."""

MAX_PACKAGE_CONTENT_BYTES: Final = MAX_REQUEST_BYTES
"""All files of an e-Gov package together, uncompressed."""

MAX_COMPRESSION_RATIO: Final = 100
"""How many times larger than its compressed form a package entry may be, once it is larger
than :data:`COMPRESSION_RATIO_FLOOR`: PDF, JPEG and PNG are compressed already, so a file that
shrinks a hundredfold is padding (a zip bomb), not an attachment."""

COMPRESSION_RATIO_FLOOR: Final = 1024 * 1024
"""Entries up to this size are exempt from the ratio: small text files compress well."""


def base64_length(byte_limit: int) -> int:
    """The length of the padded base64 text (RFC 4648) of ``byte_limit`` bytes."""
    return 4 * -(-byte_limit // 3)
