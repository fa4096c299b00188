"""What the bridges and staff submit, parsed and validated: pure logic, no AWS calls.

``POST /v1/applications`` takes one of three bodies (:data:`ApplicationRequest`): Mynaportal
(a signed document, its detached CMS signature, attachments), e-Gov (a zip package with a
signed kousei.xml) or paper (a form keyed in by staff). Each ``parse_*`` function returns a
:class:`ParsedSubmission` or raises :class:`SubmissionError` with the kind of refusal, a stable slug
and field errors that never quote a submitted value.
"""

from __future__ import annotations

from kentei.submissions.attachments import AttachmentFile
from kentei.submissions.document import ApplicationDocument, AttachmentRef
from kentei.submissions.egov import parse_egov
from kentei.submissions.errors import RefusalKind, SubmissionError
from kentei.submissions.examples import EXAMPLE_DOCUMENTS, SAMPLE_MY_NUMBER
from kentei.submissions.form import ApplicationForm
from kentei.submissions.limits import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_DOCUMENT_BYTES,
    MAX_PACKAGE_BYTES,
    MAX_REQUEST_BYTES,
    MAX_SIGNATURE_BYTES,
)
from kentei.submissions.locations import field_errors
from kentei.submissions.mynaportal import parse_mynaportal
from kentei.submissions.paper import parse_paper
from kentei.submissions.parsed import ParsedSubmission, RawPart
from kentei.submissions.requests import (
    ApplicationRequest,
    AttachmentUpload,
    EgovRequest,
    MynaportalRequest,
    PaperRequest,
)
from kentei.submissions.schema import application_document_schema

__all__ = [
    "EXAMPLE_DOCUMENTS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_DOCUMENT_BYTES",
    "MAX_PACKAGE_BYTES",
    "MAX_REQUEST_BYTES",
    "MAX_SIGNATURE_BYTES",
    "SAMPLE_MY_NUMBER",
    "ApplicationDocument",
    "ApplicationForm",
    "ApplicationRequest",
    "AttachmentFile",
    "AttachmentRef",
    "AttachmentUpload",
    "EgovRequest",
    "MynaportalRequest",
    "PaperRequest",
    "ParsedSubmission",
    "RawPart",
    "RefusalKind",
    "SubmissionError",
    "application_document_schema",
    "field_errors",
    "parse_egov",
    "parse_mynaportal",
    "parse_paper",
]
