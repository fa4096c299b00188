"""The OpenAPI document: generated from the code, committed as ``openapi.json``, no drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import pytest

from intake import openapi
from intake.api import full_app
from intake.problems import CONTENT_TYPE
from kentei_local.probes import my_numbers_in

COMMITTED: Final = Path(__file__).resolve().parents[3] / "openapi.json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi.document(full_app())


def test_the_committed_document_is_the_generated_one(document: dict[str, Any]) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8")) if COMMITTED.exists() else None
    assert committed == document, (
        f"openapi.json differs from the code; regenerate it with: {openapi.REGENERATE}"
    )


def test_the_committed_document_is_rendered_as_generated() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == openapi.render(full_app()), (
        f"openapi.json is not formatted as generated; regenerate it with: {openapi.REGENERATE}"
    )


def test_every_operation_declares_its_errors_as_problem_documents(
    document: dict[str, Any],
) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {code: r for code, r in responses.items() if int(code) >= 400}
            assert {"422", "500"} <= set(errors), f"{method} {path}"
            for code, response in errors.items():
                schema = response["content"][CONTENT_TYPE]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path, code)


def test_the_document_names_the_servers_and_no_powertools_validation_schema(
    document: dict[str, Any],
) -> None:
    assert document["servers"] == [{"url": "/"}]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_the_submission_route_requires_the_idempotency_key(document: dict[str, Any]) -> None:
    parameters = document["paths"]["/v1/applications"]["post"]["parameters"]
    key = next(p for p in parameters if p["in"] == "header")
    assert key["name"].lower() == "idempotency-key"
    assert key["required"] is True
    assert (key["schema"]["minLength"], key["schema"]["maxLength"]) == (8, 128)


def test_the_document_holds_no_my_number(document: dict[str, Any]) -> None:
    assert my_numbers_in(json.dumps(document, ensure_ascii=False)) == []
