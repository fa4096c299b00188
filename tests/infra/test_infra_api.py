"""The REST API: ``/v1/{proxy+}`` to intake, logged without bodies, traced, throttled."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kentei import catalog
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate

(API_FUNCTION,) = (spec.name for spec in catalog.FUNCTIONS if spec.api)


@pytest.fixture(scope="module")
def stage(template: SynthesizedTemplate) -> dict[str, Any]:
    (stage,) = template.of_type("AWS::ApiGateway::Stage").values()
    properties: dict[str, Any] = stage["Properties"]
    return properties


def test_the_stage_writes_json_access_logs_to_a_log_group_with_retention(
    stage: dict[str, Any], template: SynthesizedTemplate
) -> None:
    setting = stage["AccessLogSetting"]
    log_group = template.the_one_named(setting["DestinationArn"])
    assert template.resources[log_group]["Type"] == "AWS::Logs::LogGroup"
    assert template.properties(log_group)["RetentionInDays"] > 0
    fields = json.loads(setting["Format"])
    assert {"requestId", "status", "ip"} <= fields.keys()


def test_no_method_setting_traces_request_or_response_data(stage: dict[str, Any]) -> None:
    settings = stage["MethodSettings"]
    assert settings
    for setting in settings:
        assert setting.get("DataTraceEnabled", False) is False


def test_every_method_logs_execution_at_info_and_is_throttled(stage: dict[str, Any]) -> None:
    (everything,) = (
        s for s in stage["MethodSettings"] if (s["HttpMethod"], s["ResourcePath"]) == ("*", "/*")
    )
    assert everything["LoggingLevel"] == "INFO"
    assert everything["ThrottlingRateLimit"] > 0
    assert everything["ThrottlingBurstLimit"] > 0


def test_the_stage_is_traced_with_x_ray(stage: dict[str, Any]) -> None:
    assert stage["TracingEnabled"] is True


def test_the_api_is_regional(template: SynthesizedTemplate) -> None:
    (api,) = template.of_type("AWS::ApiGateway::RestApi").values()
    assert api["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}


def test_v1_proxy_goes_to_intake_as_a_lambda_proxy_integration(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    paths = {
        logical_id: resource["Properties"]["PathPart"]
        for logical_id, resource in template.of_type("AWS::ApiGateway::Resource").items()
    }
    proxy = next(logical_id for logical_id, part in paths.items() if part == "{proxy+}")
    parent = template.the_one_named(template.properties(proxy)["ParentId"])
    assert paths[parent] == "v1"
    (method,) = template.of_type("AWS::ApiGateway::Method").values()
    properties = method["Properties"]
    assert template.the_one_named(properties["ResourceId"]) == proxy
    assert properties["HttpMethod"] == "ANY"
    assert properties["Integration"]["Type"] == "AWS_PROXY"
    assert template.named(properties["Integration"]["Uri"]) == {ids.function(API_FUNCTION)}
    validator = template.the_one_named(properties["RequestValidatorId"])
    assert template.properties(validator)["ValidateRequestParameters"] is True


def test_only_the_api_may_invoke_intake(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    permissions = template.of_type("AWS::Lambda::Permission").values()
    assert permissions
    for permission in permissions:
        properties = permission["Properties"]
        assert properties["Principal"] == "apigateway.amazonaws.com"
        assert template.the_one_named(properties["FunctionName"]) == ids.function(API_FUNCTION)
        assert "test-invoke-stage" not in json.dumps(properties["SourceArn"])
