"""Choosing the notice adapter, its settings, and how replies become domain errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kentei.mtls import Reply
from kentei.notices import (
    NoticeConfigurationError,
    NoticeConflictError,
    NoticeRejectedError,
    UnknownRecipientError,
    contract,
    notices_from_environment,
)
from kentei.notices.contract import ProblemType
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.https import ENVIRONMENT, LINK, MynaportalSettings


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in [*ENVIRONMENT.values(), "KENTEI_ENV"]:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def files(tmp_path: Path) -> dict[str, str]:
    for name in ("client.crt", "client.key", "ca.pem"):
        (tmp_path / name).write_text("not read until the adapter is made")
    return {
        "KENTEI_MYNAPORTAL_URL": "https://notices.mynaportal.example:8443/",
        "KENTEI_MYNAPORTAL_CLIENT_CERT": str(tmp_path / "client.crt"),
        "KENTEI_MYNAPORTAL_CLIENT_KEY": str(tmp_path / "client.key"),
        "KENTEI_MYNAPORTAL_CA_BUNDLE": str(tmp_path / "ca.pem"),
    }


def test_given_nothing_in_a_deployed_stack_then_refused_naming_the_variable(
    clean: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(NoticeConfigurationError, match="KENTEI_MYNAPORTAL_URL"):
        notices_from_environment()


def test_given_nothing_in_the_local_runtime_then_the_in_memory_mynaportal(
    clean: pytest.MonkeyPatch,
) -> None:
    clean.setenv("KENTEI_ENV", "local")
    assert isinstance(notices_from_environment(), InMemoryMynaportal)


def test_given_the_settings_then_parsed_with_defaults(tmp_path: Path) -> None:
    settings = MynaportalSettings.from_environ(
        files(tmp_path) | {"KENTEI_MYNAPORTAL_MAX_ATTEMPTS": "4"}
    )

    assert settings.url == "https://notices.mynaportal.example:8443"
    assert (settings.max_attempts, settings.read_timeout_s, settings.budget_s) == (4, 5.0, 10.0)


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"KENTEI_MYNAPORTAL_URL": "http://notices.example"}, "KENTEI_MYNAPORTAL_URL"),
        ({"KENTEI_MYNAPORTAL_CA_BUNDLE": "/nonexistent/ca.pem"}, "KENTEI_MYNAPORTAL_CA_BUNDLE"),
        ({"KENTEI_MYNAPORTAL_CLIENT_KEY": ""}, "KENTEI_MYNAPORTAL_CLIENT_KEY"),
        ({"KENTEI_MYNAPORTAL_BUDGET_S": "600"}, "KENTEI_MYNAPORTAL_BUDGET_S"),
    ],
)
def test_given_bad_settings_then_the_error_names_the_variable_not_the_value(
    tmp_path: Path, override: dict[str, str], variable: str
) -> None:
    with pytest.raises(NoticeConfigurationError, match=variable) as raised:
        MynaportalSettings.from_environ(files(tmp_path) | override)
    assert "/nonexistent" not in str(raised.value)


def problem(kind: ProblemType, code: int) -> Reply:
    return Reply(code, contract.problem_body(kind, code, "t"), contract.PROBLEM_JSON)


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (problem(ProblemType.UNKNOWN_RECIPIENT, 404), UnknownRecipientError),
        (problem(ProblemType.CONFLICT, 409), NoticeConflictError),
        (problem(ProblemType.INVALID, 422), NoticeRejectedError),
        (problem(ProblemType.INVALID, 400), NoticeRejectedError),
        (problem(ProblemType.FORBIDDEN, 403), NoticeRejectedError),
        (problem(ProblemType.NOT_FOUND, 404), NoticeRejectedError),  # a wrong path on POST
        (Reply(404, b"<html>", "text/html"), NoticeRejectedError),  # not Mynaportal's 404
        (Reply(409, b"{}", contract.JSON), NoticeRejectedError),
    ],
)
def test_given_a_refusal_then_its_domain_error_without_a_status_attribute(
    reply: Reply, error: type[Exception]
) -> None:
    refused = LINK.refusal(reply, "notice n-1")

    assert type(refused) is error
    assert "notice n-1" in str(refused)
    assert not hasattr(refused, "status")
