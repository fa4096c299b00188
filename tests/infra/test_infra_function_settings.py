"""How the functions run, by deployment setting: tracing (Lambda's active tracing without an SDK,
or OpenTelemetry's layer) and SnapStart (a published version and an alias every caller
invokes). Absent, neither OpenTelemetry nor SnapStart is in the template."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pytest
from aws_cdk import aws_lambda as lambda_

from kentei import catalog
from kentei_infra import deploy_context
from kentei_infra.assembly import build_app
from kentei_infra.deploy_context import ContextError
from kentei_infra.functions import ALIAS
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.settings import STACK_ID

OTEL_LAYER: Final = (
    "arn:aws:lambda:ap-northeast-1:615299751070:layer:AWSOpenTelemetryDistroPython:11"
)
"""The shape of the ADOT Python layer's ARN in Tokyo (an operator's value, not a default)."""


def test_by_default_functions_are_traced_by_lambda_alone_and_have_no_snapstart(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    for spec in catalog.FUNCTIONS:
        function = template.properties(ids.function(spec.name))
        assert function["TracingConfig"] == {"Mode": "Active"}
        assert "SnapStart" not in function
        variables = function["Environment"]["Variables"]
        assert "AWS_LAMBDA_EXEC_WRAPPER" not in variables
        assert not [name for name in variables if name.startswith("POWERTOOLS_TRACE")]
        assert len(function["Layers"]) == 2, "the kentei layer and the dependency layer only"
    assert not template.of_type("AWS::Lambda::Alias")
    assert not template.of_type("AWS::Lambda::Version")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({deploy_context.TRACING: "xray"}, "neither 'active' nor 'opentelemetry'"),
        ({deploy_context.TRACING: "opentelemetry"}, "kentei:otelLayerArn"),
        (
            {
                deploy_context.TRACING: "opentelemetry",
                deploy_context.OTEL_LAYER_ARN: OTEL_LAYER.replace("ap-northeast-1", "us-east-1"),
            },
            "kentei:otelLayerArn",
        ),
        ({deploy_context.OTEL_LAYER_ARN: OTEL_LAYER}, "only read with kentei:tracing"),
    ],
)
def test_a_wrong_tracing_setting_fails_synth(given: dict[str, str], message: str) -> None:
    with pytest.raises(ContextError, match=message):
        deploy_context.tracing(given.get)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), (False, False), ("false", False), (True, True), ("true", True)],
)
def test_snapstart_is_true_or_false(value: object, expected: bool) -> None:
    assert deploy_context.snap_start(value) is expected


def test_a_wrong_snapstart_value_fails_synth() -> None:
    with pytest.raises(ContextError, match="kentei:snapStart"):
        deploy_context.snap_start("yes")


def test_snapstart_on_the_pinned_runtime_fails_synth_with_the_reason(
    tmp_path: Path, synth_context: dict[str, Any]
) -> None:
    """Lambda offers SnapStart from Python 3.12; the runtime is pinned to 3.11."""
    with pytest.raises(
        ContextError, match=r"kentei:snapStart: Lambda has no SnapStart for python3\.11"
    ):
        build_app(outdir=str(tmp_path), context={**synth_context, deploy_context.SNAP_START: True})


@pytest.fixture(scope="module")
def switched_on(
    tmp_path_factory: pytest.TempPathFactory, synth_context: dict[str, Any]
) -> SynthesizedTemplate:
    """The app with SnapStart and OpenTelemetry on, the runtime moved to 3.12 for this synth
    only (the move itself is one change in ``kentei_infra.runtime``, with the test machines'
    interpreter): what the settings do once the runtime offers SnapStart."""
    outdir = tmp_path_factory.mktemp("cdk.out.switched-on")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("kentei_infra.functions.PYTHON_RUNTIME", lambda_.Runtime.PYTHON_3_12)
        patch.setattr("kentei_infra.layers.PYTHON_RUNTIME", lambda_.Runtime.PYTHON_3_12)
        context = {
            **synth_context,
            deploy_context.SNAP_START: "true",
            deploy_context.TRACING: "opentelemetry",
            deploy_context.OTEL_LAYER_ARN: OTEL_LAYER,
        }
        build_app(outdir=str(outdir), context=context).synth()
    return SynthesizedTemplate.load(outdir / f"{STACK_ID}.template.json")


def test_with_snapstart_each_function_publishes_a_version_behind_its_alias(
    switched_on: SynthesizedTemplate,
) -> None:
    ids = CatalogResources(switched_on)
    aliases = switched_on.of_type("AWS::Lambda::Alias")
    versions = switched_on.of_type("AWS::Lambda::Version")
    assert len(aliases) == len(versions) == len(catalog.FUNCTIONS)
    for spec in catalog.FUNCTIONS:
        function_id = ids.function(spec.name)
        assert switched_on.properties(function_id)["SnapStart"] == {"ApplyOn": "PublishedVersions"}
        (version_id,) = (
            v
            for v, r in versions.items()
            if switched_on.named(r["Properties"]["FunctionName"]) == {function_id}
        )
        (alias,) = (
            a["Properties"]
            for a in aliases.values()
            if switched_on.named(a["Properties"]["FunctionName"]) == {function_id}
        )
        assert alias["Name"] == ALIAS
        assert switched_on.named(alias["FunctionVersion"]) == {version_id}


def test_with_snapstart_every_caller_invokes_the_alias(switched_on: SynthesizedTemplate) -> None:
    """``$LATEST`` has no snapshot: the queues' and the stream's mappings, the APIs'
    permissions and integrations and the user pool's trigger all name an alias."""
    aliases = set(switched_on.of_type("AWS::Lambda::Alias"))
    functions = set(switched_on.of_type("AWS::Lambda::Function"))
    mappings = switched_on.of_type("AWS::Lambda::EventSourceMapping")
    assert mappings
    for mapping in mappings.values():
        assert switched_on.the_one_named(mapping["Properties"]["FunctionName"]) in aliases
    permissions = switched_on.of_type("AWS::Lambda::Permission")
    assert permissions
    for permission in permissions.values():
        named = switched_on.named(permission["Properties"]["FunctionName"])
        assert named & aliases
        assert not named & functions
    methods = switched_on.of_type("AWS::ApiGateway::Method")
    uris = [
        m["Properties"]["Integration"]["Uri"]
        for m in methods.values()
        if "Integration" in m["Properties"] and "Uri" in m["Properties"]["Integration"]
    ]
    assert uris
    for uri in uris:
        named = switched_on.named(uri)
        assert named & aliases
        assert not named & functions
    (pool,) = switched_on.of_type("AWS::Cognito::UserPool").values()
    trigger = pool["Properties"]["LambdaConfig"]["PostAuthentication"]
    assert switched_on.the_one_named(trigger) in aliases


def test_with_opentelemetry_each_function_runs_under_the_layers_wrapper(
    switched_on: SynthesizedTemplate,
) -> None:
    ids = CatalogResources(switched_on)
    for spec in catalog.FUNCTIONS:
        function = switched_on.properties(ids.function(spec.name))
        assert OTEL_LAYER in function["Layers"]
        assert len(function["Layers"]) == 3
        variables = function["Environment"]["Variables"]
        assert variables["AWS_LAMBDA_EXEC_WRAPPER"] == deploy_context.OTEL_WRAPPER
        # Its spans reach X-Ray through Lambda's active tracing, as without it.
        assert function["TracingConfig"] == {"Mode": "Active"}
