"""The wire form of the Mynaportal notice contract, version 1 (``contract.json`` beside this
module is the contract itself, as JSON Schema: read it for the endpoints and the errors;
1.1.0 added the pass and part-pass kinds, 1.2.0 the pass revocation).

The production adapter writes requests and reads replies here; the local fake server reads
requests here after validating them against ``contract.json`` (with a JSON Schema validator,
not these models, so the two sides can disagree and a test sees it). What every contract
spells the same way (media types, problem documents, compact JSON) is
:mod:`kentei.link_contract`'s.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kentei import link_contract
from kentei.link_contract import ProblemTypes, describe
from kentei.notices.model import Attachment, Delivery, Notice, Receipt

VERSION: Final = "1.2.0"
NOTICES: Final = "/v1/notices"
REQUEST_ID_HEADER: Final = link_contract.REQUEST_ID_HEADER
JSON: Final = link_contract.JSON
PROBLEM_JSON: Final = link_contract.PROBLEM_JSON


def notice_path(notice_id: str) -> str:
    return f"{NOTICES}/{notice_id}"


class ProblemType(ProblemTypes):
    """The ``type`` of a problem document, after ``urn:kentei:mynaportal:``."""

    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    UNKNOWN_RECIPIENT = "unknown-recipient"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"

    @classmethod
    def namespace(cls) -> str:
        return "urn:kentei:mynaportal:"


class Problem(link_contract.Problem):
    @property
    def problem_type(self) -> ProblemType | None:
        return ProblemType.of(self.type)


class WireAttachment(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

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

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

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
    return link_contract.dump(
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
    return link_contract.dump(receipt.model_dump(mode="json"))


def delivery_body(delivery: Delivery) -> bytes:
    return link_contract.dump(delivery.model_dump(mode="json"))


problem_body = link_contract.problem_body


def parse_receipt(raw: bytes) -> Receipt:
    """A receipt; :class:`ValueError` naming the fields at fault."""
    return link_contract.parse(Receipt, raw, "receipt")


def parse_delivery(raw: bytes) -> Delivery:
    return link_contract.parse(Delivery, raw, "delivery")


def parse_problem(raw: bytes) -> Problem | None:
    """A problem document, or None when the body is not one."""
    return link_contract.parse_problem(Problem, raw)


def schema() -> dict[str, Any]:
    """The contract (``contract.json``), read on each call: only tests and the fake need it."""
    return link_contract.schema("kentei.notices")
