"""Choosing the national adapter, its settings, and how replies become domain errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kentei.mtls import Reply
from kentei.national import (
    NationalConfigurationError,
    NationalConflictError,
    NationalRefusedError,
    NationalUnknownPersonError,
    contract,
    national_from_environment,
)
from kentei.national.contract import ProblemType
from kentei.national.https import ENVIRONMENT, HttpsNational, NationalSettings, _refusal
from kentei.national.memory import InMemoryNational
from kentei_local import localca


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in [*ENVIRONMENT.values(), "KENTEI_ENV"]:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def files(tmp_path: Path) -> dict[str, str]:
    for name in ("client.crt", "client.key", "ca.pem"):
        (tmp_path / name).write_text("not read until the adapter is made")
    return {
        "KENTEI_NATIONAL_URL": "https://national.example.go.jp:8443/",
        "KENTEI_NATIONAL_CLIENT_CERT": str(tmp_path / "client.crt"),
        "KENTEI_NATIONAL_CLIENT_KEY": str(tmp_path / "client.key"),
        "KENTEI_NATIONAL_CA_BUNDLE": str(tmp_path / "ca.pem"),
    }


def test_given_nothing_in_a_deployed_stack_then_refused_naming_the_variable(
    clean: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(NationalConfigurationError, match="KENTEI_NATIONAL_URL"):
        national_from_environment()


def test_given_nothing_in_the_local_environment_then_an_in_memory_national_system(
    clean: pytest.MonkeyPatch,
) -> None:
    clean.setenv("KENTEI_ENV", "local")
    assert isinstance(national_from_environment(), InMemoryNational)


def test_given_the_settings_then_parsed_with_defaults_and_the_rate_limit(tmp_path: Path) -> None:
    settings = NationalSettings.from_environ(
        files(tmp_path) | {"KENTEI_NATIONAL_RATE_PER_S": "2.5", "KENTEI_NATIONAL_BURST": "3"}
    )

    assert settings.url == "https://national.example.go.jp:8443"
    assert (settings.rate_per_s, settings.burst, settings.max_wait_s) == (2.5, 3, 2.0)
    assert (settings.max_attempts, settings.budget_s) == (3, 10.0)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KENTEI_NATIONAL_URL", "http://national.example.go.jp"),
        ("KENTEI_NATIONAL_RATE_PER_S", "-3.5"),
        ("KENTEI_NATIONAL_BURST", "many"),
    ],
)
def test_given_an_invalid_setting_then_refused_naming_the_variable_not_the_value(
    tmp_path: Path, variable: str, value: str
) -> None:
    with pytest.raises(NationalConfigurationError, match=variable) as refused:
        NationalSettings.from_environ(files(tmp_path) | {variable: value})
    assert value not in str(refused.value)


def test_given_the_url_then_the_https_adapter(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pki = localca.create_link(tmp_path, "Test national CA", "sync")
    clean.setenv("KENTEI_NATIONAL_URL", "https://127.0.0.1:9")
    clean.setenv("KENTEI_NATIONAL_CLIENT_CERT", str(pki.client.cert))
    clean.setenv("KENTEI_NATIONAL_CLIENT_KEY", str(pki.client.key))
    clean.setenv("KENTEI_NATIONAL_CA_BUNDLE", str(pki.ca_file))
    clean.setenv("KENTEI_NATIONAL_RATE_PER_S", "7")

    adapter = national_from_environment()

    assert isinstance(adapter, HttpsNational)
    assert adapter.rate_limit.rate_per_s == 7.0
    adapter.close()


def _reply(code: int, problem: ProblemType | None) -> Reply:
    if problem is None:
        return Reply(code, b"<html>oops</html>", "text/html")
    return Reply(code, contract.problem_body(problem, code, "t"), contract.PROBLEM_JSON)


@pytest.mark.parametrize(
    ("code", "problem", "error"),
    [
        (409, ProblemType.CONFLICT, NationalConflictError),
        (422, ProblemType.UNKNOWN_PERSON, NationalUnknownPersonError),
        (422, ProblemType.INVALID, NationalRefusedError),
        (403, ProblemType.FORBIDDEN, NationalRefusedError),
        (409, None, NationalRefusedError),
        (400, None, NationalRefusedError),
    ],
)
def test_each_refusal_becomes_its_domain_error(
    code: int, problem: ProblemType | None, error: type[Exception]
) -> None:
    refusal = _refusal(_reply(code, problem), "examinee ex-0001 version 2")

    assert type(refusal) is error
    assert "ex-0001" in str(refusal)
