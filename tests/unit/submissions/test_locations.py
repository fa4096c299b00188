"""Field paths for request validation errors: English names, no value sent."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from kentei.submissions import ApplicationRequest, field_errors

from .builders import FORM

ADAPTER: TypeAdapter[object] = TypeAdapter(ApplicationRequest)


def errors_of(body: object, form_at: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        ADAPTER.validate_python(body)
    found = field_errors(caught.value.errors(include_input=False), form_at=form_at)
    return [(e.field, e.problem) for e in found]


def test_given_an_unknown_channel_then_the_path_names_channel_not_the_value() -> None:
    ((field, problem),) = errors_of({"channel": "123456789018"})

    assert field == "channel"
    assert "123456789018" not in problem
    assert "'mynaportal', 'egov', 'paper'" in problem


def test_given_an_envelope_key_that_is_also_an_item_name_then_it_is_just_unknown() -> None:
    body = {"channel": "egov", "package": "", "name": "x"}

    assert errors_of(body) == [
        ("egov.name", "is not part of the interface: unknown fields are refused")
    ]


def test_given_a_paper_form_with_japanese_keys_then_paths_use_english_names() -> None:
    form = {"氏名" if k == "name" else k: v for k, v in FORM.items()} | {"氏名": ""}
    body = {"channel": "paper", "form": form, "identity_confirmation": "passport"}

    ((field, _),) = errors_of(body, form_at=("paper", "form"))

    assert field == "paper.form.name"
