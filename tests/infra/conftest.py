"""The kentei app, synthesized once per session with bundling skipped, read back as JSON.

Synthesis runs the region guard and both cdk-nag packs: if anything is unacknowledged, the
session fixture itself fails. Bundling is skipped (no layer is built, nothing is downloaded);
everything else is what ``cdk synth`` writes, including the construct-path and asset metadata
the CLI asks for: construct paths map the validation report to logical ids, asset paths lead to
the staged function code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import pytest
from tests.infra.deployment import DEPLOYMENT_CONTEXT
from tests.xdist_groups import group_under

from kentei_infra import settings
from kentei_infra.assembly import build_app
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate

TEST_CONTEXT: Final = {
    "aws:cdk:bundling-stacks": [],
    # What the CLI asks for too: construct paths and asset paths in resource metadata.
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    **DEPLOYMENT_CONTEXT,
}


SYNTH_GROUP: Final = "infra-synth"
"""The xdist group of every test of this tier: ``make test`` runs with ``--dist loadgroup``, so
one worker synthesizes the app (about 20 s) and runs them all, instead of each worker
synthesizing it for its share."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    group_under(Path(__file__).parent, items, lambda _: SYNTH_GROUP)


@pytest.fixture(scope="session")
def synth_context() -> dict[str, Any]:
    """Context to synthesize with, in a test: no bundling, path metadata as the CLI writes."""
    return dict(TEST_CONTEXT)


@pytest.fixture(scope="session")
def assembly_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("cdk.out")
    build_app(outdir=str(outdir), context=TEST_CONTEXT).synth()
    return outdir


@pytest.fixture(scope="session")
def template_path(assembly_dir: Path) -> Path:
    return assembly_dir / f"{settings.STACK_ID}.template.json"


@pytest.fixture(scope="session")
def template(template_path: Path) -> SynthesizedTemplate:
    return SynthesizedTemplate.load(template_path)


@pytest.fixture(scope="session")
def ids(template: SynthesizedTemplate) -> CatalogResources:
    return CatalogResources(template)


@pytest.fixture(scope="session")
def manifest(assembly_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((assembly_dir / "manifest.json").read_text())
    return loaded


@pytest.fixture(scope="session")
def validation_report(assembly_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((assembly_dir / "validation-report.json").read_text())
    return loaded
