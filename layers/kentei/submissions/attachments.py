"""Attached files: decoded within the size limit, typed by their content, hashed.

Only PDF, JPEG and PNG are accepted, recognised by their whole structure, never by a declared
type or a file name: the leading bytes (magic numbers) say which of the three a file claims
to be, and then it must parse as one (:mod:`kentei.submissions.structure`: pypdf for a PDF,
Pillow's ``verify`` and a full decode for an image, within a pixel limit). A file that claims
to be one of the three and is not (a header with garbage after it, a truncated image, an
encrypted or broken PDF) is refused as a file of an unsupported type (415).

A declared media type that is not one of the three, or that disagrees with the content, is
refused too (415): a client that calls a PNG ``application/pdf`` has mixed up its files, and
accepting it would store the wrong one under the right name. ``image/jpg`` is read as
``image/jpeg``; parameters (``; name=...``) and case are ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from kentei.submissions import encoding, structure
from kentei.submissions.errors import RefusalKind, SubmissionError, error, refuse
from kentei.submissions.limits import MAX_ATTACHMENT_BYTES
from kentei.submissions.names import duplicates

if TYPE_CHECKING:
    from kentei.submissions.document import AttachmentRef
    from kentei.submissions.requests import AttachmentUpload

PDF: Final = "application/pdf"
JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
SUPPORTED_MEDIA_TYPES: Final = (PDF, JPEG, PNG)
_MAGIC: Final = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_SYNONYMS: Final = {"image/jpg": JPEG}
_DESCRIPTION: Final = {PDF: "a PDF", JPEG: "a JPEG", PNG: "a PNG"}

UNSUPPORTED: Final = "unsupported-media-type"
MISMATCH: Final = "media-type-mismatch"
INVALID: Final = "invalid-attachment"
NOT_AS_SIGNED: Final = "attachment-mismatch"


@dataclass(frozen=True)
class AttachmentFile:
    """An attached file as received: its name, the media type of its content, its bytes."""

    name: str
    media_type: str
    content: bytes = field(repr=False)
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def sniff(content: bytes) -> str | None:
    """The media type the content's leading bytes show, if PDF, JPEG or PNG."""
    return next((kind for magic, kind in _MAGIC if content.startswith(magic)), None)


def declared(media_type: str) -> str:
    """A declared media type without parameters, in lower case, ``image/jpg`` as JPEG."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return _SYNONYMS.get(essence, essence)


def identify(
    name: str, content: bytes, location: str, media_type: str | None = None
) -> AttachmentFile:
    """The file, typed by its content; ``media_type`` is what the client declared, if any."""
    sniffed = sniff(content)
    if sniffed is None:
        raise error(
            RefusalKind.UNSUPPORTED_MEDIA_TYPE,
            UNSUPPORTED,
            "attachments must be PDF, JPEG or PNG files",
            location,
            "the content is not a PDF, JPEG or PNG file",
        )
    if media_type is not None:
        claimed = declared(media_type)
        if claimed not in SUPPORTED_MEDIA_TYPES:
            raise error(
                RefusalKind.UNSUPPORTED_MEDIA_TYPE,
                UNSUPPORTED,
                "attachments must be PDF, JPEG or PNG files",
                location,
                "the declared media type is not application/pdf, image/jpeg or image/png",
            )
        if claimed != sniffed:
            raise error(
                RefusalKind.UNSUPPORTED_MEDIA_TYPE,
                MISMATCH,
                "an attachment's declared media type does not match its content",
                location,
                f"the declared media type does not match the content, {_DESCRIPTION[sniffed]} file",
            )
    problem = structure.problem(sniffed, content)
    if problem is not None:
        raise error(
            RefusalKind.UNSUPPORTED_MEDIA_TYPE,
            UNSUPPORTED,
            "attachments must be PDF, JPEG or PNG files",
            location,
            f"the content is not a valid {_DESCRIPTION[sniffed].removeprefix('a ')} file: "
            + problem,
        )
    digest = hashlib.sha256(content).hexdigest()
    return AttachmentFile(name=name, media_type=sniffed, content=content, sha256=digest)


def read_uploads(
    uploads: Sequence[AttachmentUpload], location: str = "attachments"
) -> tuple[AttachmentFile, ...]:
    """The uploaded files: unique names, each decoded, within the size limit, and typed.

    Every file is checked before anything is refused, so one answer lists every file with
    the first kind of problem found.
    """
    repeated = [
        error(
            RefusalKind.INVALID,
            INVALID,
            "attachment names must be unique",
            f"{location}.{i}.name",
            "another attachment has the same name (names are compared ignoring case)",
        )
        for i in duplicates(upload.name for upload in uploads)
    ]
    refuse(repeated)
    contents: list[bytes] = []
    found: list[SubmissionError] = []
    for i, upload in enumerate(uploads):
        try:
            contents.append(
                encoding.decode(upload.content, MAX_ATTACHMENT_BYTES, f"{location}.{i}.content")
            )
        except SubmissionError as exc:
            found.append(exc)
    refuse(found)
    files: list[AttachmentFile] = []
    for i, (upload, content) in enumerate(zip(uploads, contents, strict=True)):
        try:
            files.append(
                identify(upload.name, content, f"{location}.{i}.content", upload.media_type)
            )
        except SubmissionError as exc:
            found.append(exc)
    refuse(found)
    return tuple(files)


@dataclass(frozen=True)
class Located:
    """A file and where a client finds it: its name's location and its content's."""

    file: AttachmentFile
    name_at: str
    content_at: str


def match_signed_list(
    files: Sequence[Located], refs: Sequence[AttachmentRef], refs_at: str
) -> None:
    """Refuse unless the files are exactly those the signed list names, with their digests.

    ``refs_at`` locates the signed list.
    """
    signed = {ref.name: ref.sha256 for ref in refs}
    received = {located.file.name for located in files}
    detail = "the attachments differ from those the signed document lists"
    found: list[SubmissionError] = []
    for located in files:
        file = located.file
        if file.name not in signed:
            found.append(
                error(
                    RefusalKind.INVALID,
                    NOT_AS_SIGNED,
                    detail,
                    located.name_at,
                    "is not named in the signed document",
                )
            )
        elif signed[file.name] != file.sha256:
            found.append(
                error(
                    RefusalKind.INVALID,
                    NOT_AS_SIGNED,
                    detail,
                    located.content_at,
                    "does not match the SHA-256 the signed document gives for this name",
                )
            )
    for i, ref in enumerate(refs):
        if ref.name not in received:
            found.append(
                error(
                    RefusalKind.INVALID,
                    NOT_AS_SIGNED,
                    detail,
                    f"{refs_at}.{i}",
                    "is named in the signed document but not attached",
                )
            )
    refuse(found)
