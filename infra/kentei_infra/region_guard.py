"""Fail synth when a stack or a resource targets a region outside Japan's allowed two.

Every stack is pinned to :data:`kentei.catalog.REGION` (Tokyo). A stack may be in
:data:`kentei.catalog.DR_REGION` (Osaka) only if it was declared a disaster-recovery stack
with :meth:`RegionGuard.allow_dr`; and no template may name any other region in a resource
property or output (an ARN, an endpoint, a replica region), whatever stack it is in.

The guard is a validation plugin: it reads the synthesized templates, so it sees what will be
deployed, property overrides included. A violation fails synth like a cdk-nag finding does,
but unlike one it cannot be acknowledged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import jsii
from aws_cdk import (
    App,
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
    Stack,
    Validations,
)

from kentei import catalog

PLUGIN_NAME: Final = "KenteiRegionGuard"
STACK_RULE: Final = "StackRegion"
PROPERTY_RULE: Final = "ResourceRegion"
REGION_NAME: Final = re.compile(
    r"\b[a-z]{2,4}(?:-(?:gov|iso[a-z]?|[a-z]{2}))?"
    r"-(?:north|south|east|west|central)(?:east|west)?-\d{1,2}\b"
)
"""An AWS region code: ``ap-northeast-1``, ``us-gov-west-1``, ``eusc-de-east-1``..."""
_SCANNED_SECTIONS: Final = ("Resources", "Outputs", "Parameters", "Mappings", "Conditions")
_NOT_ACKNOWLEDGEABLE: Final = "fatal"
"""CDK lets ``Validations.acknowledge`` suppress any finding but a fatal one: where the data
lives is not a finding to acknowledge."""
_NOT_SCANNED: Final = frozenset({"Metadata"})
"""Construct paths and acknowledgment reasons are prose, not configuration."""


@jsii.implements(IPolicyValidationPlugin)
class RegionGuard:
    """The plugin; :func:`install` registers one on an app."""

    def __init__(self) -> None:
        self._dr_stacks: set[str] = set()

    def allow_dr(self, stack: Stack) -> None:
        """Let ``stack`` be deployed in the DR region (it holds disaster-recovery copies)."""
        self._dr_stacks.add(stack.node.path)

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def rule_ids(self) -> list[str]:
        return [STACK_RULE, PROPERTY_RULE]

    @property
    def version(self) -> str:
        return "1.0.0"

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        violations: list[PolicyViolation] = []
        for stack in context.stack_templates:
            allowed = {catalog.REGION}
            if stack.stack_construct_path in self._dr_stacks:
                allowed.add(catalog.DR_REGION)
            if stack.region not in allowed:
                violations.append(_stack_violation(stack.stack_construct_path, stack.region))
            template = json.loads(Path(stack.template_path).read_text(encoding="utf-8"))
            for logical_id, location, region in region_names(template):
                if region not in catalog.ALLOWED_REGIONS:
                    violations.append(
                        _property_violation(stack.template_path, logical_id, location, region)
                    )
        return PolicyValidationPluginReport(success=not violations, violations=violations)


def install(app: App) -> RegionGuard:
    """Register the guard on ``app``; keep the result to declare DR stacks."""
    guard = RegionGuard()
    Validations.of(app).add_plugins(guard)
    return guard


def region_names(template: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """Every region code a template names: (logical id or section, location, region)."""
    for section in _SCANNED_SECTIONS:
        for entry_id, entry in template.get(section, {}).items():
            for location, text in _strings(entry, section):
                for match in REGION_NAME.finditer(text):
                    yield entry_id, location, match.group(0)


def _strings(value: Any, location: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield location, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_SCANNED:
                yield from _strings(key, location)
                yield from _strings(item, f"{location}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{location}/{index}")


def _stack_violation(stack_path: str, region: str | None) -> PolicyViolation:
    where = "no region (environment-agnostic)" if region is None else f"region {region}"
    return PolicyViolation(
        rule_name=STACK_RULE,
        severity=_NOT_ACKNOWLEDGEABLE,
        description=(
            f"Stack {stack_path} targets {where}; kentei stacks must be pinned to "
            f"{catalog.REGION} ({catalog.DR_REGION} only for declared DR stacks)."
        ),
        fix=f"Give the stack env=Environment(region='{catalog.REGION}').",
        violating_resources=[PolicyViolatingResource(construct_path=stack_path, locations=[])],
    )


def _property_violation(
    template_path: str, logical_id: str, location: str, region: str
) -> PolicyViolation:
    return PolicyViolation(
        rule_name=PROPERTY_RULE,
        severity=_NOT_ACKNOWLEDGEABLE,
        description=(
            f"{logical_id} names region {region} at {location}; only "
            f"{', '.join(sorted(catalog.ALLOWED_REGIONS))} are allowed."
        ),
        violating_resources=[
            PolicyViolatingResource(
                resource_logical_id=logical_id, template_path=template_path, locations=[location]
            )
        ],
    )
