"""Powertools' validation errors as problems: the right status, paths, never the value."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest

from intake.errors import (
    REFUSALS,
    IdempotencyKeyError,
    InvalidRequestError,
    MalformedRequestError,
    from_validation,
    refused_submission,
)
from kentei.field_errors import FieldError
from kentei.my_number import check_digit
from kentei.submissions import RefusalKind, SubmissionError

MY_NUMBER = f"27182818284{check_digit('27182818284')}"


def _error(
    loc: tuple[Any, ...], kind: str = "missing", msg: str = "Field required", **more: Any
) -> dict[str, Any]:
    return {"type": kind, "loc": loc, "msg": msg, "input": MY_NUMBER, **more}


def test_given_a_body_error_then_it_is_a_422_naming_the_json_path_without_the_union_tag() -> None:
    problem = from_validation([_error(("body", "paper", "form", "name"))])
    assert isinstance(problem, InvalidRequestError)
    document = problem.problem()
    assert document.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert document.type == "urn:kentei:problem:validation"
    assert [(e.field, e.problem) for e in document.errors] == [("form.name", "Field required")]


def test_given_any_error_then_the_input_value_never_appears() -> None:
    problem = from_validation(
        [_error(("body", "paper", "form", "my_number"), "my_number", "the check digit is wrong")]
    )
    assert problem is not None
    assert MY_NUMBER not in problem.problem().model_dump_json()


def test_given_an_unknown_key_that_is_a_my_number_then_the_path_masks_it() -> None:
    problem = from_validation(
        [_error(("body", "paper", MY_NUMBER), "extra_forbidden", "Extra inputs are not permitted")]
    )
    assert problem is not None
    text = problem.problem().model_dump_json()
    assert MY_NUMBER not in text
    assert '"field":"************"' in text


def test_given_an_unknown_channel_then_the_message_lists_the_channels_not_the_tag() -> None:
    problem = from_validation(
        [
            _error(
                ("body",),
                "union_tag_invalid",
                f"Input tag '{MY_NUMBER}' found using 'channel' does not match",
                ctx={
                    "discriminator": "'channel'",
                    "tag": MY_NUMBER,
                    "expected_tags": "'mynaportal', 'egov', 'paper'",
                },
            )
        ]
    )
    assert problem is not None
    (error,) = problem.problem().errors
    assert error.field == "channel"
    assert error.problem == "must be one of 'mynaportal', 'egov', 'paper'"


def test_given_a_missing_idempotency_key_then_it_is_a_400() -> None:
    problem = from_validation(
        [_error(("header", "idempotency-key")), _error(("body", "mynaportal", "document"))]
    )
    assert isinstance(problem, IdempotencyKeyError)
    document = problem.problem()
    assert document.status == HTTPStatus.BAD_REQUEST
    assert document.type == "urn:kentei:problem:idempotency-key"
    assert {e.field for e in document.errors} == {"header.idempotency-key", "document"}


def test_given_malformed_json_then_it_is_a_400() -> None:
    problem = from_validation([_error(("body", 3), "json_invalid", "JSON decode error")])
    assert isinstance(problem, MalformedRequestError)
    assert problem.problem().status == HTTPStatus.BAD_REQUEST


def test_given_an_invalid_response_then_it_is_not_the_clients_problem() -> None:
    assert from_validation([_error(("response", "status"))]) is None


def test_given_control_characters_and_a_long_key_then_the_path_is_cleaned_and_short() -> None:
    key = "\x1b[31m" + "k" * 500
    problem = from_validation([_error(("body", key), "extra_forbidden", "Extra inputs")])
    assert problem is not None
    (error,) = problem.problem().errors
    assert "\x1b" not in error.field
    assert len(error.field) <= 64


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (RefusalKind.MALFORMED, 400),
        (RefusalKind.FORBIDDEN, 403),
        (RefusalKind.TOO_LARGE, 413),
        (RefusalKind.UNSUPPORTED_MEDIA_TYPE, 415),
        (RefusalKind.INVALID, 422),
    ],
)
def test_each_kind_of_refused_submission_has_its_status_in_the_edge_table(
    kind: RefusalKind, status: int
) -> None:
    refused = SubmissionError(
        kind, "some-slug", "refused", [FieldError(field="form.name", problem="is wrong")]
    )
    document = refused_submission(refused).problem()
    assert (document.status, document.type) == (status, "urn:kentei:problem:some-slug")
    assert [(e.field, e.problem) for e in document.errors] == [("form.name", "is wrong")]
    assert set(REFUSALS) == set(RefusalKind)
