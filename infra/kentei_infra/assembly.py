"""The CDK app: the kentei stack in Tokyo, guarded by the region guard and cdk-nag.

:func:`build_app` is what ``infra/app.py`` (the ``cdk.json`` entrypoint) and the infra tests
both call, so they synthesize the same thing; the tests only add context (no bundling).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from aws_cdk import App, Environment

from kentei import catalog
from kentei_infra import nag, region_guard, settings
from kentei_infra.stack import KenteiStack, OperationsStack

ENFORCED_CONTEXT: Final[Mapping[str, Any]] = {
    # The app itself fails on a validation finding, however it is run (CLI, python, tests)...
    "@aws-cdk/core:failSynthOnValidationErrors": True,
    # ...warnings included.
    "@aws-cdk/core:strictCfnValidateErrors": True,
}
"""Set after the CLI's context, so ``cdk synth -c ...`` cannot relax them."""


def project_context() -> dict[str, Any]:
    """The ``context`` of ``cdk.json`` (feature flags), which the CLI passes too."""
    context: dict[str, Any] = json.loads(settings.CDK_JSON.read_text(encoding="utf-8"))["context"]
    return context


def build_app(*, outdir: str | None = None, context: Mapping[str, Any] | None = None) -> App:
    app = App(
        outdir=outdir,
        context={**project_context(), **(context or {})},
        post_cli_context=ENFORCED_CONTEXT,
        analytics_reporting=False,
    )
    stack = KenteiStack(
        app,
        settings.STACK_ID,
        stack_name=settings.STACK_NAME,
        description="kentei: back office of the national skills tests (技能検定)",
        # Account left to deploy time: the templates do not depend on who synthesizes them.
        env=Environment(region=catalog.REGION),
        termination_protection=True,
    )
    operations = OperationsStack(
        app,
        settings.OPERATIONS_STACK_ID,
        stack_name=settings.OPERATIONS_STACK_NAME,
        description="kentei: alarms, their topic and the operations dashboard",
        env=Environment(region=catalog.REGION),
        termination_protection=True,
    )
    # Deployed after what it watches (`cdk deploy --all`); no reference, no export.
    operations.add_stack_dependency(stack)
    region_guard.install(app)
    nag.install(app)
    return app
