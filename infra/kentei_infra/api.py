"""The REST API in front of intake: ``/v1/{proxy+}``, a Lambda proxy integration."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from kentei_infra import nag
from kentei_infra.settings import (
    API_STAGE,
    API_THROTTLE_BURST,
    API_THROTTLE_RATE_PER_S,
    LOG_RETENTION,
    physical_name,
)

API_VERSION = "v1"


class Api(Construct):
    """A regional REST API whose every ``/v1/...`` request goes to ``handler`` as is.

    The stage writes JSON access logs to a retained log group, execution logs at INFO with data
    tracing off (a request or response body never reaches a log: invariant 7), X-Ray traces and
    metrics, and throttles the whole stage. Regional, not edge-optimized: requests enter AWS in
    Tokyo, not at a CloudFront edge anywhere in the world.
    """

    def __init__(self, scope: Construct, construct_id: str, *, handler: lambda_.IFunction) -> None:
        super().__init__(scope, construct_id)
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.RETAIN
        )
        self.rest_api = apigateway.RestApi(
            self,
            "RestApi",
            rest_api_name=physical_name("api"),
            description="kentei: the bridges' and staff's HTTPS API (intake)",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            # Execution logging needs the account-level CloudWatch role; keep it when the stack
            # goes, since every REST API of the account and region shares it.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            deploy_options=apigateway.StageOptions(
                stage_name=API_STAGE,
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=True,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
                logging_level=apigateway.MethodLoggingLevel.INFO,
                data_trace_enabled=False,
                metrics_enabled=True,
                tracing_enabled=True,
                throttling_rate_limit=API_THROTTLE_RATE_PER_S,
                throttling_burst_limit=API_THROTTLE_BURST,
            ),
        )
        # API Gateway checks the parameters the method declares (the proxy path); the body
        # is validated by intake, from the signed bytes, rejecting unknown fields (invariant 8).
        validator = self.rest_api.add_request_validator(
            "RequestValidator", validate_request_body=True, validate_request_parameters=True
        )
        # The method is added explicitly: add_proxy's default_method_options drops the
        # request validator.
        proxy = self.rest_api.root.add_resource(API_VERSION).add_proxy(any_method=False)
        method = proxy.add_method(
            "ANY",
            apigateway.LambdaIntegration(handler, proxy=True, allow_test_invoke=False),
            request_validator=validator,
            request_parameters={"method.request.path.proxy": True},
        )
        self._acknowledge(method)

    def _acknowledge(self, method: apigateway.Method) -> None:
        no_authorizer = (
            "No authorizer yet: authenticating the bridges and staff is a later issue. "
            "Must be resolved, not acknowledged, before the API takes real traffic."
        )
        nag.acknowledge(nag.resource(method), "AwsSolutions-APIG4", no_authorizer)
        nag.acknowledge(nag.resource(method), "AwsSolutions-COG4", no_authorizer)
        nag.acknowledge(
            nag.resource(self.rest_api.deployment_stage),
            "AwsSolutions-APIG3",
            "No WAF web ACL yet: it comes with the authorizer in a later issue; until then "
            "stage throttling bounds the request rate.",
        )
        nag.acknowledge(
            nag.resource(self.rest_api.node.find_child("CloudWatchRole")),
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]",
            "API Gateway's account-level CloudWatch role, shared by every REST API of the "
            "account and region, so it cannot be scoped to this API; AWS's managed policy for "
            "it grants only CloudWatch Logs actions.",
        )
