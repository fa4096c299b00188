"""The two REST APIs, read back from the template: every method authenticated (a Cognito
authorizer on the staff API, mutual TLS on the bridge API), each route where intake serves it,
throttled by its class, logged without personal data, traced."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from tests.infra.deployment import DEPLOYMENT_CONTEXT

from intake import paths
from kentei import catalog
from kentei_infra import deploy_context, routes
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.settings import THROTTLES, physical_name

(API_FUNCTION,) = (spec.name for spec in catalog.FUNCTIONS if spec.api)
APIS = ("staff-api", "bridge-api")


def _api(template: SynthesizedTemplate, name: str) -> str:
    return template.by_property("AWS::ApiGateway::RestApi", "Name", physical_name(name))


def _stage(template: SynthesizedTemplate, name: str) -> dict[str, Any]:
    api = _api(template, name)
    (stage,) = (
        resource["Properties"]
        for resource in template.of_type("AWS::ApiGateway::Stage").values()
        if template.named(resource["Properties"]["RestApiId"]) == {api}
    )
    properties: dict[str, Any] = stage
    return properties


def _stage_id(template: SynthesizedTemplate, name: str) -> str:
    api = _api(template, name)
    (stage,) = (
        logical_id
        for logical_id, resource in template.of_type("AWS::ApiGateway::Stage").items()
        if template.named(resource["Properties"]["RestApiId"]) == {api}
    )
    return stage


def _paths(template: SynthesizedTemplate, api: str) -> dict[str, str]:
    """Resource logical id → full path, for the resources of ``api``."""
    resources = {
        logical_id: resource["Properties"]
        for logical_id, resource in template.of_type("AWS::ApiGateway::Resource").items()
        if template.named(resource["Properties"]["RestApiId"]) == {api}
    }

    def full(logical_id: str) -> str:
        properties = resources[logical_id]
        parent = template.named(properties["ParentId"]) & resources.keys()
        prefix = full(next(iter(parent))) if parent else ""
        return f"{prefix}/{properties['PathPart']}"

    return {logical_id: full(logical_id) for logical_id in resources}


def _methods(template: SynthesizedTemplate, name: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(path, HTTP method) → the method's properties, for API ``name``."""
    api = _api(template, name)
    by_id = _paths(template, api)
    found = {}
    for method in template.of_type("AWS::ApiGateway::Method").values():
        properties = method["Properties"]
        if template.named(properties["RestApiId"]) != {api}:
            continue
        (resource,) = template.named(properties["ResourceId"])
        found[(by_id[resource], properties["HttpMethod"])] = properties
    return found


def _expected(api_routes: list[routes.Route]) -> set[tuple[str, str]]:
    return {(route.path, route.method) for route in api_routes}


def test_the_staff_api_serves_exactly_intakes_routes(template: SynthesizedTemplate) -> None:
    from_intake = {
        (routes.api_path(template_path), method)
        for template_path, methods in paths.METHODS.items()
        for method in methods
    }
    assert set(_methods(template, "staff-api")) == from_intake


def test_the_bridge_api_serves_only_submit_status_and_health(
    template: SynthesizedTemplate,
) -> None:
    assert set(_methods(template, "bridge-api")) == {
        ("/v1/applications", "POST"),
        ("/v1/applications/{application_id}", "GET"),
        ("/v1/change-requests", "POST"),
        ("/v1/change-requests/{request_id}", "GET"),
        ("/v1/initial-registrations", "POST"),
        ("/v1/initial-registrations/{registration_id}", "GET"),
        ("/v1/health", "GET"),
    }


def test_every_protected_staff_route_takes_a_cognito_id_token_and_only_the_rest_is_public(
    template: SynthesizedTemplate,
) -> None:
    (authorizer_id,) = template.of_type("AWS::ApiGateway::Authorizer")
    authorizer = template.properties(authorizer_id)
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["IdentitySource"] == "method.request.header.Authorization"
    (pool,) = template.of_type("AWS::Cognito::UserPool")
    assert {template.the_one_named(arn) for arn in authorizer["ProviderARNs"]} == {pool}
    public = set()
    for (path, method), properties in _methods(template, "staff-api").items():
        if properties["AuthorizationType"] == "NONE":
            public.add(path)
            assert "AuthorizerId" not in properties
            continue
        assert properties["AuthorizationType"] == "COGNITO_USER_POOLS", (path, method)
        assert template.the_one_named(properties["AuthorizerId"]) == authorizer_id
        # ID tokens: an authorizer with OAuth scopes would take access tokens instead, which
        # carry no custom:prefecture_code.
        assert "AuthorizationScopes" not in properties
    assert public == set(routes.PUBLIC_PATHS)
    # Public: the contract and the published national data, never a route with personal data.
    assert public == {
        paths.HEALTH,
        paths.OPENAPI,
        paths.DOCUMENT_SCHEMA,
        paths.CHANGE_DOCUMENT_SCHEMA,
        paths.EXAM_CATALOGUE,
        paths.EXAM_ROUNDS,
    }


def test_every_method_is_authenticated_by_a_cognito_authorizer_or_by_mutual_tls(
    template: SynthesizedTemplate,
) -> None:
    """The issue's rule, whole: on either API, a method without an authorizer is health or
    the contract (and the published national data), or it is on the API reachable only over
    mutual TLS."""
    public = set(routes.PUBLIC_PATHS)
    bridge = _api(template, "bridge-api")
    (domain,) = template.of_type("AWS::ApiGateway::DomainName").values()
    assert domain["Properties"]["MutualTlsAuthentication"]["TruststoreUri"]
    assert template.properties(bridge)["DisableExecuteApiEndpoint"] is True
    for name in APIS:
        for (path, method), properties in _methods(template, name).items():
            if properties["AuthorizationType"] == "COGNITO_USER_POOLS":
                continue
            assert path in public or name == "bridge-api", (name, path, method)


def test_the_bridge_api_is_reachable_only_through_its_mutual_tls_domain(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    bridge = _api(template, "bridge-api")
    assert template.properties(bridge)["DisableExecuteApiEndpoint"] is True
    (domain_id,) = template.of_type("AWS::ApiGateway::DomainName")
    domain = template.properties(domain_id)
    assert domain["DomainName"] == DEPLOYMENT_CONTEXT[deploy_context.BRIDGE_DOMAIN_NAME]
    assert (
        domain["RegionalCertificateArn"]
        == (DEPLOYMENT_CONTEXT[deploy_context.BRIDGE_CERTIFICATE_ARN])
    )
    assert domain["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert domain["SecurityPolicy"] == "TLS_1_2"
    mtls = domain["MutualTlsAuthentication"]
    assert template.named(mtls["TruststoreUri"]) == {ids.bucket(catalog.TRUSTSTORE_BUCKET)}
    uri = mtls["TruststoreUri"]["Fn::Join"][1]
    assert uri[0] == "s3://"
    assert uri[-1] == "/" + DEPLOYMENT_CONTEXT[deploy_context.BRIDGE_TRUSTSTORE_KEY]
    assert mtls["TruststoreVersion"] == DEPLOYMENT_CONTEXT[deploy_context.BRIDGE_TRUSTSTORE_VERSION]
    (mapping,) = template.of_type("AWS::ApiGateway::BasePathMapping").values()
    assert template.named(mapping["Properties"]["DomainName"]) == {domain_id}
    assert template.named(mapping["Properties"]["RestApiId"]) == {bridge}
    assert "BasePath" not in mapping["Properties"], "paths are /v1/... as on the staff API"


def test_the_staff_api_keeps_its_execute_api_endpoint_behind_the_web_acl(
    template: SynthesizedTemplate,
) -> None:
    staff = template.properties(_api(template, "staff-api"))
    assert staff.get("DisableExecuteApiEndpoint", False) is False


def test_intake_is_told_which_certificate_is_which_bridge(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    variables = template.properties(ids.function(API_FUNCTION))["Environment"]["Variables"]
    clients = json.loads(variables["KENTEI_BRIDGE_CLIENTS"])
    assert {client["channel"] for client in clients} == {"mynaportal", "egov"}
    for client in clients:
        assert set(client) == {"channel", "subject", "issuer"}
        assert ", " not in client["subject"], "DNs as the function compares them"


@pytest.mark.parametrize("name", APIS)
def test_the_stage_writes_json_access_logs_without_personal_data(
    name: str, template: SynthesizedTemplate
) -> None:
    setting = _stage(template, name)["AccessLogSetting"]
    log_group = template.the_one_named(setting["DestinationArn"])
    assert template.resources[log_group]["Type"] == "AWS::Logs::LogGroup"
    assert template.properties(log_group)["RetentionInDays"] > 0
    assert template.resources[log_group]["DeletionPolicy"] == "Retain"
    fields = json.loads(setting["Format"])
    assert {"requestId", "ip", "route", "status", "latencyMs"} <= fields.keys()
    assert fields["route"] == "$context.resourcePath"
    variables = set(re.findall(r"\$context\.[A-Za-z0-9_.:]+", setting["Format"]))
    # The concrete path may carry what a person typed; query strings, bodies, headers and
    # tokens are never logged; the staff user appears only by Cognito's opaque sub.
    for refused in ("$context.path", "$context.requestOverride", "$context.responseOverride"):
        assert refused not in variables
    forbidden = re.compile(r"querystring|query|body|header|username|email|claims\.(?!sub$)", re.I)
    assert not [variable for variable in variables if forbidden.search(variable)]


def test_the_staff_log_names_the_user_by_sub_and_the_bridge_log_by_certificate(
    template: SynthesizedTemplate,
) -> None:
    staff = json.loads(_stage(template, "staff-api")["AccessLogSetting"]["Format"])
    bridge = json.loads(_stage(template, "bridge-api")["AccessLogSetting"]["Format"])
    assert staff["principal"] == "$context.authorizer.claims.sub"
    assert bridge["clientCertSubject"] == "$context.identity.clientCert.subjectDN"


@pytest.mark.parametrize("name", APIS)
def test_no_method_setting_traces_request_or_response_data(
    name: str, template: SynthesizedTemplate
) -> None:
    settings = _stage(template, name)["MethodSettings"]
    assert settings
    for setting in settings:
        assert setting.get("DataTraceEnabled", False) is False
        assert setting["LoggingLevel"] == "INFO"


@pytest.mark.parametrize("name", APIS)
def test_the_whole_stage_is_throttled_and_traced(name: str, template: SynthesizedTemplate) -> None:
    stage = _stage(template, name)
    (everything,) = (
        s for s in stage["MethodSettings"] if (s["HttpMethod"], s["ResourcePath"]) == ("*", "/*")
    )
    assert everything["ThrottlingRateLimit"] > 0
    assert everything["ThrottlingBurstLimit"] > 0
    assert stage["TracingEnabled"] is True


@pytest.mark.parametrize(
    ("name", "api_routes"),
    [("staff-api", routes.staff_routes()), ("bridge-api", routes.bridge_routes())],
)
def test_every_route_is_throttled_by_its_class(
    name: str, api_routes: list[routes.Route], template: SynthesizedTemplate
) -> None:
    stage = _stage(template, name)
    (everything,) = (s for s in stage["MethodSettings"] if s["ResourcePath"] == "/*")
    # CloudFormation's form: a leading slash, then the path with each slash as ~1.
    by_route = {
        (s["ResourcePath"].removeprefix("/").replace("~1", "/"), s["HttpMethod"]): s
        for s in stage["MethodSettings"]
        if s["ResourcePath"] != "/*"
    }
    assert set(by_route) == _expected(api_routes)
    for route in api_routes:
        setting = by_route[(route.path, route.method)]
        throttle = THROTTLES[route.route_class]
        assert setting["ThrottlingRateLimit"] == throttle.rate_per_s
        assert setting["ThrottlingBurstLimit"] == throttle.burst
        assert throttle.rate_per_s <= everything["ThrottlingRateLimit"]
        assert throttle.burst <= everything["ThrottlingBurstLimit"]


def test_the_public_paths_are_exactly_those_the_functions_gate_lets_through() -> None:
    """Two lists that must agree: the authorizer on the API and the gate in the function. A
    route the gate protects but the API left public (or the reverse) fails here."""
    for template_path in paths.METHODS:
        public = template_path in routes.PUBLIC_PATHS
        assert public == (paths.PROTECTED.match(template_path) is None), template_path


def test_a_route_nobody_named_public_is_protected() -> None:
    assert routes.route_class("/v1/admin/accounts", "GET") is routes.RouteClass.STAFF
    assert routes.route_class("/v1/audit", "GET") is routes.RouteClass.STAFF


def test_each_route_class_is_where_intake_puts_it() -> None:
    classes = {(r.path, r.method): r.route_class for r in routes.staff_routes()}
    assert classes[("/v1/applications", "POST")] is routes.RouteClass.SUBMIT
    assert classes[("/v1/applications/{application_id}", "GET")] is routes.RouteClass.STATUS
    assert classes[("/v1/review/applications", "GET")] is routes.RouteClass.REVIEW
    assert classes[("/v1/health", "GET")] is routes.RouteClass.PUBLIC
    assert classes[("/v1/change-requests", "POST")] is routes.RouteClass.CHANGE_REQUEST
    assert classes[("/v1/change-requests/{request_id}", "GET")] is routes.RouteClass.STATUS


@pytest.mark.parametrize("name", APIS)
def test_the_apis_are_regional(name: str, template: SynthesizedTemplate) -> None:
    api = template.properties(_api(template, name))
    assert api["EndpointConfiguration"] == {"Types": ["REGIONAL"]}


@pytest.mark.parametrize("name", APIS)
def test_every_method_is_a_lambda_proxy_to_intake_with_its_path_parameters_checked(
    name: str, template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    for (path, method), properties in _methods(template, name).items():
        assert properties["Integration"]["Type"] == "AWS_PROXY"
        assert template.named(properties["Integration"]["Uri"]) == {ids.function(API_FUNCTION)}
        validator = template.the_one_named(properties["RequestValidatorId"])
        assert template.properties(validator)["ValidateRequestParameters"] is True
        declared = set(properties.get("RequestParameters", {}))
        expected = {f"method.request.path.{p}" for p in re.findall(r"\{([a-z_]+)\}", path)}
        assert declared == expected, (path, method)


def test_only_the_apis_may_invoke_intake_and_each_permission_names_one_method(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    """Intake is invoked by the staff and bridge APIs only, the public function by the public
    API only, each permission for one method of one API."""
    intake = ids.function(API_FUNCTION)
    (public_name,) = (spec.name for spec in catalog.FUNCTIONS if spec.public_api)
    public = ids.function(public_name)
    permissions = [
        permission
        for permission in template.of_type("AWS::Lambda::Permission").values()
        if template.the_one_named(permission["Properties"]["FunctionName"]) in (intake, public)
        or permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]
    assert permissions
    invoking = {
        intake: {_api(template, name) for name in APIS},
        public: {_api(template, "public-api")},
    }
    for permission in permissions:
        properties = permission["Properties"]
        assert properties["Principal"] == "apigateway.amazonaws.com"
        function = template.the_one_named(properties["FunctionName"])
        assert function in invoking
        source = json.dumps(properties["SourceArn"])
        assert "test-invoke-stage" not in source
        assert len(template.named(properties["SourceArn"]) & invoking[function]) == 1


def test_intake_has_reserved_concurrency(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    reserved = template.properties(ids.function(API_FUNCTION))["ReservedConcurrentExecutions"]
    assert reserved == catalog.function(API_FUNCTION).reserved_concurrency
    assert reserved > 0
    # Lambda keeps 100 of an account's default 1,000 unreserved.
    total = sum(spec.reserved_concurrency or 0 for spec in catalog.FUNCTIONS)
    assert total <= 900


@pytest.mark.parametrize("name", APIS)
def test_what_api_gateway_refuses_itself_is_a_problem_document_like_intakes(
    name: str, template: SynthesizedTemplate
) -> None:
    api = _api(template, name)
    responses = {
        resource["Properties"]["ResponseType"]: resource["Properties"]
        for resource in template.of_type("AWS::ApiGateway::GatewayResponse").values()
        if template.named(resource["Properties"]["RestApiId"]) == {api}
    }
    assert {"UNAUTHORIZED", "MISSING_AUTHENTICATION_TOKEN", "WAF_FILTERED"} <= responses.keys()
    for response_type, properties in responses.items():
        headers = properties["ResponseParameters"]
        assert headers["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
        problem = json.loads(properties["ResponseTemplates"]["application/json"])
        assert problem["type"].startswith("urn:kentei:problem:")
        assert str(problem["status"]) == properties["StatusCode"], response_type
    assert responses["UNAUTHORIZED"]["StatusCode"] == "401"
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"
    if name == "staff-api":
        www = responses["UNAUTHORIZED"]["ResponseParameters"]
        assert www["gatewayresponse.header.WWW-Authenticate"] == "'Bearer'"


def test_the_outputs_name_the_staff_endpoint_the_pool_and_the_bridge_dns_target_only(
    template: SynthesizedTemplate,
) -> None:
    outputs = template.template["Outputs"]
    staff, bridge = _api(template, "staff-api"), _api(template, "bridge-api")
    named = {name: template.named(output["Value"]) for name, output in outputs.items()}
    assert {"StaffUserPoolId", "StaffClientId", "BridgeDomainTarget"} <= named.keys()
    assert any(staff in refs for refs in named.values()), "the staff API's URL"
    assert not any(bridge in refs for refs in named.values()), "no dead execute-api URL"
