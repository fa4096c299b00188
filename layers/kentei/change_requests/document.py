"""The change document and the request that carries it (``POST /v1/change-requests``).

The document is UTF-8 JSON, read strictly like the application document (no duplicate key,
no ``NaN``, no byte order mark: the signature covers the bytes, and every reader must see the
same request in them): the person's マイナポータル仮名ID, their My Number (as in an
application document), the prefecture whose roster holds them (都道府県コード, as an
application names it: the request is that prefecture's to review), and the items to change
(:class:`kentei.roster.changes.RequestedItems`). Nothing else.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kentei.records.fields import PrefectureCode, PseudonymousId
from kentei.records.sensitive import MyNumberField
from kentei.roster.changes import RequestedItems
from kentei.submissions import encoding
from kentei.submissions.cms import check_detached_signed_data
from kentei.submissions.document import load_json_object
from kentei.submissions.errors import RefusalKind, SubmissionError, error
from kentei.submissions.examples import SAMPLE_MY_NUMBER
from kentei.submissions.limits import MAX_SIGNATURE_BYTES, base64_length
from kentei.submissions.locations import validation_field_errors
from kentei.submissions.parsed import RawPart

INVALID: Final = "invalid-change-document"
DOCUMENT_PART: Final = "document.json"
SIGNATURE_PART: Final = "signature.p7s"
MAX_CHANGE_DOCUMENT_BYTES: Final = 64 * 1024
"""The signed change document: twelve items at most, a few kilobytes; the margin is for long
texts in every item."""
SCHEMA_ID: Final = "urn:kentei:schema:change-document"
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_CONFIG: Final = ConfigDict(
    defer_build=True, extra="forbid", frozen=True, hide_input_in_errors=True
)


def _base64(limit: int, media_type: str) -> dict[str, Any]:
    return {
        "maxLength": base64_length(limit),
        "pattern": encoding.PATTERN,
        "contentEncoding": "base64",
        "contentMediaType": media_type,
    }


class ChangeDocument(BaseModel):
    """A person's change request as they sign it (訂正・変更の申出書)."""

    model_config = _CONFIG

    mynaportal_pseudonym_id: PseudonymousId = Field(
        description="The person's マイナポータル仮名ID: 8-128 characters A-Z, a-z, 0-9, - and _.",
        repr=False,
    )
    my_number: MyNumberField = Field(
        description="The person's My Number (個人番号), twelve digits, as in an application "
        "document: verify finds the person by it and deletes it with the signed document.",
        repr=False,
    )
    prefecture_code: PrefectureCode = Field(
        description="The prefecture (都道府県コード) whose roster holds the person: the "
        "request is that prefecture's to review."
    )
    items: RequestedItems = Field(
        description="The items to change and their new values (null clears an optional one); "
        "items left out stay as they are. Never the My Number, the birth date or the sex.",
        repr=False,
    )


class ChangeRequestBody(BaseModel):
    """A change request from the Mynaportal bridge: the document exactly as the person signed
    it with the JPKI signature certificate, and the detached signature."""

    model_config = _CONFIG

    channel: Literal["mynaportal"] = Field(description="The Mynaportal bridge.")
    mynaportal_pseudonym_id: PseudonymousId | None = Field(
        None,
        description="The person's マイナポータル仮名ID as the bridge knows the account; when "
        "given, it must be the document's.",
    )
    document: str = Field(
        description=(
            "The change document exactly as signed, in base64: UTF-8 JSON per "
            "/v1/schemas/change-document.json. "
            f"At most {MAX_CHANGE_DOCUMENT_BYTES} bytes decoded."
        ),
        json_schema_extra=_base64(MAX_CHANGE_DOCUMENT_BYTES, "application/json"),
    )
    signature: str = Field(
        description=(
            "Detached CMS SignedData (RFC 5652, DER) over the document's bytes, with the "
            f"signer's certificate, in base64; at most {MAX_SIGNATURE_BYTES} bytes decoded."
        ),
        json_schema_extra=_base64(MAX_SIGNATURE_BYTES, "application/pkcs7-signature"),
    )


@dataclass(frozen=True)
class ParsedChangeRequest:
    """A change request that passed intake's checks. ``document`` holds the My Number and the
    items: keep them out of the records table, logs and messages."""

    document: ChangeDocument = field(repr=False)
    raw_parts: tuple[RawPart, ...] = field(repr=False)

    @property
    def prefecture_code(self) -> str:
        return self.document.prefecture_code


def parse_change_document(data: bytes, location: str) -> ChangeDocument:
    """The change document in ``data``; errors are located under ``location``."""
    value = load_json_object(data, location, INVALID)
    try:
        return ChangeDocument.model_validate(value)
    except ValidationError as exc:
        errors = validation_field_errors(exc, location)
    raise SubmissionError(RefusalKind.INVALID, INVALID, "the change document is not valid", errors)


def parse_change_request(body: ChangeRequestBody) -> ParsedChangeRequest:
    """The request in ``body``: the document read, the signature's shape checked (never
    verified: verify does), the envelope's pseudonym the document's."""
    document_bytes, signature = signed_parts(body, MAX_CHANGE_DOCUMENT_BYTES)
    document = parse_change_document(document_bytes, "document")
    same_account(body, document.mynaportal_pseudonym_id, INVALID)
    return ParsedChangeRequest(document=document, raw_parts=raw_parts(document_bytes, signature))


def signed_parts(body: ChangeRequestBody, max_document_bytes: int) -> tuple[bytes, bytes]:
    """A signed request's document and detached signature, decoded within their limits, the
    signature's shape checked (never verified: verify does)."""
    document_bytes = encoding.decode(body.document, max_document_bytes, "document")
    signature = encoding.decode(body.signature, MAX_SIGNATURE_BYTES, "signature")
    check_detached_signed_data(signature)
    return document_bytes, signature


def same_account(body: ChangeRequestBody, signed_pseudonym_id: str, slug: str) -> None:
    """The envelope's Mynaportal pseudonym, when given, must be the signed document's."""
    given = body.mynaportal_pseudonym_id
    if given is not None and given != signed_pseudonym_id:
        raise error(
            RefusalKind.INVALID,
            slug,
            "the request names another Mynaportal account than its signed document",
            "mynaportal_pseudonym_id",
            "must be the document's mynaportal_pseudonym_id",
        )


def raw_parts(document_bytes: bytes, signature: bytes) -> tuple[RawPart, ...]:
    """What the inbox keeps of a signed request until verify has read it."""
    return (
        RawPart(DOCUMENT_PART, "application/json", document_bytes),
        RawPart(SIGNATURE_PART, "application/pkcs7-signature", signature),
    )


EXAMPLE_DOCUMENT: Final = {
    "mynaportal_pseudonym_id": "mp-pseudonym-0001",
    "my_number": SAMPLE_MY_NUMBER,
    "prefecture_code": "13",
    "items": {"address": "東京都新宿区西新宿二丁目8番1号", "phone": None},
}


def change_document_schema() -> dict[str, Any]:
    """The schema (draft 2020-12), served at ``/v1/schemas/change-document.json``."""
    return copy.deepcopy(_schema())


@functools.cache
def _schema() -> dict[str, Any]:
    generated = ChangeDocument.model_json_schema(mode="validation")
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        **generated,
        "title": "Change document (訂正・変更の申出書)",
        "description": (
            "A person's request to change their own items on a prefecture's roster, as they "
            "sign it with the JPKI signature certificate: their マイナポータル仮名ID, their My "
            "Number, the prefecture, the items. UTF-8 JSON; unknown keys, duplicate keys and a "
            "byte order mark are refused."
        ),
        "examples": [copy.deepcopy(EXAMPLE_DOCUMENT)],
    }
