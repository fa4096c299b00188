"""Problem documents (RFC 9457): stable types, field paths, never the submitted value."""

from __future__ import annotations

import json
from http import HTTPStatus

from intake import problems
from kentei.field_errors import field_errors


def test_a_validation_problem_lists_fields_and_drops_inputs() -> None:
    errors = [{"loc": ("body", "my_number"), "msg": "check digit is wrong", "input": "secret"}]
    problem = problems.make(
        HTTPStatus.UNPROCESSABLE_ENTITY, "validation", errors=field_errors(errors)
    )
    body = json.loads(problems.body(problem))
    assert body["type"] == "urn:kentei:problem:validation"
    assert body["status"] == 422
    assert body["errors"] == [{"field": "body.my_number", "problem": "check digit is wrong"}]
    assert "secret" not in problems.body(problem)
