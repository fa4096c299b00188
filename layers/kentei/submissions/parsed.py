"""What intake makes of a submission: the form, its files, and the raw parts to keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from kentei.applications.model import ApplyingGroup, Channel, PaperEntry
from kentei.submissions.attachments import AttachmentFile
from kentei.submissions.form import ApplicationForm

ATTACHMENTS_FOLDER: Final = "attachments/"


@dataclass(frozen=True)
class RawPart:
    """A part of the raw submission, to keep in the inbox exactly as received.

    Mynaportal: ``document.json`` (the signed bytes), ``signature.p7s`` and
    ``attachments/<name>``; e-Gov: ``package.zip``; paper: ``form.json`` (the form as entered,
    English keys, values revealed) and ``attachments/<name>``.
    """

    name: str
    media_type: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class ParsedSubmission:
    """A submission that passed intake's checks, ready to store and queue for verify.

    ``form`` holds the My Number (``form.my_number.reveal()``) for verify: keep it out of the
    records table, logs and messages.
    """

    channel: Channel
    form: ApplicationForm = field(repr=False)
    prefecture_code: str
    attachments: tuple[AttachmentFile, ...]
    raw_parts: tuple[RawPart, ...] = field(repr=False)
    mynaportal_pseudonym_id: str | None = None
    paper: PaperEntry | None = None
    group: ApplyingGroup | None = None
    """The applying group of a group application (団体申込): paper only; the Mynaportal and
    e-Gov documents are individual applications."""


def attachment_parts(files: tuple[AttachmentFile, ...]) -> tuple[RawPart, ...]:
    """Each attached file as a raw part under ``attachments/``."""
    return tuple(RawPart(ATTACHMENTS_FOLDER + f.name, f.media_type, f.content) for f in files)
