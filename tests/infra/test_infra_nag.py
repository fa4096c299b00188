"""cdk-nag: nothing unacknowledged, warnings included; every acknowledgment used and reasoned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from kentei_infra import nag
from kentei_infra.assembly import ENFORCED_CONTEXT
from kentei_infra.inspection import SynthesizedTemplate

PACKS = ("AwsSolutions", "Serverless")
MIN_REASON_LENGTH = 40


def _acknowledgments(template: SynthesizedTemplate) -> set[tuple[str, str]]:
    return {
        (logical_id, entry["id"].split("::", 1)[1])
        for logical_id, resource in template.resources.items()
        for entry in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    }


def _logical_ids_by_path(template: SynthesizedTemplate) -> dict[str, str]:
    return {
        resource["Metadata"]["aws:cdk:path"]: logical_id
        for logical_id, resource in template.resources.items()
        if "aws:cdk:path" in resource.get("Metadata", {})
    }


def _nagged_app(outdir: Path) -> tuple[App, Stack]:
    app = App(outdir=str(outdir), post_cli_context=ENFORCED_CONTEXT)
    nag.install(app)
    return app, Stack(app, "Nagged", env=Environment(region="ap-northeast-1"))


def test_both_packs_ran_and_report_no_unacknowledged_finding(
    validation_report: dict[str, Any],
) -> None:
    reports = {report["pluginName"]: report for report in validation_report["pluginReports"]}
    assert set(PACKS) <= reports.keys()
    for report in validation_report["pluginReports"]:
        assert report["conclusion"] == "success", report["pluginName"]
        assert report["violations"] == [], report["pluginName"]


def test_every_acknowledgment_has_a_specific_reason(template: SynthesizedTemplate) -> None:
    entries = [
        entry
        for resource in template.resources.values()
        for entry in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]
    assert entries
    for entry in entries:
        assert len(entry["reason"].strip()) >= MIN_REASON_LENGTH, entry


def test_every_acknowledgment_suppresses_a_finding_and_every_suppression_is_acknowledged(
    template: SynthesizedTemplate, validation_report: dict[str, Any]
) -> None:
    """No stale acknowledgment (one that suppresses nothing) and none missing from the template."""
    by_path = _logical_ids_by_path(template)
    suppressed = {
        (by_path[construct["constructPath"]], violation["ruleName"])
        for report in validation_report["pluginReports"]
        for violation in report.get("suppressedViolations", [])
        for construct in violation["violatingConstructs"]
    }
    for report in validation_report["pluginReports"]:
        for violation in report.get("suppressedViolations", []):
            assert violation["reason"].strip(), violation["ruleName"]
    assert _acknowledgments(template) == suppressed


def test_given_an_unacknowledged_error_then_synth_fails(tmp_path: Path) -> None:
    app, stack = _nagged_app(tmp_path)
    sqs.Queue(stack, "Bare")
    with pytest.raises(RuntimeError, match="AwsSolutions-SQS3"):
        app.synth()


def test_given_only_an_unacknowledged_warning_then_synth_fails(tmp_path: Path) -> None:
    app, stack = _nagged_app(tmp_path)
    # Compliant with every rule but one warning: no active tracing (Serverless-LambdaTracing).
    lambda_.CfnFunction(
        stack,
        "Untraced",
        role="arn:aws:iam::123456789012:role/r",
        runtime=lambda_.Runtime.PYTHON_3_14.name,
        handler="index.handler",
        code=lambda_.CfnFunction.CodeProperty(zip_file="def handler(e, c): pass"),
        memory_size=128,
        timeout=3,
        dead_letter_config=lambda_.CfnFunction.DeadLetterConfigProperty(
            target_arn="arn:aws:sqs:ap-northeast-1:123456789012:dlq"
        ),
    )
    with pytest.raises(RuntimeError, match="Serverless-LambdaTracing"):
        app.synth()


def test_given_an_acknowledgment_without_a_reason_then_it_is_refused(tmp_path: Path) -> None:
    _, stack = _nagged_app(tmp_path)
    with pytest.raises(ValueError, match="reason"):
        nag.acknowledge(stack, "AwsSolutions-SQS3", "  ")
