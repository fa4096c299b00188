"""The two Lambda layers: the shared ``kentei`` package and the pinned third-party dependencies.

Both are bundled on this machine (``ILocalBundling``), never in Docker: the ``kentei`` layer is
a copy of ``layers/kentei`` under ``python/``; the dependency layer is ``pip install`` of
``layers/requirements.txt`` (transitive versions pinned by ``constraints.txt``, so the layer
holds what the tests ran against) for the Lambda platform, cached under ``.cache/layers`` by a
hash of the pins and the target, so a repeated synth copies instead of downloading. With
bundling skipped (context ``aws:cdk:bundling-stacks`` = ``[]``, as the infra tests do) neither
bundler runs and nothing is downloaded.

Every asset ships bytecode for the pinned runtime (:func:`compile_tree`): ``compileall`` by an
interpreter of :data:`~kentei_infra.runtime.PYTHON_VERSION`, with ``unchecked-hash``
invalidation (the runtime loads the ``.pyc`` without comparing timestamps, which a zip does not
keep) and file names as the runtime sees them (``/opt/python/...``, ``/var/task/...``), so
Lambda never compiles at init and tracebacks name the deployed paths.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Final

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from kentei_infra import settings
from kentei_infra.runtime import (
    ARCHITECTURE,
    PIP_PLATFORM,
    PYTHON_RUNTIME,
    PYTHON_VERSION,
    python_version,
)

_LAYER_ROOT: Final = "python"
"""Lambda puts ``/opt/python`` on ``sys.path``: a layer's packages live under ``python/``."""
_NOT_PACKAGED: Final = ("__pycache__", "*.pyc")
LAYER_MOUNT: Final = "/opt"
"""Where Lambda extracts a layer: its ``python/`` is ``/opt/python``."""
INVALIDATION_MODE: Final = "unchecked-hash"
"""The ``.pyc`` carries its source's hash and is loaded without a check: an asset never changes
under a deployed function, and Lambda's read-only file system could not rewrite one anyway."""


class BytecodeError(RuntimeError):
    """The asset's code could not be byte-compiled for the pinned runtime."""


def runtime_interpreter() -> str:
    """An interpreter of the pinned runtime's version: this one (the tests and the CDK app run
    on it, ``tests/infra`` asserts so), never another version's bytecode."""
    if sys.version_info[:2] != PYTHON_VERSION:
        raise BytecodeError(
            f"bytecode for {PYTHON_RUNTIME.name} needs Python {python_version(PYTHON_RUNTIME)}, "
            f"not {sys.version_info.major}.{sys.version_info.minor}"
        )
    return sys.executable


def compile_tree(root: Path, runtime_dir: str, *, strict: bool = True) -> None:
    """Byte-compile every ``.py`` under ``root`` into ``__pycache__`` for the pinned runtime,
    naming each file as ``runtime_dir`` joined with its path under ``root``.

    A fixed hash seed keeps the output the same from one synth to the next (set and frozenset
    constants are marshalled in hash order). With ``strict`` a file that does not compile fails
    the asset (our own code); without, it is left as it is (a third-party file that does not
    compile on this Python, a template or an example, cannot be imported by the runtime either).
    """
    result = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [
            runtime_interpreter(),
            "-m",
            "compileall",
            "-q",
            "-f",
            "--invalidation-mode",
            INVALIDATION_MODE,
            "-d",
            runtime_dir,
            str(root),
        ],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if strict and result.returncode != 0:
        raise BytecodeError(f"compileall failed under {root}: {result.stdout[-2000:]}")


@jsii.implements(ILocalBundling)
class CopyPackage:
    """Copies a Python package into ``python/<package>`` of the layer."""

    def __init__(self, package_dir: Path) -> None:
        self._package_dir = package_dir

    def try_bundle(self, output_dir: str, *, image: DockerImage, **_options: Any) -> bool:
        shutil.copytree(
            self._package_dir,
            Path(output_dir, _LAYER_ROOT, self._package_dir.name),
            ignore=shutil.ignore_patterns(*_NOT_PACKAGED),
            dirs_exist_ok=True,
        )
        compile_tree(Path(output_dir), LAYER_MOUNT)
        return True


@jsii.implements(ILocalBundling)
class PipInstall:
    """``pip install`` of a requirements file for the Lambda platform, through a local cache."""

    def __init__(self, requirements: Path, constraints: Path, cache_dir: Path, digest: str) -> None:
        self._requirements = requirements
        self._constraints = constraints
        self._cached = cache_dir / f"dependencies-{digest}"

    def try_bundle(self, output_dir: str, *, image: DockerImage, **_options: Any) -> bool:
        if not self._cached.is_dir():
            self._install_into_cache()
        shutil.copytree(self._cached, output_dir, dirs_exist_ok=True)
        return True

    def _install_into_cache(self) -> None:
        self._cached.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".pip-", dir=self._cached.parent))
        try:
            # A fixed argument list, no shell: this interpreter's pip and the repo's own pins.
            subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-compile",
                    "--platform",
                    PIP_PLATFORM,
                    "--implementation",
                    "cp",
                    "--python-version",
                    python_version(PYTHON_RUNTIME),
                    "--only-binary=:all:",
                    "--target",
                    str(scratch / _LAYER_ROOT),
                    "--requirement",
                    str(self._requirements),
                    "--constraint",
                    str(self._constraints),
                ],
                check=True,
            )
            compile_tree(scratch, LAYER_MOUNT, strict=False)
            # A rename is atomic: an interrupted install never leaves a half-filled entry.
            scratch.rename(self._cached)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def dependencies_digest(requirements: Path, constraints: Path) -> str:
    """What the dependency layer depends on: the pins and the target platform."""
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(constraints.read_bytes())
    digest.update(f"{PYTHON_RUNTIME.name}/{PIP_PLATFORM}/{INVALIDATION_MODE}".encode())
    return digest.hexdigest()


class Layers(Construct):
    """The ``kentei`` layer and the dependency layer, for the runtime and architecture in use."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        # Only local bundling is used; the image is never pulled when try_bundle succeeds.
        image = PYTHON_RUNTIME.bundling_image
        self.shared = lambda_.LayerVersion(
            self,
            "Shared",
            description="kentei: the shared domain package",
            compatible_runtimes=[PYTHON_RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            code=lambda_.Code.from_asset(
                str(settings.SHARED_PACKAGE_DIR),
                exclude=list(_NOT_PACKAGED),
                bundling=BundlingOptions(
                    image=image, local=CopyPackage(settings.SHARED_PACKAGE_DIR)
                ),
            ),
        )
        digest = dependencies_digest(settings.REQUIREMENTS_FILE, settings.CONSTRAINTS_FILE)
        self.dependencies = lambda_.LayerVersion(
            self,
            "Dependencies",
            description="kentei: third-party dependencies pinned in layers/requirements.txt",
            compatible_runtimes=[PYTHON_RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            code=lambda_.Code.from_asset(
                str(settings.REQUIREMENTS_FILE.parent),
                exclude=["*", f"!{settings.REQUIREMENTS_FILE.name}"],
                asset_hash=digest,
                asset_hash_type=AssetHashType.CUSTOM,
                bundling=BundlingOptions(
                    image=image,
                    local=PipInstall(
                        settings.REQUIREMENTS_FILE,
                        settings.CONSTRAINTS_FILE,
                        settings.CACHE_DIR,
                        digest,
                    ),
                ),
            ),
        )

    @property
    def all(self) -> list[lambda_.ILayerVersion]:
        return [self.shared, self.dependencies]
