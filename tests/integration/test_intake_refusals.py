"""What intake refuses, over HTTP through the local runtime: each refusal a problem document
with a stable type, naming fields and never quoting the values sent; nothing stored."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from tests.integration.intake_helpers import (
    APPLICATIONS,
    EGOV,
    GIF,
    MY_NUMBER,
    MYNAPORTAL,
    NAME,
    PDF,
    PNG,
    RESUME,
    STAFF_OSAKA,
    STAFF_TOKYO,
    File,
    IntakeSystem,
    form,
    intake_system,
    mynaportal_body,
    new_key,
    paper_body,
    valid_my_number,
)

from kentei_local import cognito
from kentei_local.cognito import StaffUser

WRONG_CHECK_DIGIT = MY_NUMBER[:11] + str((int(MY_NUMBER[11]) + 1) % 10)


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


def _refused(response: requests.Response, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["type"] == f"urn:kentei:problem:{kind}"
    for value in (MY_NUMBER, WRONG_CHECK_DIGIT, NAME):
        assert value not in response.text
    return problem


@pytest.mark.parametrize(
    ("caller", "body", "kind"),
    [
        (EGOV, mynaportal_body(), "forbidden"),
        (STAFF_TOKYO, mynaportal_body(), "forbidden"),
        (MYNAPORTAL, paper_body(), "forbidden"),
        (EGOV, paper_body(), "forbidden"),
        # Staff of another prefecture: refused by the paper parser, with its own type.
        (STAFF_OSAKA, paper_body(), "wrong-prefecture"),
    ],
)
def test_given_a_caller_posting_a_channel_not_its_own_then_403(
    system: IntakeSystem, caller: str, body: dict[str, Any], kind: str
) -> None:
    before = len(system.records())
    _refused(system.client.submit(body, caller, new_key()), 403, kind)
    assert len(system.records()) == before


def test_given_no_token_then_the_gateways_401_before_intake(system: IntakeSystem) -> None:
    before = len(system.records())
    response = system.client.submit(mynaportal_body(), None, new_key())
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    assert len(system.records()) == before


@pytest.mark.parametrize(
    ("prefecture", "roles"),
    [("48", ("clerk",)), ("13", ()), ("13", ("no-such-role",))],
)
def test_given_a_valid_token_that_names_no_caller_then_401(
    system: IntakeSystem, prefecture: str, roles: tuple[str, ...]
) -> None:
    # Signed by the pool, so the gateway lets it through; the claims name no staff caller
    # (no such prefecture, no role): intake refuses it.
    pool = system.runtime.endpoints.cognito
    user = StaffUser(f"odd-{prefecture}-{len(roles)}", cognito.new_password(), prefecture, roles)
    cognito.ensure_user(pool, user)
    token = cognito.sign_in(pool, user.username, user.password)
    response = system.client.session.post(
        system.runtime.url + APPLICATIONS,
        data=json.dumps(mynaportal_body()).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": new_key(),
        },
        timeout=60,
    )
    _refused(response, 401, "unauthenticated")


def test_given_no_idempotency_key_then_400(system: IntakeSystem) -> None:
    problem = _refused(system.client.submit(mynaportal_body(), MYNAPORTAL), 400, "idempotency-key")
    assert problem["errors"][0]["field"] == "header.idempotency-key"


def test_given_malformed_json_then_400(system: IntakeSystem) -> None:
    _refused(
        system.client.submit(b'{"channel": "mynaportal",', MYNAPORTAL, new_key()),
        400,
        "malformed-request",
    )


def test_given_another_content_type_then_415(system: IntakeSystem) -> None:
    response = system.client.submit(
        mynaportal_body(), MYNAPORTAL, new_key(), content_type="text/plain"
    )
    _refused(response, 415, "unsupported-media-type")


def test_given_a_request_over_the_gateways_limit_then_413(system: IntakeSystem) -> None:
    huge = File("huge.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = system.client.submit(mynaportal_body(files=(huge,)), MYNAPORTAL, new_key())
    # API Gateway (and the local gateway) refuse more than 10 MB before intake runs.
    assert response.status_code == 413


@pytest.mark.parametrize(
    "file",
    [File("scan.gif", GIF, "image/gif"), File("scan.png", PDF, "image/png")],
)
def test_given_an_attachment_that_is_not_a_pdf_jpeg_or_png_by_content_then_415(
    system: IntakeSystem, file: File
) -> None:
    before = len(system.records())
    response = system.client.submit(mynaportal_body(files=(file,)), MYNAPORTAL, new_key())
    assert response.status_code == 415, response.text
    assert response.json()["type"].startswith("urn:kentei:problem:")
    assert len(system.records()) == before


def test_given_an_unknown_field_in_the_body_then_422_naming_it(system: IntakeSystem) -> None:
    body = mynaportal_body(comment="please hurry")
    problem = _refused(system.client.submit(body, MYNAPORTAL, new_key()), 422, "validation")
    assert {
        "field": "comment",
        "problem": "is not part of the interface: unknown fields are refused",
    } in problem["errors"]
    assert "please hurry" not in json.dumps(problem)


def test_given_an_unknown_item_in_the_signed_document_then_422_naming_it(
    system: IntakeSystem,
) -> None:
    body = mynaportal_body(form(favourite_colour="blue"))
    response = system.client.submit(body, MYNAPORTAL, new_key())
    assert response.status_code == 422, response.text
    fields = [e["field"] for e in response.json()["errors"]]
    assert any("favourite_colour" in f for f in fields)
    assert "blue" not in response.text


def test_given_a_my_number_with_a_wrong_check_digit_then_422_naming_the_field(
    system: IntakeSystem,
) -> None:
    body = mynaportal_body(form(my_number=WRONG_CHECK_DIGIT))
    response = system.client.submit(body, MYNAPORTAL, new_key())
    assert response.status_code == 422, response.text
    assert WRONG_CHECK_DIGIT not in response.text
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f.endswith("my_number") for f in fields), fields


def test_given_a_paper_form_with_a_wrong_check_digit_then_422_naming_the_field(
    system: IntakeSystem,
) -> None:
    body = paper_body(form(my_number=WRONG_CHECK_DIGIT))
    problem = _refused(system.client.submit(body, STAFF_TOKYO, new_key()), 422, "validation")
    assert [e["field"] for e in problem["errors"]] == ["form.my_number"]


def test_given_a_document_that_differs_from_the_attachments_then_refused(
    system: IntakeSystem,
) -> None:
    body = mynaportal_body(files=(RESUME,))
    body["attachments"] = [File("resume.pdf", PDF + b"% changed\n").upload()]
    response = system.client.submit(body, MYNAPORTAL, new_key())
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["Content-Type"] == "application/problem+json"


def test_given_a_signature_that_is_not_cms_then_422(system: IntakeSystem) -> None:
    body = mynaportal_body()
    body["signature"] = base64.b64encode(PNG).decode()
    response = system.client.submit(body, MYNAPORTAL, new_key())
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["signature"]


def test_given_a_resubmission_of_an_application_the_caller_cannot_see_then_422(
    system: IntakeSystem,
) -> None:
    other = system.client.submit(paper_body(), STAFF_TOKYO, new_key()).json()["application_id"]
    response = system.client.submit(
        mynaportal_body(form(my_number=valid_my_number("27182818284"))),
        MYNAPORTAL,
        new_key(),
        params={"resubmission_of": other},
    )
    problem = _refused(response, 422, "validation")
    assert problem["errors"][0]["field"] == "query.resubmission_of"


@pytest.mark.parametrize(
    ("caller", "body", "field"),
    [
        (STAFF_TOKYO, paper_body(form(name=MY_NUMBER)), "form.name"),
        (MYNAPORTAL, mynaportal_body(form(address=f"番号 {MY_NUMBER}")), "document.address"),
    ],
)
def test_given_a_my_number_in_a_free_text_item_then_422_naming_it(
    system: IntakeSystem, caller: str, body: dict[str, Any], field: str
) -> None:
    before = len(system.records())
    problem = _refused(system.client.submit(body, caller, new_key()), 422, "validation")
    assert [e["field"] for e in problem["errors"]] == [field]
    assert len(system.records()) == before
