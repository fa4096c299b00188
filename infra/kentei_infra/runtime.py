"""The Lambda runtime and architecture every function and layer is built for."""

from __future__ import annotations

import re
from typing import Final

from aws_cdk import aws_lambda as lambda_

_PYTHON_3_MINOR: Final = re.compile(r"^PYTHON_3_(\d+)$")

ARCHITECTURE: Final = lambda_.Architecture.ARM_64
PIP_PLATFORM: Final = "manylinux2014_aarch64"
"""The wheel platform of :data:`ARCHITECTURE` (Lambda's arm64 is Amazon Linux on Graviton)."""


def newest_python_runtime() -> lambda_.Runtime:
    """The newest ``Runtime.PYTHON_3_*`` this aws-cdk-lib offers: upgrading the CDK upgrades it."""
    minors = {
        int(match.group(1)): attribute
        for attribute in dir(lambda_.Runtime)
        if (match := _PYTHON_3_MINOR.match(attribute))
    }
    runtime: lambda_.Runtime = getattr(lambda_.Runtime, minors[max(minors)])
    return runtime


def python_version(runtime: lambda_.Runtime) -> str:
    """``"3.14"`` for ``python3.14``: what ``pip --python-version`` takes."""
    return runtime.name.removeprefix("python")


PYTHON_RUNTIME: Final = newest_python_runtime()
