"""The initial-registration document and the request that carries it
(``POST /v1/initial-registrations``): read strictly like the change document (no duplicate
key, no ``NaN``, no byte order mark: the signature covers the bytes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kentei.change_requests.document import (
    ChangeRequestBody,
    raw_parts,
    same_account,
    signed_parts,
)
from kentei.records.fields import PrefectureCode, PseudonymousId
from kentei.records.sensitive import MyNumberField
from kentei.results.historical.model import CertificateNumberOpt, PasserNumber
from kentei.submissions.document import load_json_object
from kentei.submissions.errors import RefusalKind, SubmissionError
from kentei.submissions.locations import validation_field_errors
from kentei.submissions.parsed import RawPart

INVALID: Final = "invalid-initial-registration"
MAX_DOCUMENT_BYTES: Final = 8 * 1024
"""Five short items: a few hundred bytes; the margin is generous."""


class InitialRegistrationDocument(BaseModel):
    """A person's initial registration as they sign it (初期登録申請書)."""

    model_config = ConfigDict(
        defer_build=True,
        extra="forbid",
        frozen=True,
        hide_input_in_errors=True,
        populate_by_name=True,
    )

    mynaportal_pseudonym_id: PseudonymousId = Field(
        description="The person's マイナポータル仮名ID.", repr=False
    )
    my_number: MyNumberField = Field(
        description="The person's My Number (個人番号), twelve digits: verify enrols the "
        "person by it and deletes it with the signed document.",
        repr=False,
    )
    prefecture_code: PrefectureCode = Field(
        description="The prefecture (都道府県コード) whose association holds the past pass."
    )
    passer_number: PasserNumber = Field(repr=False)
    certificate_number: CertificateNumberOpt = Field(None, repr=False)


class InitialRegistrationBody(ChangeRequestBody):
    """An initial registration from the Mynaportal bridge: the document exactly as the person
    signed it, and the detached signature (the change request's envelope)."""

    document: str = Field(
        description=(
            "The initial-registration document exactly as signed, in base64: UTF-8 JSON with "
            "mynaportal_pseudonym_id, my_number, prefecture_code, passer_number (技能士番号) "
            f"and optionally certificate_number. At most {MAX_DOCUMENT_BYTES} bytes decoded."
        ),
    )


@dataclass(frozen=True)
class ParsedInitialRegistration:
    """An initial registration that passed intake's checks. ``document`` holds the My Number:
    keep it out of the records table, logs and messages."""

    document: InitialRegistrationDocument = field(repr=False)
    raw_parts: tuple[RawPart, ...] = field(repr=False)

    @property
    def prefecture_code(self) -> str:
        return self.document.prefecture_code


def parse_initial_registration_document(data: bytes, location: str) -> InitialRegistrationDocument:
    """The document in ``data``; errors are located under ``location``."""
    value = load_json_object(data, location, INVALID)
    try:
        return InitialRegistrationDocument.model_validate(value)
    except ValidationError as exc:
        errors = validation_field_errors(exc, location)
    raise SubmissionError(
        RefusalKind.INVALID, INVALID, "the initial-registration document is not valid", errors
    )


def parse_initial_registration(body: InitialRegistrationBody) -> ParsedInitialRegistration:
    """The request in ``body``: the document read, the signature's shape checked (never
    verified), the envelope's pseudonym the document's."""
    document_bytes, signature = signed_parts(body, MAX_DOCUMENT_BYTES)
    document = parse_initial_registration_document(document_bytes, "document")
    same_account(body, document.mynaportal_pseudonym_id, INVALID)
    return ParsedInitialRegistration(document, raw_parts(document_bytes, signature))
