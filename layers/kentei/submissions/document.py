"""The application document: the form as the applicant signed it, with its attachment list.

A bridge sends the document as exact bytes (Mynaportal: ``document``; e-Gov:
``application.json`` in the package): UTF-8 JSON, one object whose keys are the form's items
plus ``attachments``, the name and SHA-256 of each attached file. The bytes are parsed
strictly: a duplicate key, ``NaN`` or a byte order mark is refused, since the signature
covers the bytes and every reader must see the same form in them.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from kentei.submissions.errors import RefusalKind, SubmissionError, error
from kentei.submissions.form import ENGLISH_NAMES, ApplicationForm
from kentei.submissions.limits import MAX_ATTACHMENTS
from kentei.submissions.locations import shown_key, validation_field_errors
from kentei.submissions.names import FileName, duplicates

INVALID: Final = "invalid-document"
_DETAIL: Final = "the application document is not valid"
_NOT_JSON: Final = "the application document is not a UTF-8 JSON object"
_UNPARSED: Final = object()

Sha256Hex = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-Fa-f]{64}$"),
    AfterValidator(str.lower),
]
"""A SHA-256 digest in hexadecimal; upper case is accepted and kept in lower case."""


class AttachmentRef(BaseModel):
    """An attached file as the signed document names it (添付書類)."""

    model_config = ConfigDict(
        defer_build=True, extra="forbid", frozen=True, hide_input_in_errors=True
    )

    name: FileName = Field(description="File name, as the attachment is sent.")
    sha256: Sha256Hex = Field(description="SHA-256 of the file's bytes, in hexadecimal.")


class ApplicationDocument(ApplicationForm):
    """The application document as signed: the form's items and the attached files' list."""

    attachments: tuple[AttachmentRef, ...] = Field(
        (),
        max_length=MAX_ATTACHMENTS,
        description="Each attached file by name and SHA-256; names are unique.",
    )

    @field_validator("attachments")
    @classmethod
    def _unique_names(cls, refs: tuple[AttachmentRef, ...]) -> tuple[AttachmentRef, ...]:
        if duplicates(ref.name for ref in refs):
            raise ValueError("each attached file must be named once")
        return refs

    def to_form(self) -> ApplicationForm:
        """The form alone, without the attachment list."""
        return ApplicationForm.model_validate(self.item_values())


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKeyError(key)
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON")


def load_json_object(data: bytes, location: str, slug: str = INVALID) -> dict[str, Any]:
    """The JSON object in ``data``, strictly: UTF-8 without BOM, unique keys, no NaN."""
    # Errors are raised outside the except blocks: a JSONDecodeError holds the whole text,
    # and must not travel on as the context of what is raised.
    problem = "must be UTF-8 JSON (no byte order mark)"
    value: Any = _UNPARSED
    try:
        text = data.decode("utf-8")
        if not text.startswith("\ufeff"):
            value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except _DuplicateKeyError as exc:
        key = ENGLISH_NAMES.get(exc.key) or shown_key(exc.key)
        problem = f"a key appears twice in one object ({key})"
    except (ValueError, RecursionError):
        pass
    if value is _UNPARSED:
        raise error(RefusalKind.INVALID, slug, _NOT_JSON, location, problem)
    if not isinstance(value, dict):
        raise error(RefusalKind.INVALID, slug, _NOT_JSON, location, "must be a JSON object")
    return value


def parse_document(data: bytes, location: str) -> ApplicationDocument:
    """The application document in ``data``; errors are located under ``location``."""
    value = load_json_object(data, location)
    try:
        return ApplicationDocument.model_validate(value)
    except ValidationError as exc:
        errors = validation_field_errors(exc, location, form_at=())
    raise SubmissionError(RefusalKind.INVALID, INVALID, _DETAIL, errors)
