"""The resolver's answers that need no AWS: routing, authentication, the body's form, and
every refusal as a problem document that never echoes what was sent."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, Final

import pytest

from intake import openapi
from intake.api import full_app
from intake.problems import CONTENT_TYPE
from kentei.my_number import check_digit

from .events import event, invoke

MY_NUMBER: Final = f"14142135623{check_digit('14142135623')}"
JSON: Final = {"Content-Type": "application/json", "Idempotency-Key": "unit-key-0001"}
MYNAPORTAL_ENVELOPE: Final[dict[str, Any]] = {
    "channel": "mynaportal",
    "mynaportal_pseudonym_id": "pseudonym-01",
    "document": "e30=",
    "signature": "MA==",
    "attachments": [],
}


def _problem(
    method: str, path: str, caller: str | None, *, status: HTTPStatus, **options: Any
) -> dict[str, Any]:
    code, headers, body = invoke(event(method, path, caller=caller, **options))
    assert code == status, body
    assert headers["Content-Type"] == [CONTENT_TYPE]
    assert body["status"] == status
    assert body["type"].startswith("urn:kentei:problem:")
    assert MY_NUMBER not in json.dumps(body, ensure_ascii=False)
    problem: dict[str, Any] = body
    return problem


def test_health_answers_ok() -> None:
    code, _, body = invoke(event("GET", "/v1/health"))
    assert (code, body["status"]) == (200, "ok")


def test_the_openapi_document_is_served_as_generated() -> None:
    code, headers, body = invoke(event("GET", "/v1/openapi.json"))
    assert code == 200
    assert headers["Content-Type"] == ["application/json"]
    assert body == openapi.document(full_app())


def test_the_application_document_schema_is_served_with_an_example() -> None:
    code, headers, body = invoke(event("GET", "/v1/schemas/application-document.json"))
    assert code == 200
    assert headers["Content-Type"] == ["application/schema+json"]
    assert body["examples"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/v1/applications", "POST"),
        ("PUT", "/v1/applications/13-X", "GET"),
        ("HEAD", "/v1/health", "GET"),
        ("GET", "/v1/review/applications/13-X/decision", "POST"),
    ],
)
def test_a_known_path_with_another_method_is_405_with_allow(
    method: str, path: str, allow: str
) -> None:
    code, headers, body = invoke(event(method, path, caller="staff:13:u", headers=JSON, body="{}"))
    assert code == HTTPStatus.METHOD_NOT_ALLOWED, body
    assert headers["Allow"] == [allow]
    assert body["type"] == "urn:kentei:problem:method-not-allowed"


def test_an_unknown_path_is_404() -> None:
    _problem("GET", "/v1/nothing-here", None, status=HTTPStatus.NOT_FOUND)


def test_an_unknown_path_holding_a_my_number_is_422_naming_the_path() -> None:
    body = _problem("GET", f"/v1/{MY_NUMBER}", None, status=HTTPStatus.UNPROCESSABLE_ENTITY)
    assert [e["field"] for e in body["errors"]] == ["path"]


def test_no_caller_is_401_whatever_the_body() -> None:
    body = _problem(
        "POST", "/v1/applications", None, status=HTTPStatus.UNAUTHORIZED, body="{", headers=JSON
    )
    assert body["type"] == "urn:kentei:problem:unauthenticated"


def test_a_body_that_is_not_json_is_415() -> None:
    _problem(
        "POST",
        "/v1/applications",
        "bridge:egov",
        status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        body="channel=egov",
        headers={"Content-Type": "text/plain", "Idempotency-Key": "unit-key-0001"},
    )


@pytest.mark.parametrize(
    "body",
    ['{"channel": ', "[" * 100_000 + "]" * 100_000, '{"n": ' + "9" * 5000 + "}", "\ufeff{}"],
)
def test_a_body_that_cannot_be_read_as_json_is_400(body: str) -> None:
    problem = _problem(
        "POST",
        "/v1/applications",
        "bridge:egov",
        status=HTTPStatus.BAD_REQUEST,
        body=body,
        headers=JSON,
    )
    assert problem["type"] == "urn:kentei:problem:malformed-request"


def test_a_missing_idempotency_key_is_400() -> None:
    problem = _problem(
        "POST",
        "/v1/applications",
        "bridge:mynaportal",
        status=HTTPStatus.BAD_REQUEST,
        body=MYNAPORTAL_ENVELOPE,
        headers={"Content-Type": "application/json"},
    )
    assert problem["type"] == "urn:kentei:problem:idempotency-key"
    assert [e["field"] for e in problem["errors"]] == ["header.idempotency-key"]


@pytest.mark.parametrize("key", ["short", "x" * 129, "with space"])
def test_a_malformed_idempotency_key_is_400(key: str) -> None:
    _problem(
        "POST",
        "/v1/applications",
        "bridge:mynaportal",
        status=HTTPStatus.BAD_REQUEST,
        body=MYNAPORTAL_ENVELOPE,
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )


def test_an_unknown_field_is_422_naming_it() -> None:
    problem = _problem(
        "POST",
        "/v1/applications",
        "bridge:mynaportal",
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        body={**MYNAPORTAL_ENVELOPE, "note": "hello"},
        headers=JSON,
    )
    assert problem["type"] == "urn:kentei:problem:validation"
    assert {
        "field": "note",
        "problem": "is not part of the interface: unknown fields are refused",
    } in problem["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"channel": MY_NUMBER},
        {**MYNAPORTAL_ENVELOPE, MY_NUMBER: 1},
        {**MYNAPORTAL_ENVELOPE, "mynaportal_pseudonym_id": MY_NUMBER + "!"},
        [MY_NUMBER],
    ],
)
def test_an_invalid_body_never_echoes_a_my_number(body: Any) -> None:
    _problem(
        "POST",
        "/v1/applications",
        "bridge:mynaportal",
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        body=json.dumps(body),
        headers=JSON,
    )


@pytest.mark.parametrize(
    ("caller", "channel"),
    [
        ("bridge:egov", "mynaportal"),
        ("staff:13:clerk", "mynaportal"),
    ],
)
def test_a_caller_posting_another_channel_is_403(caller: str, channel: str) -> None:
    problem = _problem(
        "POST",
        "/v1/applications",
        caller,
        status=HTTPStatus.FORBIDDEN,
        body={**MYNAPORTAL_ENVELOPE, "channel": channel},
        headers=JSON,
    )
    assert problem["type"] == "urn:kentei:problem:forbidden"


def test_a_bridge_posting_paper_is_403() -> None:
    paper = {
        "channel": "paper",
        "form": {
            "prefecture_code": "13",
            "name": "試験 太郎",
            "birth_date": "1990-04-01",
            "sex": "1",
            "address": "東京都",
        },
        "identity_confirmation": "passport",
    }
    _problem(
        "POST",
        "/v1/applications",
        "bridge:egov",
        status=HTTPStatus.FORBIDDEN,
        body=paper,
        headers=JSON,
    )


@pytest.mark.parametrize("application_id", ["nope", "99-0123456789ABCDEFGHJKMNPQRS"])
def test_a_malformed_application_id_is_404(application_id: str) -> None:
    _problem(
        "GET", f"/v1/applications/{application_id}", "bridge:egov", status=HTTPStatus.NOT_FOUND
    )


def test_a_my_number_as_application_id_is_422_naming_the_parameter() -> None:
    body = _problem(
        "GET",
        f"/v1/applications/{MY_NUMBER}",
        "bridge:egov",
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
    )
    assert [e["field"] for e in body["errors"]] == ["path.application_id"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/review/applications"),
        ("GET", "/v1/review/applications/13-0123456789ABCDEFGHJKMNPQRS"),
    ],
)
def test_a_bridge_is_403_on_review(method: str, path: str) -> None:
    _problem(method, path, "bridge:mynaportal", status=HTTPStatus.FORBIDDEN)


@pytest.mark.parametrize("query", ["status=lost", "limit=0", "limit=101", "cursor=***"])
def test_an_invalid_listing_query_is_422(query: str) -> None:
    _problem(
        "GET",
        f"/v1/review/applications?{query}",
        "staff:13:u",
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
    )


@pytest.mark.parametrize(
    "decision",
    [
        {"decision": "maybe"},
        {"decision": "return", "reasons": []},
        {"decision": "return", "reasons": [{"code": "x", "message": f"number {MY_NUMBER}"}]},
        {"decision": "accept", "extra": True},
    ],
)
def test_an_invalid_decision_is_422(decision: dict[str, Any]) -> None:
    _problem(
        "POST",
        "/v1/review/applications/13-0123456789ABCDEFGHJKMNPQRS/decision",
        "staff:13:u",
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        body=decision,
        headers={"Content-Type": "application/json"},
    )
