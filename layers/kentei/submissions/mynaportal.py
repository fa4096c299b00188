"""Intake of an application from the Mynaportal bridge (R1)."""

from __future__ import annotations

from kentei.applications.model import Channel
from kentei.submissions import encoding
from kentei.submissions.attachments import Located, match_signed_list, read_uploads
from kentei.submissions.cms import check_detached_signed_data
from kentei.submissions.document import parse_document
from kentei.submissions.limits import MAX_DOCUMENT_BYTES, MAX_SIGNATURE_BYTES
from kentei.submissions.parsed import ParsedSubmission, RawPart, attachment_parts
from kentei.submissions.requests import MynaportalRequest


def parse_mynaportal(request: MynaportalRequest) -> ParsedSubmission:
    """The submission in ``request``: the form read from the signed document only, the
    signature's shape checked, and the attachments exactly those the document lists."""
    document_bytes = encoding.decode(request.document, MAX_DOCUMENT_BYTES, "document")
    signature = encoding.decode(request.signature, MAX_SIGNATURE_BYTES, "signature")
    check_detached_signed_data(signature)
    document = parse_document(document_bytes, "document")
    files = read_uploads(request.attachments)
    match_signed_list(
        [
            Located(file, f"attachments.{i}.name", f"attachments.{i}.content")
            for i, file in enumerate(files)
        ],
        document.attachments,
        "document.attachments",
    )
    form = document.to_form()
    return ParsedSubmission(
        channel=Channel.MYNAPORTAL,
        form=form,
        prefecture_code=form.prefecture_code,
        attachments=files,
        raw_parts=(
            RawPart("document.json", "application/json", document_bytes),
            RawPart("signature.p7s", "application/pkcs7-signature", signature),
            *attachment_parts(files),
        ),
        mynaportal_pseudonym_id=request.mynaportal_pseudonym_id,
    )
