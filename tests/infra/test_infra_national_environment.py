"""Sync's national-system link on the template: placeholders that fail loudly until a
deployment names the national side, and no other function told where it is."""

from __future__ import annotations

from kentei import catalog
from kentei.national.https import ENVIRONMENT, NationalSettings
from kentei_infra.external import EXTERNAL, external_environment
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate


def _variables(template: SynthesizedTemplate, ids: CatalogResources, name: str) -> dict[str, str]:
    variables: dict[str, str] = template.properties(ids.function(name))["Environment"]["Variables"]
    return variables


def test_sync_is_told_where_the_national_system_is_and_nothing_else_is(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    variables = _variables(template, ids, "sync")

    for variable, (_key, placeholder) in EXTERNAL["sync"].items():
        assert variables[variable] == placeholder
    assert variables[ENVIRONMENT["url"]].endswith(".invalid")
    assert not any("BEGIN" in str(value) for value in variables.values()), "no key material"
    for spec in catalog.FUNCTIONS:
        if spec.name != "sync":
            assert ENVIRONMENT["url"] not in _variables(template, ids, spec.name)


def test_the_settings_are_the_adapters_and_a_deployment_sets_them_in_the_context() -> None:
    required = {
        ENVIRONMENT[field]
        for field, info in NationalSettings.model_fields.items()
        if info.is_required() and field in ENVIRONMENT
    }
    assert set(EXTERNAL["sync"]) == required

    environment = external_environment(
        "sync", {"kentei:national-url": "https://national.example.go.jp"}.get
    )

    assert environment[ENVIRONMENT["url"]] == "https://national.example.go.jp"
    assert environment[ENVIRONMENT["client_key"]].endswith(".pem")
