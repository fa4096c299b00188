"""The runtime that is tested is the one deployed: every function and layer is pinned to the
Python these tests run on (the CDK's newest runtime is one nothing here has run on)."""

from __future__ import annotations

import sys
import tomllib

import pytest

from kentei_infra import runtime, settings
from kentei_infra.inspection import SynthesizedTemplate

TESTED_PYTHON = f"python{sys.version_info.major}.{sys.version_info.minor}"


def test_every_function_runs_on_the_python_the_tests_run_on(
    template: SynthesizedTemplate,
) -> None:
    functions = template.of_type("AWS::Lambda::Function")
    assert functions
    runtimes = {logical_id: f["Properties"]["Runtime"] for logical_id, f in functions.items()}
    assert runtimes == dict.fromkeys(functions, TESTED_PYTHON)


def test_every_layer_is_built_for_the_python_the_tests_run_on(
    template: SynthesizedTemplate,
) -> None:
    layers = template.of_type("AWS::Lambda::LayerVersion")
    assert layers
    for layer in layers.values():
        assert layer["Properties"]["CompatibleRuntimes"] == [TESTED_PYTHON]


def test_the_pin_is_the_version_mypy_checks_against() -> None:
    pyproject = tomllib.loads((settings.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    major, minor = runtime.PYTHON_VERSION
    assert pyproject["tool"]["mypy"]["python_version"] == f"{major}.{minor}"
    assert runtime.python_version(runtime.PYTHON_RUNTIME) == f"{major}.{minor}"


def test_a_version_the_cdk_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="PYTHON_3_99"):
        runtime.python_runtime((3, 99))
