"""The public verification API, read back from the template: no authorizer on any method (by
design), only the public function's routes, its web ACL with the managed rules and a rate
rule, stage and route throttles, access logs without personal data; and the public
function's role reaching only the published documents."""

from __future__ import annotations

import json
import re

import pytest
from tests.infra.test_infra_api import _api, _methods, _stage

from kentei import catalog
from kentei_infra import routes
from kentei_infra.firewall import ALLOW_RULE, MANAGED_RULE_GROUPS, RATE_RULE
from kentei_infra.inspection import CatalogResources, SynthesizedTemplate
from kentei_infra.settings import PUBLIC_RATE_LIMIT_PER_5_MIN, THROTTLES, physical_name
from public import paths

NAME = "public-api"
(PUBLIC_FUNCTION,) = (spec.name for spec in catalog.FUNCTIONS if spec.public_api)


def test_the_public_api_serves_exactly_the_public_functions_routes(
    template: SynthesizedTemplate,
) -> None:
    declared = {(path, method) for path, methods in paths.METHODS.items() for method in methods}
    assert set(_methods(template, NAME)) == declared
    assert ("/verify", "GET") in declared
    assert ("/.well-known/jwks.json", "GET") in declared


def test_no_public_method_has_an_authorizer_and_each_is_a_proxy_to_the_public_function(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    for (path, method), properties in _methods(template, NAME).items():
        assert properties["AuthorizationType"] == "NONE", (path, method)
        assert "AuthorizerId" not in properties
        assert properties["Integration"]["Type"] == "AWS_PROXY"
        assert template.named(properties["Integration"]["Uri"]) == {ids.function(PUBLIC_FUNCTION)}
        declared = set(properties.get("RequestParameters", {}))
        expected = {f"method.request.path.{p}" for p in re.findall(r"\{([a-z_]+)\}", path)}
        assert declared == expected, (path, method)


def test_the_public_api_has_its_own_web_acl_with_a_rate_rule(
    template: SynthesizedTemplate,
) -> None:
    acl = template.by_property("AWS::WAFv2::WebACL", "Name", physical_name(NAME))
    properties = template.properties(acl)
    assert properties["Scope"] == "REGIONAL"
    assert properties["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in properties["Rules"]}
    assert set(MANAGED_RULE_GROUPS) < rules.keys()
    assert ALLOW_RULE not in rules
    rate = rules[RATE_RULE]["Statement"]["RateBasedStatement"]
    assert (rate["AggregateKeyType"], rate["Limit"]) == ("IP", PUBLIC_RATE_LIMIT_PER_5_MIN)
    assert rules[RATE_RULE]["Action"] == {"Block": {}}
    common = rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    counted = {o["Name"] for o in common["RuleActionOverrides"]}
    # A 2D code's Base45 may hold "../": only the size and path-traversal body rules count.
    assert counted == {"SizeRestrictions_BODY", "GenericLFI_BODY"}
    stage = next(
        logical_id
        for logical_id, resource in template.of_type("AWS::ApiGateway::Stage").items()
        if template.named(resource["Properties"]["RestApiId"]) == {_api(template, NAME)}
    )
    (association,) = (
        resource["Properties"]
        for resource in template.of_type("AWS::WAFv2::WebACLAssociation").values()
        if template.named(resource["Properties"]["WebACLArn"]) == {acl}
    )
    assert template.named(association["ResourceArn"]) >= {stage}


def test_the_stage_and_every_route_are_throttled_and_logged_without_personal_data(
    template: SynthesizedTemplate,
) -> None:
    stage = _stage(template, NAME)
    assert stage["TracingEnabled"] is True
    (everything,) = (s for s in stage["MethodSettings"] if s["ResourcePath"] == "/*")
    by_route = {
        (s["ResourcePath"].removeprefix("/").replace("~1", "/"), s["HttpMethod"]): s
        for s in stage["MethodSettings"]
        if s["ResourcePath"] != "/*"
    }
    public_routes = routes.public_routes()
    assert set(by_route) == {(route.path, route.method) for route in public_routes}
    for route in public_routes:
        setting = by_route[(route.path, route.method)]
        throttle = THROTTLES[route.route_class]
        assert setting["ThrottlingRateLimit"] == throttle.rate_per_s
        assert setting["ThrottlingBurstLimit"] == throttle.burst
        assert throttle.rate_per_s <= everything["ThrottlingRateLimit"]
        assert setting.get("DataTraceEnabled", False) is False
    classes = {(route.path, route.method): route.route_class for route in public_routes}
    assert classes[("/v1/verifications", "POST")] is routes.RouteClass.VERIFICATION
    assert classes[(paths.STATUS_LIST, "GET")] is routes.RouteClass.PUBLISHED
    log_format = stage["AccessLogSetting"]["Format"]
    fields = json.loads(log_format)
    assert fields["route"] == "$context.resourcePath"
    variables = set(re.findall(r"\$context\.[A-Za-z0-9_.:]+", log_format))
    assert "$context.path" not in variables
    assert not [v for v in variables if re.search(r"query|body|header|claims", v, re.I)]


def test_the_public_function_reaches_only_the_published_documents(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    role = ids.role(PUBLIC_FUNCTION)
    statements = [s for s in template.statements() if s.role == role and s.effect == "Allow"]
    s3 = [s for s in statements if any(a.startswith("s3:") for a in s.actions)]
    (read,) = s3
    assert read.actions == {"s3:GetObject"}
    (resource,) = (
        read.raw["Resource"] if isinstance(read.raw["Resource"], list) else [read.raw["Resource"]]
    )
    assert template.named(resource) == {ids.bucket(catalog.CERTIFICATES_BUCKET)}
    assert json.dumps(resource).endswith('/published/*"]]}'), resource
    kms = {a for s in statements for a in s.actions if a.startswith("kms:")}
    assert kms == {"kms:Decrypt"}
    for table in ("records", "vault", "audit", "idempotency"):
        assert template.actions_on(role, ids.table(table)) == set(), table
    for key in ("vault", "blind-index", "fingerprint", "certificate-signing"):
        assert template.actions_on(role, ids.key(key)) == set(), key
    actions = {a for s in statements for a in s.actions}
    assert not {a for a in actions if a.startswith(("dynamodb:", "sqs:", "cognito-idp:"))}


def test_the_public_function_is_told_the_issuer(
    template: SynthesizedTemplate, ids: CatalogResources
) -> None:
    variables = template.properties(ids.function(PUBLIC_FUNCTION))["Environment"]["Variables"]
    assert variables["KENTEI_CREDENTIAL_ISSUER_URL"].startswith("https://")
    assert variables["KENTEI_CREDENTIAL_ISSUER_NAME"]
    assert variables[catalog.bucket(catalog.CERTIFICATES_BUCKET).env_var]


@pytest.mark.parametrize("rule", ["AwsSolutions-APIG4", "AwsSolutions-COG4"])
def test_every_public_method_says_why_it_has_no_authorizer(
    rule: str, template: SynthesizedTemplate
) -> None:
    api = _api(template, NAME)
    for method in template.of_type("AWS::ApiGateway::Method").values():
        if template.named(method["Properties"]["RestApiId"]) != {api}:
            continue
        reasons = method.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
        assert any(r["id"].endswith(rule) and "public by design" in r["reason"] for r in reasons)
