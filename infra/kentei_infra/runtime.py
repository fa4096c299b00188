"""The Lambda runtime and architecture every function and layer is built for.

The runtime is pinned, not "the newest the CDK knows": what is deployed must be what the
tests ran on. :data:`PYTHON_VERSION` is the one place the version is written; the functions,
both layers and the dependency layer's ``pip --python-version`` all follow it, and
``tests/infra`` fails unless every function's runtime is the interpreter the tests run on and
the version mypy checks against (``pyproject.toml``). Moving to a newer Python is one change
here, made together with the interpreter of the test machines.
"""

from __future__ import annotations

from typing import Final

from aws_cdk import aws_lambda as lambda_

PYTHON_VERSION: Final = (3, 11)
"""(major, minor) of the Python the tests run on, hence of every deployed function."""

ARCHITECTURE: Final = lambda_.Architecture.ARM_64
PIP_PLATFORM: Final = "manylinux2014_aarch64"
"""The wheel platform of :data:`ARCHITECTURE` (Lambda's arm64 is Amazon Linux on Graviton)."""


def python_runtime(version: tuple[int, int]) -> lambda_.Runtime:
    """``Runtime.PYTHON_3_11`` for ``(3, 11)``; a version this aws-cdk-lib lacks fails here."""
    major, minor = version
    attribute = f"PYTHON_{major}_{minor}"
    runtime = getattr(lambda_.Runtime, attribute, None)
    if not isinstance(runtime, lambda_.Runtime):
        raise ValueError(f"aws-cdk-lib has no Lambda runtime {attribute}")
    return runtime


def python_version(runtime: lambda_.Runtime) -> str:
    """``"3.11"`` for ``python3.11``: what ``pip --python-version`` takes."""
    return runtime.name.removeprefix("python")


PYTHON_RUNTIME: Final = python_runtime(PYTHON_VERSION)
