"""The request bodies of ``POST /v1/applications``, one per channel (申請経路).

Envelopes are validated here (shape, unknown fields, names); what the base64 fields carry is
decoded and checked by the channel's parser, so a size limit is a ``413`` and a wrong file type
a ``415`` wherever it occurs. The schema still states each limit (``maxLength`` of the base64
text), so a client can check before sending.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kentei.applications.model import ApplyingGroup, IdentityConfirmation
from kentei.records.fields import PseudonymousId
from kentei.submissions.encoding import PATTERN
from kentei.submissions.form import ApplicationForm
from kentei.submissions.limits import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_DOCUMENT_BYTES,
    MAX_PACKAGE_BYTES,
    MAX_SIGNATURE_BYTES,
    base64_length,
)
from kentei.submissions.names import FileName

_CONFIG: Final = ConfigDict(
    defer_build=True, extra="forbid", frozen=True, hide_input_in_errors=True
)


def _base64(limit: int, media_type: str) -> dict[str, Any]:
    """JSON Schema of base64 text of at most ``limit`` bytes (checked when decoded)."""
    return {
        "maxLength": base64_length(limit),
        "pattern": PATTERN,
        "contentEncoding": "base64",
        "contentMediaType": media_type,
    }


MediaType = Annotated[
    str,
    StringConstraints(
        max_length=255, pattern=r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(?:\s*;.*)?$"
    ),
]


class AttachmentUpload(BaseModel):
    """An attached file: PDF, JPEG or PNG, at most 10 MB."""

    model_config = _CONFIG

    name: FileName = Field(
        description=(
            "File name: one path component of at most 255 UTF-8 bytes, without control "
            'characters or / \\ : * ? " < > |; unique within the request. For Mynaportal, '
            "exactly as the signed document's attachment list names it."
        )
    )
    media_type: MediaType = Field(
        description=(
            "Declared media type: application/pdf, image/jpeg or image/png. The content "
            "decides; a declared type that disagrees with it is refused (415)."
        ),
        examples=["application/pdf"],
    )
    content: str = Field(
        description=f"The file's bytes in base64; at most {MAX_ATTACHMENT_BYTES} bytes decoded.",
        json_schema_extra=_base64(MAX_ATTACHMENT_BYTES, "application/octet-stream"),
    )


_ATTACHMENTS_FIELD: Final = f"Attached files, at most {MAX_ATTACHMENTS}."


class MynaportalRequest(BaseModel):
    """An application from the Mynaportal bridge: the document exactly as the applicant signed
    it with the JPKI signature certificate, the detached signature, and the attached files."""

    model_config = _CONFIG

    channel: Literal["mynaportal"] = Field(description="The Mynaportal bridge.")
    mynaportal_pseudonym_id: PseudonymousId = Field(
        description=(
            "The applicant's マイナポータル仮名ID: 8-128 characters A-Z, a-z, 0-9, - and _."
        )
    )
    document: str = Field(
        description=(
            "The application document exactly as signed, in base64: UTF-8 JSON per "
            "/v1/schemas/application-document.json; the form is read only from it. "
            f"At most {MAX_DOCUMENT_BYTES} bytes decoded."
        ),
        json_schema_extra=_base64(MAX_DOCUMENT_BYTES, "application/json"),
    )
    signature: str = Field(
        description=(
            "Detached CMS SignedData (RFC 5652, DER) over the document's bytes, with the "
            f"signer's certificate, in base64; at most {MAX_SIGNATURE_BYTES} bytes decoded."
        ),
        json_schema_extra=_base64(MAX_SIGNATURE_BYTES, "application/pkcs7-signature"),
    )
    attachments: list[AttachmentUpload] = Field(
        default_factory=list,
        max_length=MAX_ATTACHMENTS,
        description=(
            f"{_ATTACHMENTS_FIELD} Exactly the files the document's attachment list names, "
            "each with the SHA-256 given there."
        ),
    )


class EgovRequest(BaseModel):
    """An application from the e-Gov bridge: the package as e-Gov delivers it."""

    model_config = _CONFIG

    channel: Literal["egov"] = Field(description="The e-Gov bridge.")
    package: str = Field(
        description=(
            "The e-Gov package (zip) in base64: kousei.xml (構成管理情報) with its XML "
            "signature, application.json (the application document) and the attached files, "
            f"all at the top level. At most {MAX_PACKAGE_BYTES} bytes decoded."
        ),
        json_schema_extra=_base64(MAX_PACKAGE_BYTES, "application/zip"),
    )


class PaperRequest(BaseModel):
    """A paper application keyed in by association staff of the form's prefecture."""

    model_config = _CONFIG

    channel: Literal["paper"] = Field(description="A paper application keyed in by staff.")
    form: ApplicationForm = Field(description="The form's items, as on paper.")
    identity_confirmation: IdentityConfirmation = Field(
        description="How the staff member confirmed the applicant's identity (本人確認の方法)."
    )
    attachments: list[AttachmentUpload] = Field(
        default_factory=list,
        max_length=MAX_ATTACHMENTS,
        description=f"{_ATTACHMENTS_FIELD} Scans of the paper attachments.",
    )
    group: ApplyingGroup | None = Field(
        None,
        description=(
            "The applying group (団体: a company, a training body) when the form came in a "
            "group application (団体申込): its code (受検申請団体コード), name (受検申請団体名) "
            "and type (受検申請団体種別, optional), keyed by English or item name. Every "
            "application of one group names the same code; its members are seated together. "
            "Omitted for an individual application."
        ),
    )


ApplicationRequest = Annotated[
    MynaportalRequest | EgovRequest | PaperRequest, Field(discriminator="channel")
]
"""The body of ``POST /v1/applications``: one of the three, by ``channel``."""
