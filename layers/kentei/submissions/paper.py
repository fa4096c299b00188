"""Intake of a paper application keyed in by association staff (R3)."""

from __future__ import annotations

from typing import Final

from kentei.applications.model import Channel, PaperEntry
from kentei.callers import Caller, CallerKind
from kentei.records.sensitive import REVEAL
from kentei.submissions.attachments import read_uploads
from kentei.submissions.errors import RefusalKind, error
from kentei.submissions.parsed import ParsedSubmission, RawPart, attachment_parts
from kentei.submissions.requests import PaperRequest

WRONG_PREFECTURE: Final = "wrong-prefecture"
STAFF_ONLY: Final = "staff-only"


def parse_paper(request: PaperRequest, staff: Caller) -> ParsedSubmission:
    """The submission keyed in by ``staff``, who may enter forms of their own prefecture only."""
    if staff.kind is not CallerKind.STAFF or staff.prefecture_code is None:
        raise error(
            RefusalKind.FORBIDDEN,
            STAFF_ONLY,
            "only association staff may key in paper applications",
            "channel",
            "is for association staff only",
        )
    form = request.form
    if form.prefecture_code != staff.prefecture_code:
        raise error(
            RefusalKind.FORBIDDEN,
            WRONG_PREFECTURE,
            "staff may key in applications of their own prefecture only",
            "form.prefecture_code",
            "must be the prefecture of the staff member who keys in the form",
        )
    files = read_uploads(request.attachments)
    entered = form.model_dump_json(exclude_unset=True, context={REVEAL: True}).encode()
    return ParsedSubmission(
        channel=Channel.PAPER,
        form=form,
        prefecture_code=form.prefecture_code,
        attachments=files,
        raw_parts=(RawPart("form.json", "application/json", entered), *attachment_parts(files)),
        paper=PaperEntry(entered_by=staff.id, identity_confirmation=request.identity_confirmation),
        group=request.group,
    )
