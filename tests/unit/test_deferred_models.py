"""A cold request builds the pydantic models it validates, not every model its imports define:
each model of ours defers its schema build (``defer_build``), and importing every handler
(and every router of intake's) builds only the few a module-level value is made of (issue 14,
cold start)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Final

from tests.unit.cold_start import REPO

HANDLERS: Final = ("intake", "verify", "sync", "certify", "signins", "accounts", "public")
OURS: Final = frozenset({"kentei", *HANDLERS})
BUILT_AT_IMPORT: Final = frozenset(
    {
        # A module-level value is one of these (a constant, a default), so it is built then.
        "kentei.applications.model.Reason",
        "kentei.registry.model.RegistryRecord",
        "kentei.results.imports.mappings.HistoricalValues",
        "kentei.results.imports.mappings.Values",
        "kentei.results.imports.mappings.YesNo",
        "kentei.retention.periods.FiscalYearStart",
        "kentei.retention.periods.Period",
    }
)
SCRIPT: Final = f"""
import importlib, json
import pydantic
from intake.paths import ROUTERS
# Intake imports a request's router when it first answers it: every router counts too.
for name in {[f"{h}.handler" for h in HANDLERS]!r} + list(ROUTERS):
    importlib.import_module(name)

def below(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from below(sub)

ours = [m for m in below(pydantic.BaseModel) if m.__module__.split(".")[0] in {sorted(OURS)!r}]
print(json.dumps({{
    "models": len(ours),
    "eager": sorted(f"{{m.__module__}}.{{m.__qualname__}}" for m in ours
                    if not m.model_config.get("defer_build")),
    "built": sorted(f"{{m.__module__}}.{{m.__qualname__}}" for m in ours
                    if m.__pydantic_complete__),
}}))
"""


def _after_import() -> dict[str, object]:
    env = {"AWS_DEFAULT_REGION": "ap-northeast-1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_given_every_handler_imported_then_our_models_are_built_only_when_used() -> None:
    found = _after_import()
    models, eager, built = found["models"], found["eager"], found["built"]

    assert isinstance(models, int)
    assert isinstance(built, list)
    assert models > 300, "the handlers' imports define our models"
    assert eager == [], "a model of ours without defer_build"
    assert set(built) <= BUILT_AT_IMPORT
