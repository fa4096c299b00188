"""The web ACLs: the staff API's admits only the permitted terminals, through AWS's managed
rule groups and a rate limit; the bridge API's has the same rules without the allowlist."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.infra.deployment import DEPLOYMENT_CONTEXT

from kentei_infra import deploy_context
from kentei_infra.firewall import ALLOW_RULE, MANAGED_RULE_GROUPS, RATE_RULE
from kentei_infra.inspection import SynthesizedTemplate
from kentei_infra.settings import (
    BRIDGE_RATE_LIMIT_PER_5_MIN,
    STAFF_RATE_LIMIT_PER_5_MIN,
    physical_name,
)

REQUIRED_GROUPS = {
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
}


def _acl(template: SynthesizedTemplate, api: str) -> tuple[str, dict[str, Any]]:
    logical_id = template.by_property("AWS::WAFv2::WebACL", "Name", physical_name(api))
    properties: dict[str, Any] = dict(template.properties(logical_id))
    return logical_id, properties


def _stage_of(template: SynthesizedTemplate, api: str) -> str:
    rest_api = template.by_property("AWS::ApiGateway::RestApi", "Name", physical_name(api))
    (stage,) = (
        logical_id
        for logical_id, resource in template.of_type("AWS::ApiGateway::Stage").items()
        if template.named(resource["Properties"]["RestApiId"]) == {rest_api}
    )
    return stage


def _rules(properties: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in properties["Rules"]}


@pytest.mark.parametrize("api", ["staff-api", "bridge-api"])
def test_each_api_stage_has_its_own_regional_web_acl(
    api: str, template: SynthesizedTemplate
) -> None:
    acl, properties = _acl(template, api)
    assert properties["Scope"] == "REGIONAL"
    (association,) = (
        resource["Properties"]
        for resource in template.of_type("AWS::WAFv2::WebACLAssociation").values()
        if template.named(resource["Properties"]["WebACLArn"]) == {acl}
    )
    assert template.named(association["ResourceArn"]) >= {_stage_of(template, api)}


@pytest.mark.parametrize("api", ["staff-api", "bridge-api"])
def test_the_managed_rule_groups_apply_before_anything_is_allowed(
    api: str, template: SynthesizedTemplate
) -> None:
    _, properties = _acl(template, api)
    rules = _rules(properties)
    assert set(MANAGED_RULE_GROUPS) == REQUIRED_GROUPS
    allow_priority = rules[ALLOW_RULE]["Priority"] if ALLOW_RULE in rules else 1_000
    for group in REQUIRED_GROUPS:
        rule = rules[group]
        statement = rule["Statement"]["ManagedRuleGroupStatement"]
        assert (statement["VendorName"], statement["Name"]) == ("AWS", group)
        assert rule["OverrideAction"] == {"None": {}}, "the group's own block actions apply"
        assert rule["Priority"] < allow_priority
        for override in statement.get("RuleActionOverrides", []):
            # Only the body size rule is counted: submissions carry attachments.
            assert (group, override["Name"]) == (
                "AWSManagedRulesCommonRuleSet",
                "SizeRestrictions_BODY",
            )


@pytest.mark.parametrize(
    ("api", "limit"),
    [("staff-api", STAFF_RATE_LIMIT_PER_5_MIN), ("bridge-api", BRIDGE_RATE_LIMIT_PER_5_MIN)],
)
def test_a_rate_based_rule_blocks_a_flooding_address(
    api: str, limit: int, template: SynthesizedTemplate
) -> None:
    _, properties = _acl(template, api)
    rule = _rules(properties)[RATE_RULE]
    assert rule["Action"] == {"Block": {}}
    statement = rule["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"
    assert statement["Limit"] == limit


def test_the_staff_web_acl_blocks_by_default_and_allows_only_the_listed_terminals(
    template: SynthesizedTemplate,
) -> None:
    _, properties = _acl(template, "staff-api")
    assert properties["DefaultAction"] == {"Block": {}}
    rules = _rules(properties)
    allows = [name for name, rule in rules.items() if "Allow" in rule.get("Action", {})]
    assert allows == [ALLOW_RULE]
    rule = rules[ALLOW_RULE]
    assert rule["Priority"] == max(r["Priority"] for r in rules.values()), "evaluated last"
    references = [
        template.the_one_named(statement["IPSetReferenceStatement"]["Arn"])
        for statement in rule["Statement"]["OrStatement"]["Statements"]
    ]
    listed: set[str] = set()
    for ip_set in references:
        set_properties = template.properties(ip_set)
        assert set_properties["Scope"] == "REGIONAL"
        listed |= set(set_properties["Addresses"])
    given = DEPLOYMENT_CONTEXT[deploy_context.STAFF_ALLOWED_CIDRS]
    assert listed == {cidr for cidrs in given.values() for cidr in cidrs}


def test_the_bridge_web_acl_has_no_allowlist(template: SynthesizedTemplate) -> None:
    _, properties = _acl(template, "bridge-api")
    assert ALLOW_RULE not in _rules(properties)
    assert properties["DefaultAction"] == {"Allow": {}}


@pytest.mark.parametrize("api", ["staff-api", "bridge-api"])
def test_each_web_acl_logs_its_decisions_without_tokens_or_query_strings(
    api: str, template: SynthesizedTemplate
) -> None:
    acl, _ = _acl(template, api)
    (logging,) = (
        resource["Properties"]
        for resource in template.of_type("AWS::WAFv2::LoggingConfiguration").values()
        if template.named(resource["Properties"]["ResourceArn"]) == {acl}
    )
    (destination,) = logging["LogDestinationConfigs"]
    rendered = json.dumps(destination)
    name = f"aws-waf-logs-{physical_name(api)}"
    assert f"log-group:{name}" in rendered
    (log_group,) = (
        logical_id
        for logical_id, resource in template.of_type("AWS::Logs::LogGroup").items()
        if resource["Properties"].get("LogGroupName") == name
    )
    assert template.properties(log_group)["RetentionInDays"] > 0
    assert template.resources[log_group]["DeletionPolicy"] == "Retain"
    redacted = logging["RedactedFields"]
    assert {"SingleHeader": {"Name": "authorization"}} in redacted
    assert {"QueryString": {}} in redacted
