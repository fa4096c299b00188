"""The e-Gov completion-notice port's pieces: the model refuses what the contract refuses,
the in-memory e-Gov answers the same receipt to the same notice, and the factory picks the
adapter the environment names (and fails loudly outside the local runtime)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from pydantic import ValidationError

from kentei.egov_notices import (
    CompletionNotice,
    CompletionOutcome,
    EgovConfigurationError,
    EgovConflictError,
    EgovUnknownApplicationError,
    contract,
    egov_notices_from_environment,
)
from kentei.egov_notices.fake import InMemoryEgov

APPLICATION = "13-01JZ8Q4W1Y2X3V4T5S6R7Q8P9N"
AT = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


def notice(**overrides: Any) -> CompletionNotice:
    values: dict[str, Any] = {
        "notice_id": f"{APPLICATION}-egov-done",
        "application_id": APPLICATION,
        "outcome": "rejected",
        "reason_codes": ("signature.invalid",),
        "completed_at": AT,
        "sent_at": AT,
    }
    return CompletionNotice.model_validate(values | overrides)


def test_the_contract_names_its_version_and_every_outcome() -> None:
    schema = contract.schema()
    assert schema["x-kentei-version"] == contract.VERSION
    outcomes = schema["$defs"]["CompletionNoticeRequest"]["properties"]["outcome"]["enum"]
    assert set(outcomes) == {outcome.value for outcome in CompletionOutcome}


def test_what_we_send_is_valid_against_the_contract() -> None:
    validator = jsonschema.Draft202012Validator(
        {**contract.schema(), "$ref": "#/$defs/CompletionNoticeRequest"}
    )
    validator.validate(json.loads(contract.notice_body(notice())))
    assert contract.parse_notice(contract.notice_body(notice())) == notice()


@pytest.mark.parametrize(
    "change",
    [{"application_id": "123456789018"}, {"reason_codes": ("見本 太郎",)}, {"extra": 1}],
)
def test_the_model_refuses_what_is_not_ids_and_codes(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        notice(**change)


def test_the_in_memory_egov_keeps_one_notice_per_id() -> None:
    egov = InMemoryEgov(known_applications=[APPLICATION])

    assert egov.send(notice()) == egov.send(notice())
    with pytest.raises(EgovConflictError):
        egov.send(notice(outcome=CompletionOutcome.RETURNED))
    other = "13-01JZ8Q4W1Y2X3V4T5S6R7Q8P9M"
    with pytest.raises(EgovUnknownApplicationError):
        egov.send(notice(notice_id="n-2", application_id=other))
    egov.register(other)
    egov.send(notice(notice_id="n-2", application_id=other))
    assert len(egov.all_notices()) == 2


def test_the_factory_gives_the_in_memory_egov_locally_and_fails_loudly_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KENTEI_EGOV_URL", raising=False)
    monkeypatch.setenv("KENTEI_ENV", "local")
    assert isinstance(egov_notices_from_environment(), InMemoryEgov)
    monkeypatch.setenv("KENTEI_ENV", "prod")
    with pytest.raises(EgovConfigurationError, match="KENTEI_EGOV_URL"):
        egov_notices_from_environment()
