"""Everything runs in Tokyo; Osaka only for declared DR copies; anything else fails synth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Acknowledgment, App, CfnOutput, CfnResource, Environment, Stack, Validations

from kentei import catalog
from kentei_infra import region_guard
from kentei_infra.assembly import build_app
from kentei_infra.inspection import SynthesizedTemplate


def _stack(app: App, name: str, region: str | None) -> Stack:
    stack = Stack(app, name, env=None if region is None else Environment(region=region))
    CfnResource(stack, "Topic", type="AWS::SNS::Topic")
    return stack


def _synth_fails(app: App, rule: str, detail: str) -> None:
    with pytest.raises(RuntimeError, match=rule) as failure:
        app.synth()
    assert detail in str(failure.value)
    assert "FATAL" in str(failure.value), "a region violation must not be acknowledgeable"


def _guarded_app(outdir: Path) -> tuple[App, region_guard.RegionGuard]:
    app = App(outdir=str(outdir))
    return app, region_guard.install(app)


def test_every_stack_of_the_app_is_pinned_to_tokyo(manifest: dict[str, Any]) -> None:
    stacks = [
        artifact
        for artifact in manifest["artifacts"].values()
        if artifact["type"] == "aws:cloudformation:stack"
    ]
    assert stacks
    for stack in stacks:
        assert stack["environment"].endswith(f"/{catalog.REGION}")


def test_every_region_the_template_names_is_tokyo(template: SynthesizedTemplate) -> None:
    named = {region for _, _, region in region_guard.region_names(dict(template.template))}
    assert named == {catalog.REGION}


@pytest.mark.parametrize(
    "text",
    [
        "ap-northeast-1",
        "arn:aws:kms:us-east-1:1:key/x",
        "sqs.eu-central-2.amazonaws.com",
        "us-gov-west-1",
        "cn-northwest-1",
        "eusc-de-east-1",
        "ap-southeast-7",
        "il-central-1",
    ],
)
def test_region_codes_are_recognised_wherever_they_appear(text: str) -> None:
    template = {"Resources": {"R": {"Properties": {"P": text}}}}
    assert len(list(region_guard.region_names(template))) == 1


@pytest.mark.parametrize("text", ["kentei-records", "python3.14", "2012-10-17", "north-1"])
def test_other_text_is_not_a_region(text: str) -> None:
    template = {"Resources": {"R": {"Properties": {"P": text}}}}
    assert list(region_guard.region_names(template)) == []


@pytest.mark.slow
def test_given_the_kentei_app_when_a_stack_targets_us_east_1_then_synth_fails(
    tmp_path: Path, synth_context: dict[str, Any]
) -> None:
    app = build_app(outdir=str(tmp_path), context=synth_context)
    _stack(app, "Elsewhere", "us-east-1")
    _synth_fails(app, "StackRegion", "Elsewhere")


def test_given_a_guarded_app_when_a_stack_has_no_region_then_synth_fails(tmp_path: Path) -> None:
    app, _ = _guarded_app(tmp_path)
    _stack(app, "Anywhere", None)
    _synth_fails(app, "StackRegion", "environment-agnostic")


def test_given_a_tokyo_stack_when_a_property_names_another_region_then_synth_fails(
    tmp_path: Path,
) -> None:
    app, _ = _guarded_app(tmp_path)
    stack = _stack(app, "Tokyo", catalog.REGION)
    CfnResource(
        stack,
        "Subscription",
        type="AWS::SNS::Subscription",
        properties={"Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-west-2:123456789012:q"},
    )
    _synth_fails(app, "ResourceRegion", "us-west-2")


def test_given_a_tokyo_stack_when_an_output_names_another_region_then_synth_fails(
    tmp_path: Path,
) -> None:
    app, _ = _guarded_app(tmp_path)
    stack = _stack(app, "Tokyo", catalog.REGION)
    CfnOutput(stack, "Endpoint", value="https://sqs.eu-west-1.amazonaws.com/1/q")
    _synth_fails(app, "ResourceRegion", "eu-west-1")


def test_given_a_stack_in_osaka_not_declared_dr_then_synth_fails(tmp_path: Path) -> None:
    app, _ = _guarded_app(tmp_path)
    _stack(app, "Osaka", catalog.DR_REGION)
    _synth_fails(app, "StackRegion", "ap-northeast-3")


def test_given_a_declared_dr_stack_in_osaka_and_tokyo_naming_osaka_then_synth_passes(
    tmp_path: Path,
) -> None:
    app, guard = _guarded_app(tmp_path)
    guard.allow_dr(_stack(app, "Osaka", catalog.DR_REGION))
    tokyo = _stack(app, "Tokyo", catalog.REGION)
    CfnOutput(tokyo, "Replica", value=f"arn:aws:sqs:{catalog.DR_REGION}:123456789012:copy")
    app.synth()


def test_given_a_region_violation_when_acknowledged_then_synth_still_fails(
    tmp_path: Path,
) -> None:
    app, _ = _guarded_app(tmp_path)
    stack = _stack(app, "Virginia", "us-east-1")
    Validations.of(stack).acknowledge(
        Acknowledgment(id=f"{region_guard.PLUGIN_NAME}::{region_guard.STACK_RULE}", reason="no")
    )
    _synth_fails(app, "StackRegion", "us-east-1")
