"""A person's signed change request (訂正・変更の申出, R9) from the Mynaportal bridge: pure, no I/O.

The bridge sends ``POST /v1/change-requests`` (:class:`ChangeRequestBody`): a change document
(:class:`ChangeDocument`: the person's マイナポータル仮名ID, their My Number, the prefecture
whose roster holds them, the items to change) exactly as signed, and a detached CMS signature
over it with the person's JPKI signature certificate. Intake reads it
(:func:`parse_change_request`) and keeps a :class:`ChangeRequest` record (ids and status,
never the My Number or the items); verify checks the signature and the person and turns it
into a change proposal for staff review (:mod:`kentei.roster.changes`).
"""

from __future__ import annotations

from kentei.change_requests.document import (
    DOCUMENT_PART,
    SIGNATURE_PART,
    ChangeDocument,
    ChangeRequestBody,
    ParsedChangeRequest,
    change_document_schema,
    parse_change_document,
    parse_change_request,
)
from kentei.change_requests.record import (
    REQUEST_ID_PATTERN,
    ChangeRequest,
    ChangeRequestReason,
    ChangeRequestStatus,
    prefecture_of_request,
    request_id_for,
)

__all__ = [
    "DOCUMENT_PART",
    "REQUEST_ID_PATTERN",
    "SIGNATURE_PART",
    "ChangeDocument",
    "ChangeRequest",
    "ChangeRequestBody",
    "ChangeRequestReason",
    "ChangeRequestStatus",
    "ParsedChangeRequest",
    "change_document_schema",
    "parse_change_document",
    "parse_change_request",
    "prefecture_of_request",
    "request_id_for",
]
