"""What each function and layer ships: its own package only, no bytecode, the layer layout."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from aws_cdk import DockerImage

from kentei import catalog
from kentei_infra import settings
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.layers import CopyPackage, dependencies_digest


@pytest.mark.parametrize("spec", catalog.FUNCTIONS, ids=lambda spec: spec.name)
def test_each_function_ships_only_its_own_package_and_its_handler_resolves(
    spec: catalog.FunctionSpec,
    template: SynthesizedTemplate,
    ids: CatalogResources,
    assembly_dir: Path,
) -> None:
    function = template.resources[ids.function(spec.name)]
    asset = assembly_dir / function["Metadata"]["aws:asset:path"]
    package, module, attribute = spec.handler.split(".")
    assert [entry.name for entry in asset.iterdir()] == [package]
    source = (asset / package / f"{module}.py").read_text(encoding="utf-8")
    assert f"def {attribute}(" in source or f"{attribute} =" in source
    assert not [p for p in asset.rglob("*") if p.name == "__pycache__" or p.suffix == ".pyc"]


def test_the_shared_layer_holds_the_kentei_package_under_python_without_bytecode(
    tmp_path: Path,
) -> None:
    scratch = tmp_path / "source" / "kentei"
    scratch.mkdir(parents=True)
    (scratch / "catalog.py").write_text("REGION = 'ap-northeast-1'\n")
    (scratch / "__pycache__").mkdir()
    (scratch / "__pycache__" / "catalog.cpython-314.pyc").write_bytes(b"")
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    assert CopyPackage(scratch).try_bundle(str(bundled), image=DockerImage.from_registry("x"))
    files = sorted(str(p.relative_to(bundled)) for p in bundled.rglob("*") if p.is_file())
    assert files == ["python/kentei/catalog.py"]


def test_the_dependency_layer_cache_key_follows_the_pins(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pydantic==2.14.3\n")
    before = dependencies_digest(requirements, settings.CONSTRAINTS_FILE)
    requirements.write_text("pydantic==2.14.4\n")
    assert dependencies_digest(requirements, settings.CONSTRAINTS_FILE) != before


def test_the_dependency_layer_pins_exactly_the_projects_runtime_dependencies() -> None:
    project = tomllib.loads((settings.REPO_ROOT / "pyproject.toml").read_text())["project"]
    pins = [
        line
        for line in settings.REQUIREMENTS_FILE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert sorted(pins) == sorted(project["dependencies"])
