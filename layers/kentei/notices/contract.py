"""The wire form of the Mynaportal notice contract, version 1 (``contract.json`` beside this
module is the contract itself, as JSON Schema: read it for the endpoints and the errors;
1.1.0 added the pass and part-pass kinds, 1.2.0 the pass revocation).

The production adapter writes requests and reads replies here; the local fake server reads
requests here after validating them against ``contract.json`` (with a JSON Schema validator,
not these models, so the two sides can disagree and a test sees it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from enum import StrEnum
from importlib import resources
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kentei.notices.model import Attachment, Delivery, Notice, Receipt
from kentei.registry.contract import describe

VERSION: Final = "1.2.0"
NOTICES: Final = "/v1/notices"
REQUEST_ID_HEADER: Final = "X-Request-Id"
JSON: Final = "application/json"
PROBLEM_JSON: Final = "application/problem+json"
SCHEMA_FILE: Final = "contract.json"


def notice_path(notice_id: str) -> str:
    return f"{NOTICES}/{notice_id}"


class ProblemType(StrEnum):
    """The ``type`` of a problem document, after ``urn:kentei:mynaportal:``."""

    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    UNKNOWN_RECIPIENT = "unknown-recipient"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"

    @property
    def uri(self) -> str:
        return f"urn:kentei:mynaportal:{self.value}"


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    title: str
    status: int

    @property
    def problem_type(self) -> ProblemType | None:
        for member in ProblemType:
            if member.uri == self.type:
                return member
        return None


class WireAttachment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    media_type: str
    file_name: str
    content_base64: str = Field(repr=False)
    sha256: str

    @model_validator(mode="after")
    def _digest_matches(self) -> WireAttachment:
        if hashlib.sha256(self.content()).hexdigest() != self.sha256:
            raise ValueError("sha256 does not match the content")
        return self

    def content(self) -> bytes:
        try:
            return base64.b64decode(self.content_base64, validate=True)
        except binascii.Error:
            raise ValueError("content_base64 is not base64") from None


class WireNotice(BaseModel):
    """A ``POST /v1/notices`` body as it travels."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    notice_id: str
    recipient: str
    kind: str
    title: str = Field(repr=False)
    body: str = Field(repr=False)
    attachment: WireAttachment | None = None
    supersedes: str | None = None
    sent_at: str

    def notice(self) -> Notice:
        document = self.model_dump(exclude={"attachment"})
        if self.attachment is not None:
            document["attachment"] = Attachment(
                media_type=self.attachment.media_type,
                file_name=self.attachment.file_name,
                content=self.attachment.content(),
            )
        return Notice.model_validate(document)


def notice_body(notice: Notice) -> bytes:
    attachment = notice.attachment
    return _dump(
        {
            "notice_id": notice.notice_id,
            "recipient": notice.recipient,
            "kind": notice.kind.value,
            "title": notice.title,
            "body": notice.body,
            "attachment": None
            if attachment is None
            else {
                "media_type": attachment.media_type,
                "file_name": attachment.file_name,
                "content_base64": attachment.content_base64,
                "sha256": attachment.sha256,
            },
            "supersedes": notice.supersedes,
            "sent_at": notice.sent_at.isoformat(),
        }
    )


def parse_notice(raw: bytes) -> Notice:
    """A request body as a :class:`Notice`; :class:`ValueError` naming fields, never values."""
    try:
        return WireNotice.model_validate_json(raw).notice()
    except ValidationError as exc:
        raise ValueError(f"malformed notice: {describe(exc)}") from None


def receipt_body(receipt: Receipt) -> bytes:
    return _dump(receipt.model_dump(mode="json"))


def delivery_body(delivery: Delivery) -> bytes:
    return _dump(delivery.model_dump(mode="json"))


def problem_body(problem: ProblemType, code: int, title: str) -> bytes:
    return _dump({"type": problem.uri, "title": title, "status": code})


def parse_receipt(raw: bytes) -> Receipt:
    """A receipt; :class:`ValueError` naming the fields at fault."""
    try:
        return Receipt.model_validate_json(raw)
    except ValidationError as exc:
        raise ValueError(f"malformed receipt: {describe(exc)}") from None


def parse_delivery(raw: bytes) -> Delivery:
    try:
        return Delivery.model_validate_json(raw)
    except ValidationError as exc:
        raise ValueError(f"malformed delivery: {describe(exc)}") from None


def parse_problem(raw: bytes) -> Problem | None:
    """A problem document, or None when the body is not one."""
    try:
        return Problem.model_validate_json(raw)
    except ValidationError:
        return None


def schema() -> dict[str, Any]:
    """The contract (``contract.json``), read on each call: only tests and the fake need it."""
    loaded: dict[str, Any] = json.loads(
        resources.files("kentei.notices").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return loaded


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
