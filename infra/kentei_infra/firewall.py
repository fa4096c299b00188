"""WAFv2 web ACLs in front of the API stages.

Rules, in the order WAF evaluates them (the first terminating action wins):

1. AWS's IP reputation list, known bad inputs and the common rule set (managed rule groups;
   their own actions apply). The common rule set's ``SizeRestrictions_BODY`` only counts:
   submissions carry attachments of up to 10 MB, and intake bounds sizes itself (API Gateway
   refuses more than 10 MB before it).
2. A rate-based rule per source address (:data:`kentei_infra.settings.STAFF_RATE_LIMIT_PER_5_MIN`).
3. The staff web ACL only: an allow rule for the permitted terminals' networks (from the
   context, per prefecture office); everything else meets the default action, **block**. With
   no networks listed, the staff API admits nobody.

The bridge web ACL has no allowlist (mutual TLS decides who connects) and allows by default
what the rules above let through.

Each web ACL logs its decisions (which terminal was refused, by which rule) to a retained log
group, with the ``Authorization`` header (a staff member's token) and the query string
redacted: the log says who was refused from where, never what they carried.
"""

from __future__ import annotations

from typing import Final

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from kentei_infra.deploy_context import StaffCidrs
from kentei_infra.settings import LOG_RETENTION, physical_name

MANAGED_RULE_GROUPS: Final = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesCommonRuleSet",
)
COUNT_ONLY: Final = {"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)}
"""Managed rules that only count here, with the reason in the module docstring."""
PUBLIC_COUNT_ONLY: Final = {
    "AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY", "GenericLFI_BODY"),
}
"""The public API's: a 2D code's Base45 text holds ``.`` and ``/``, so about one code in two
hundred contains ``../``, which ``GenericLFI_BODY`` blocks as a path traversal; the public
function reads no file and no path from a body, so the rule only counts there."""
WAF_LOG_PREFIX: Final = "aws-waf-logs-"
"""WAF delivers only to log groups whose name starts so."""
REDACTED_HEADERS: Final = ("authorization",)
RATE_RULE: Final = "RateLimitPerAddress"
ALLOW_RULE: Final = "PermittedTerminals"


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True,
        metric_name=name,
        sampled_requests_enabled=True,
    )


def _managed(
    priority: int, name: str, count_only: dict[str, tuple[str, ...]] | None = None
) -> wafv2.CfnWebACL.RuleProperty:
    overrides = [
        wafv2.CfnWebACL.RuleActionOverrideProperty(
            name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
        )
        for rule in (count_only or COUNT_ONLY).get(name, ())
    ]
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS", name=name, rule_action_overrides=overrides or None
            )
        ),
        visibility_config=_visibility(name),
    )


def _rate(priority: int, limit: int) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=RATE_RULE,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                aggregate_key_type="IP", limit=limit, evaluation_window_sec=300
            )
        ),
        visibility_config=_visibility(RATE_RULE),
    )


class WebAcl(Construct):
    """A regional web ACL associated with ``stage``; with ``allowlist``, default block."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        stage: apigateway.Stage,
        rate_limit: int,
        allowlist: StaffCidrs | None,
        count_only: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        rules = [
            _managed(priority, group, count_only)
            for priority, group in enumerate(MANAGED_RULE_GROUPS)
        ]
        rules.append(_rate(len(rules), rate_limit))
        if allowlist is not None:
            rules.append(self._allow(len(rules), name, allowlist))
        default = (
            wafv2.CfnWebACL.DefaultActionProperty(allow={})
            if allowlist is None
            else wafv2.CfnWebACL.DefaultActionProperty(block={})
        )
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=physical_name(name),
            scope="REGIONAL",
            default_action=default,
            rules=rules,
            visibility_config=_visibility(physical_name(name)),
        )
        wafv2.CfnWebACLAssociation(
            self,
            "Association",
            resource_arn=stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
        self._log(name)

    def _log(self, name: str) -> None:
        log_group_name = f"{WAF_LOG_PREFIX}{physical_name(name)}"
        log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=log_group_name,
            retention=LOG_RETENTION,
            removal_policy=RemovalPolicy.RETAIN,
        )
        configuration = wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.web_acl.attr_arn,
            # WAF takes the log group's ARN without the ":*" a LogGroup's ARN ends with.
            log_destination_configs=[
                Stack.of(self).format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=log_group_name,
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
            redacted_fields=[
                *(
                    wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": h})
                    for h in REDACTED_HEADERS
                ),
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(query_string={}),
            ],
        )
        configuration.node.add_dependency(log_group)

    def _allow(self, priority: int, name: str, cidrs: StaffCidrs) -> wafv2.CfnWebACL.RuleProperty:
        """One IP set per IP version (a set holds one), both always present (possibly empty)
        so adding the first IPv6 office changes a set's addresses, not the web ACL's rules."""
        references = [
            wafv2.CfnWebACL.StatementProperty(
                ip_set_reference_statement=wafv2.CfnWebACL.IPSetReferenceStatementProperty(
                    arn=wafv2.CfnIPSet(
                        self,
                        f"Terminals{version}",
                        name=physical_name(f"{name}-terminals-{version.lower()}"),
                        scope="REGIONAL",
                        ip_address_version=version,
                        addresses=addresses,
                        description="kentei: networks of the permitted staff terminals",
                    ).attr_arn
                )
            )
            for version, addresses in (("IPV4", cidrs.ipv4), ("IPV6", cidrs.ipv6))
        ]
        return wafv2.CfnWebACL.RuleProperty(
            name=ALLOW_RULE,
            priority=priority,
            action=wafv2.CfnWebACL.RuleActionProperty(allow={}),
            statement=wafv2.CfnWebACL.StatementProperty(
                or_statement=wafv2.CfnWebACL.OrStatementProperty(statements=references)
            ),
            visibility_config=_visibility(ALLOW_RULE),
        )
