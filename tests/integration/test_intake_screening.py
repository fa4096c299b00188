"""Through the local runtime's HTTP: a My Number anywhere but the form's my_number item is a
422 naming the field, in any spelling, one entry point of each kind; nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, given, settings
from tests.integration.intake_helpers import (
    MYNAPORTAL,
    RESUME,
    REVIEW,
    STAFF_TOKYO,
    File,
    IntakeSystem,
    form,
    intake_system,
    mynaportal_body,
    new_key,
    paper_body,
)
from tests.my_number_spellings import spelled

from kentei import my_number

DIGITS: Final = ("0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩")
SEPARATORS: Final = ("", " ", ".", "/", "_", ",", "・", "-", "－", "ー", "—", "\u3000")
SLOW: Final = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert [e["field"] for e in body["errors"]] == [field]
    assert my_number.find(response.text) == []


@SLOW
@given(value=spelled(("", "-", "_", "－"), DIGITS[:2]))
def test_a_structured_item_of_the_signed_document(system: IntakeSystem, value: str) -> None:
    body = mynaportal_body(form(employer_code=value))
    _refused(system.client.submit(body, MYNAPORTAL, new_key()), "document.employer_code")


@SLOW
@given(value=spelled(("", "-", "_", "－"), DIGITS[:2]))
def test_a_number_item_of_a_paper_form(system: IntakeSystem, value: str) -> None:
    body = paper_body(form(training_plan_approval_number=f"A-{value}"))
    _refused(
        system.client.submit(body, STAFF_TOKYO, new_key()), "form.training_plan_approval_number"
    )


@SLOW
@given(value=spelled(SEPARATORS, DIGITS))
def test_an_attachment_file_name(system: IntakeSystem, value: str) -> None:
    files = (RESUME, File(f"{value}.pdf", RESUME.content))
    body = mynaportal_body(files=files)
    _refused(system.client.submit(body, MYNAPORTAL, new_key()), "attachments.1.name")


@SLOW
@given(value=spelled(("", "-", "_"), DIGITS[:2]))
def test_the_mynaportal_pseudonym(system: IntakeSystem, value: str) -> None:
    body = mynaportal_body(pseudonym=f"mp-{value}")
    _refused(system.client.submit(body, MYNAPORTAL, new_key()), "mynaportal_pseudonym_id")


@SLOW
@given(value=spelled(SEPARATORS, DIGITS))
def test_a_review_reason(system: IntakeSystem, value: str) -> None:
    response = system.client.decide(
        "13-0123456789ABCDEFGHJKMNPQRS",
        STAFF_TOKYO,
        "return",
        [{"code": "fix", "message": f"番号 {value} を消してください"}],
    )
    _refused(response, "reasons.0.message")


@SLOW
@given(value=spelled(("", "-", ".", "_", "ー"), DIGITS))
def test_a_path_parameter(system: IntakeSystem, value: str) -> None:
    _refused(system.client.get(f"{REVIEW}/{value}", STAFF_TOKYO), "path.application_id")


@SLOW
@given(value=spelled(SEPARATORS, DIGITS))
def test_a_query_parameter(system: IntakeSystem, value: str) -> None:
    response = system.client.get(REVIEW, STAFF_TOKYO, params={"ref": value})
    _refused(response, "query.ref")


def test_nothing_was_stored(system: IntakeSystem) -> None:
    assert system.records() == []
    assert system.my_numbers() == {}
