"""What each function and layer ships: its own package only, the layer layout, and bytecode
for the pinned runtime beside every source file (hash-based, unchecked, with the deployed path
as its file name)."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import marshal
import tomllib
import zipfile
from pathlib import Path
from typing import Final

import pytest
from aws_cdk import DockerImage

from kentei import catalog
from kentei_infra import settings
from kentei_infra.functions import TASK_ROOT, sources_digest, stage_package
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.layers import CopyPackage, PipInstall, dependencies_digest
from kentei_infra.runtime import PYTHON_VERSION

PYTHON_311_MAGIC: Final = (3495).to_bytes(2, "little") + b"\r\n"
"""``importlib.util.MAGIC_NUMBER`` of CPython 3.11 (Lib/importlib/_bootstrap_external.py)."""
UNCHECKED_HASH: Final = 0b01
"""The ``.pyc`` flags of ``--invalidation-mode unchecked-hash``: hash-based, not checked."""


def assert_compiled(root: Path, runtime_dir: str, *, skip: frozenset[str] = frozenset()) -> int:
    """Every ``.py`` under ``root`` has its ``__pycache__/<name>.cpython-311.pyc``: 3.11's magic
    number, the unchecked-hash flags, the hash of this very source, and the file name the
    runtime sees. How many were checked."""
    assert PYTHON_VERSION == (3, 11), "this test reads 3.11 bytecode"
    sources = [p for p in root.rglob("*.py") if p.name not in skip]
    for source in sources:
        compiled = source.parent / "__pycache__" / f"{source.stem}.cpython-311.pyc"
        assert compiled.is_file(), f"no bytecode for {source.relative_to(root)}"
        data = compiled.read_bytes()
        assert data[:4] == PYTHON_311_MAGIC
        assert int.from_bytes(data[4:8], "little") == UNCHECKED_HASH
        assert data[8:16] == importlib.util.source_hash(source.read_bytes())
        code = marshal.loads(data[16:])
        assert code.co_filename == f"{runtime_dir}/{source.relative_to(root)}"
    return len(sources)


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
    assert assert_compiled(asset, TASK_ROOT) >= 2
    # Exactly the sources of the repository's package, and no bytecode of another version.
    assert sources_digest(asset / package) == sources_digest(settings.FUNCTIONS_DIR / package)
    assert not [p for p in asset.rglob("*.pyc") if "cpython-311" not in p.name]


def test_a_changed_source_is_staged_anew_and_compiled(tmp_path: Path) -> None:
    package = tmp_path / "functions" / "probe"
    package.mkdir(parents=True)
    (package / "handler.py").write_text("handler = 1\n")
    first = stage_package(package, tmp_path / "cache")
    assert stage_package(package, tmp_path / "cache") == first
    (package / "handler.py").write_text("handler = 2\n")
    second = stage_package(package, tmp_path / "cache")
    assert second != first
    assert assert_compiled(second, TASK_ROOT) == 1


def test_the_shared_layer_ships_bytecode_for_every_module(tmp_path: Path) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    CopyPackage(settings.SHARED_PACKAGE_DIR).try_bundle(
        str(bundled), image=DockerImage.from_registry("x")
    )
    assert assert_compiled(bundled, "/opt") > 100


def _wheel(directory: Path, files: dict[str, str]) -> None:
    """A pure-Python wheel of ``tinydep`` 1.0, with its RECORD (pip checks the hashes)."""
    info = "tinydep-1.0.dist-info"
    files = {
        **files,
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: tinydep\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    with zipfile.ZipFile(directory / "tinydep-1.0-py3-none-any.whl", "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        wheel.writestr(f"{info}/RECORD", "\n".join(record) + "\n")


def test_the_dependency_layer_ships_bytecode_for_what_pip_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dependency layer's bundler end to end, offline: ``pip install`` from a local wheel
    for the Lambda platform, then compiled; a file this Python cannot compile (an example in
    another dialect) is left as it is, as the runtime could not import it either."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(
        wheels,
        {
            "tinydep/__init__.py": "from tinydep.core import VALUE\n",
            "tinydep/core.py": "VALUE = frozenset({'a', 'b', 'c'})\n",
            "tinydep/legacy_example.py": "print 'python 2'\n",
        },
    )
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("tinydep==1.0\n")
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    digest = dependencies_digest(requirements, constraints)
    bundler = PipInstall(requirements, constraints, tmp_path / "cache", digest)
    assert bundler.try_bundle(str(bundled), image=DockerImage.from_registry("x"))
    assert (bundled / "python" / "tinydep" / "core.py").is_file()
    assert assert_compiled(bundled, "/opt", skip=frozenset({"legacy_example.py"})) == 2


def test_the_shared_layer_holds_the_kentei_package_under_python(
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
    # The source's own bytecode (another Python's) is never copied; the layer's is compiled.
    assert files == [
        "python/kentei/__pycache__/catalog.cpython-311.pyc",
        "python/kentei/catalog.py",
    ]


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
