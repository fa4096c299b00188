"""Verify's external settings on the template: the registry link and OCSP, never the local ones."""

from __future__ import annotations

import pytest

from kentei import catalog
from kentei_infra.external import (
    EXTERNAL,
    LOCAL_ONLY,
    LocalOnlySettingError,
    external_environment,
)
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate


def _variables(template: SynthesizedTemplate, ids: CatalogResources, name: str) -> dict[str, str]:
    variables: dict[str, str] = template.properties(ids.function(name))["Environment"]["Variables"]
    return variables


@pytest.mark.parametrize("spec", catalog.FUNCTIONS, ids=lambda spec: spec.name)
def test_no_deployed_function_reads_the_local_trust_anchors_crl_folder_or_registry_seed(
    spec: catalog.FunctionSpec, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    assert LOCAL_ONLY.isdisjoint(_variables(template, ids, spec.name))


def test_verify_is_told_where_the_registry_link_and_the_ocsp_responder_are(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    variables = _variables(template, ids, "verify")

    for variable, (_key, placeholder) in EXTERNAL["verify"].items():
        assert variables[variable] == placeholder
    assert variables["KENTEI_REGISTRY_URL"].startswith("https://")
    assert variables["KENTEI_JPKI_OCSP_URL"].startswith("https://")
    assert not any("BEGIN" in str(value) for value in variables.values()), "no key material"


def test_only_verify_talks_to_the_registry(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    for spec in catalog.FUNCTIONS:
        if spec.name != "verify":
            assert "KENTEI_REGISTRY_URL" not in _variables(template, ids, spec.name)


def test_a_deployment_sets_the_registry_link_through_the_cdk_context() -> None:
    context = {"kentei:registry-url": "https://registry-link.example.lg.jp"}

    environment = external_environment("verify", context.get)

    assert environment["KENTEI_REGISTRY_URL"] == "https://registry-link.example.lg.jp"
    assert environment["KENTEI_REGISTRY_CLIENT_KEY"].endswith(".pem")


def test_a_local_only_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        EXTERNAL,
        "certify",
        {"KENTEI_JPKI_TRUST_ANCHORS": ("kentei:anchors", "/tmp/anchors.pem")},
    )

    with pytest.raises(LocalOnlySettingError):
        external_environment("certify", lambda _key: None)
