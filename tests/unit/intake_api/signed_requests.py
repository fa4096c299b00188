"""What the tests of the bridges' signed requests share (change requests, initial
registrations): the person who signs, the envelope of a signed document, its ``POST`` and
``GET`` of the status."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from tests.unit.signatures.builders import sign_cms

from kentei_local.testpki import FourItems, TestPki

from .events import event, invoke

MY_NUMBER = "900000000010"
OTHER_NUMBER = "900000000028"
ACCOUNT = "mp-account-0010"
MYNAPORTAL = "bridge:mynaportal"
PERSON = FourItems("見本 太郎", "1", dt.date(1990, 4, 1), "東京都千代田区見本町一丁目2番3号")


def document_with(**fields: Any) -> dict[str, Any]:
    """A document of ``PERSON`` in Tokyo with the kind's ``fields``."""
    document = {"mynaportal_pseudonym_id": ACCOUNT, "my_number": MY_NUMBER, "prefecture_code": "13"}
    return document | fields


def raw(document: dict[str, Any] | bytes) -> bytes:
    """The document's bytes as the person signs them."""
    if isinstance(document, bytes):
        return document
    return json.dumps(document, ensure_ascii=False).encode()


def envelope(pki: TestPki, document: dict[str, Any] | bytes, **fields: Any) -> dict[str, Any]:
    """The body of a signed request: the document and a detached signature by ``PERSON``."""
    signed = raw(document)
    signature = sign_cms(signed, pki.signature_certificate(PERSON))
    return {
        "channel": "mynaportal",
        "document": base64.b64encode(signed).decode(),
        "signature": base64.b64encode(signature).decode(),
        **fields,
    }


def post_signed(
    path: str, body: dict[str, Any], *, caller: str = MYNAPORTAL, key: str
) -> tuple[int, dict[str, list[str]], Any]:
    """``POST`` of a signed request's body under ``key``: status, headers, answer."""
    return invoke(
        event(
            "POST",
            path,
            caller=caller,
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
            body=body,
        )
    )


def status_at(path: str, caller: str = MYNAPORTAL) -> tuple[int, Any]:
    """``GET`` of a status: status and answer."""
    status, _, body = invoke(event("GET", path, caller=caller))
    return status, body
