"""Intake of an application from the e-Gov bridge (R2), routed by the form's prefecture."""

from __future__ import annotations

from kentei.applications.model import Channel
from kentei.submissions import encoding
from kentei.submissions.attachments import Located, identify, match_signed_list
from kentei.submissions.document import parse_document
from kentei.submissions.egov_package import DOCUMENT, LOCATION, MANIFEST, read_package, require
from kentei.submissions.errors import SubmissionError, refuse
from kentei.submissions.kousei import check_manifest
from kentei.submissions.limits import MAX_PACKAGE_BYTES
from kentei.submissions.parsed import ParsedSubmission, RawPart
from kentei.submissions.requests import EgovRequest

_DOCUMENT_AT = f"{LOCATION}:{DOCUMENT}"


def parse_egov(request: EgovRequest) -> ParsedSubmission:
    """The submission in the package: read safely, kousei.xml's signature covering every file
    (digests checked, the signature itself left to verify), the form read from
    application.json, and the other files exactly those the document lists."""
    package = encoding.decode(request.package, MAX_PACKAGE_BYTES, LOCATION)
    entries = read_package(package)
    require(entries, MANIFEST)
    application = require(entries, DOCUMENT)
    check_manifest(entries)
    document = parse_document(application.content, _DOCUMENT_AT)
    located: list[Located] = []
    found: list[SubmissionError] = []
    for name, entry in entries.items():
        if name in (MANIFEST, DOCUMENT):
            continue
        try:
            file = identify(name, entry.content, entry.location)
        except SubmissionError as exc:
            found.append(exc)
        else:
            located.append(Located(file, entry.location, entry.location))
    refuse(found)
    match_signed_list(located, document.attachments, f"{_DOCUMENT_AT}.attachments")
    form = document.to_form()
    return ParsedSubmission(
        channel=Channel.EGOV,
        form=form,
        prefecture_code=form.prefecture_code,
        attachments=tuple(item.file for item in located),
        raw_parts=(RawPart("package.zip", "application/zip", package),),
    )
