"""Choosing the registry adapter from the environment, and the HTTPS adapter's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from kentei.registry import RegistryConfigurationError, registry_from_environment
from kentei.registry.fake import SeedFileRegistry
from kentei.registry.https import ENVIRONMENT, RegistryLinkSettings
from kentei_local.fake_registry_server import DEMO_SEED


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in [*ENVIRONMENT.values(), "KENTEI_REGISTRY_SEED", "KENTEI_ENV"]:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def files(tmp_path: Path) -> dict[str, str]:
    for name in ("client.crt", "client.key", "ca.pem"):
        (tmp_path / name).write_text("not read until the adapter is made")
    return {
        "KENTEI_REGISTRY_URL": "https://registry-link.example.internal:8443/",
        "KENTEI_REGISTRY_CLIENT_CERT": str(tmp_path / "client.crt"),
        "KENTEI_REGISTRY_CLIENT_KEY": str(tmp_path / "client.key"),
        "KENTEI_REGISTRY_CA_BUNDLE": str(tmp_path / "ca.pem"),
    }


def test_given_a_seed_in_the_local_runtime_then_the_fake(clean: pytest.MonkeyPatch) -> None:
    clean.setenv("KENTEI_ENV", "local")
    clean.setenv("KENTEI_REGISTRY_SEED", str(DEMO_SEED))

    assert isinstance(registry_from_environment(), SeedFileRegistry)


def test_given_a_seed_in_a_deployed_stack_then_refused(clean: pytest.MonkeyPatch) -> None:
    clean.setenv("KENTEI_REGISTRY_SEED", str(DEMO_SEED))

    with pytest.raises(RegistryConfigurationError, match="local runtime only"):
        registry_from_environment()


def test_given_both_or_neither_then_refused(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(RegistryConfigurationError, match="KENTEI_REGISTRY_URL"):
        registry_from_environment()
    clean.setenv("KENTEI_ENV", "local")
    clean.setenv("KENTEI_REGISTRY_SEED", str(DEMO_SEED))
    clean.setenv("KENTEI_REGISTRY_URL", "https://registry-link.example.internal")
    with pytest.raises(RegistryConfigurationError, match="not both"):
        registry_from_environment()


def test_given_the_link_settings_then_parsed_with_defaults(tmp_path: Path) -> None:
    settings = RegistryLinkSettings.from_environ(
        files(tmp_path) | {"KENTEI_REGISTRY_READ_TIMEOUT_S": "4.5"}
    )

    assert settings.url == "https://registry-link.example.internal:8443"
    assert settings.read_timeout_s == 4.5
    assert (settings.connect_timeout_s, settings.max_attempts) == (3.0, 3)
    assert (settings.failure_threshold, settings.cool_down_s, settings.budget_s) == (3, 30.0, 10.0)


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"KENTEI_REGISTRY_URL": "http://registry-link.example.internal"}, "KENTEI_REGISTRY_URL"),
        ({"KENTEI_REGISTRY_CA_BUNDLE": "/nonexistent/ca.pem"}, "KENTEI_REGISTRY_CA_BUNDLE"),
        ({"KENTEI_REGISTRY_CLIENT_KEY": ""}, "KENTEI_REGISTRY_CLIENT_KEY"),
        ({"KENTEI_REGISTRY_READ_TIMEOUT_S": "600"}, "KENTEI_REGISTRY_READ_TIMEOUT_S"),
        ({"KENTEI_REGISTRY_MAX_ATTEMPTS": "many"}, "KENTEI_REGISTRY_MAX_ATTEMPTS"),
    ],
)
def test_given_bad_link_settings_then_the_error_names_the_variable(
    tmp_path: Path, override: dict[str, str], variable: str
) -> None:
    with pytest.raises(RegistryConfigurationError, match=variable):
        RegistryLinkSettings.from_environ(files(tmp_path) | override)
