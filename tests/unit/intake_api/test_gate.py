"""Before routing: the caller, the body's size, type and encoding."""

from __future__ import annotations

import base64
from http import HTTPStatus
from typing import Any

import pytest

from intake import gate
from kentei.submissions import MAX_REQUEST_BYTES

from .events import event

JSON = {"Content-Type": "application/json"}


def _status(proxy_event: dict[str, Any]) -> int | None:
    refused = gate.check(proxy_event)
    return None if refused is None else int(refused.status)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/applications"),
        ("GET", "/v1/applications/13-0000"),
        ("GET", "/v1/review/applications"),
        ("POST", "/v1/review/applications/x/decision"),
        ("DELETE", "/v1/applications"),
    ],
)
def test_given_no_caller_then_a_protected_path_is_401(method: str, path: str) -> None:
    assert _status(event(method, path, body="{}", headers=JSON)) == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize(
    "path", ["/v1/health", "/v1/openapi.json", "/v1/schemas/application-document.json", "/v1/x"]
)
def test_given_no_caller_then_documents_health_and_unknown_paths_pass(path: str) -> None:
    assert _status(event("GET", path)) is None


def test_given_a_body_over_the_limit_then_413_before_anything_reads_it() -> None:
    proxy_event = event("POST", "/v1/applications", headers=JSON, caller="bridge:egov")
    proxy_event["body"] = "x" * (MAX_REQUEST_BYTES + 1)
    assert _status(proxy_event) == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def test_given_multibyte_characters_then_the_limit_counts_bytes() -> None:
    proxy_event = event("POST", "/v1/applications", headers=JSON, caller="bridge:egov")
    proxy_event["body"] = "あ" * (MAX_REQUEST_BYTES // 3 + 1)
    assert _status(proxy_event) == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def test_given_a_body_at_the_limit_then_it_passes() -> None:
    proxy_event = event("POST", "/v1/applications", headers=JSON, caller="bridge:egov")
    proxy_event["body"] = "x" * MAX_REQUEST_BYTES
    assert _status(proxy_event) is None


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_given_a_body_that_is_not_json_then_415(content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    proxy_event = event(
        "POST", "/v1/applications", body="{}", headers=headers, caller="bridge:egov"
    )
    assert _status(proxy_event) == HTTPStatus.UNSUPPORTED_MEDIA_TYPE


def test_given_json_with_a_charset_then_it_passes() -> None:
    headers = {"Content-Type": "Application/JSON; charset=utf-8"}
    proxy_event = event(
        "POST", "/v1/applications", body="{}", headers=headers, caller="bridge:egov"
    )
    assert _status(proxy_event) is None


def test_given_a_body_that_is_not_utf8_then_400() -> None:
    proxy_event = event("POST", "/v1/applications", headers=JSON, caller="bridge:egov")
    proxy_event["body"] = base64.b64encode(b'{"channel": "\xff"}').decode()
    proxy_event["isBase64Encoded"] = True
    assert _status(proxy_event) == HTTPStatus.BAD_REQUEST
