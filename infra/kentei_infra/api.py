"""The REST APIs: two in front of intake, one in front of the public function; one resource
and method per route, a Lambda proxy integration each, a stage throttled per route class and
logged without personal data.

- :class:`StaffApi`: every route (:func:`kentei_infra.routes.staff_routes`); each protected
  route behind a Cognito user pool authorizer that accepts the pool's ID tokens from the
  ``Authorization`` header; a web ACL that admits only the permitted terminals.
- :class:`BridgeApi`: submit, status and health only, reachable only through a custom domain
  with mutual TLS (a truststore of the bridges' CAs in the catalog's truststore bucket); the
  execute-api endpoint is disabled, so no request reaches it without a client certificate
  API Gateway verified. The function maps the certificate to a bridge (``KENTEI_BRIDGE_CLIENTS``).
- :class:`PublicApi`: the verification page and API and the issuer's published documents
  (:func:`kentei_infra.routes.public_routes`), no authorizer by design; a web ACL with the
  managed rules and a per-address rate rule, and the stage's throttles, bound what anyone may
  ask. Deployed behind the issuer's own domain (the credentials' ``issuer`` URL), which an
  operator maps to its stage.

Explicit resources rather than ``{proxy+}``: a method is where API Gateway attaches an
authorizer and a throttle, so each route has its own, and a path the function does not serve
never reaches it. Regional, not edge-optimized: requests enter AWS in Tokyo.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Final

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct, IConstruct

from intake.problems import CONTENT_TYPE, problem_type
from kentei_infra import nag
from kentei_infra.deploy_context import BridgeDomain, StaffCidrs
from kentei_infra.firewall import PUBLIC_COUNT_ONLY, WebAcl
from kentei_infra.routes import Route, bridge_routes, public_routes, staff_routes
from kentei_infra.settings import (
    API_STAGE,
    API_THROTTLE_BURST,
    API_THROTTLE_RATE_PER_S,
    BRIDGE_RATE_LIMIT_PER_5_MIN,
    LOG_RETENTION,
    PUBLIC_RATE_LIMIT_PER_5_MIN,
    STAFF_RATE_LIMIT_PER_5_MIN,
    THROTTLES,
    physical_name,
)

ACCESS_LOG_FIELDS: Final[Mapping[str, str]] = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTimeEpoch",
    "ip": "$context.identity.sourceIp",
    "httpMethod": "$context.httpMethod",
    # The route's template (/v1/applications/{application_id}), never $context.path: a path
    # parameter may one day hold what a person typed. No query string either.
    "route": "$context.resourcePath",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "protocol": "$context.protocol",
    "error": "$context.error.responseType",
    "waf": "$context.wafResponseCode",
}
"""What every access log line holds: who connected from where, to which route, with what
outcome; never a body, a query string, a concrete path or a token."""
STAFF_LOG_FIELDS: Final[Mapping[str, str]] = {
    # Cognito's opaque user id, not the user name (which may spell a person's name); the
    # audit trail holds who did what.
    "principal": "$context.authorizer.claims.sub",
}
BRIDGE_LOG_FIELDS: Final[Mapping[str, str]] = {
    # The bridge's certificate names a system (e-Gov, Mynaportal), never a person.
    "clientCertSubject": "$context.identity.clientCert.subjectDN",
    "clientCertSerial": "$context.identity.clientCert.serialNumber",
}


GATEWAY_PROBLEMS: Final[Mapping[apigateway.ResponseType, tuple[HTTPStatus, str]]] = {
    # No token, or one the authorizer refused (expired, wrongly signed, another pool's).
    apigateway.ResponseType.UNAUTHORIZED: (HTTPStatus.UNAUTHORIZED, "unauthenticated"),
    # API Gateway's answer for a path or method no route has (its name is historical).
    apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN: (HTTPStatus.NOT_FOUND, "not-found"),
    apigateway.ResponseType.ACCESS_DENIED: (HTTPStatus.FORBIDDEN, "forbidden"),
    apigateway.ResponseType.WAF_FILTERED: (HTTPStatus.FORBIDDEN, "forbidden"),
    apigateway.ResponseType.THROTTLED: (HTTPStatus.TOO_MANY_REQUESTS, "too-many-requests"),
    apigateway.ResponseType.REQUEST_TOO_LARGE: (HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too-large"),
}
"""What API Gateway answers itself, before intake, as the problem documents intake answers
(RFC 9457, the same type URNs), so a client handles one error format whoever refused it."""


def gateway_problem(status: HTTPStatus, slug: str) -> str:
    return json.dumps(
        {"type": problem_type(slug), "title": status.phrase, "status": int(status)},
        separators=(",", ":"),
    )


def access_log_format(extra: Mapping[str, str]) -> str:
    return json.dumps({**ACCESS_LOG_FIELDS, **extra}, separators=(",", ":"))


def method_options(routes: Sequence[Route]) -> dict[str, apigateway.MethodDeploymentOptions]:
    """Each route's throttle, by its class; logging as the stage's (INFO, no data trace)."""
    return {
        f"{route.path}/{route.method}": apigateway.MethodDeploymentOptions(
            throttling_rate_limit=THROTTLES[route.route_class].rate_per_s,
            throttling_burst_limit=THROTTLES[route.route_class].burst,
            logging_level=apigateway.MethodLoggingLevel.INFO,
            data_trace_enabled=False,
            metrics_enabled=True,
        )
        for route in routes
    }


class RouteApi(Construct):
    """A regional REST API with one method per route, each a Lambda proxy to ``handler``.

    The stage writes JSON access logs (:data:`ACCESS_LOG_FIELDS`) to a retained log group,
    execution logs at INFO with data tracing off (a request or response body never reaches a
    log), X-Ray traces and metrics; it throttles the whole stage and each route by its class.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        description: str,
        handler: lambda_.IFunction,
        routes: Sequence[Route],
        log_fields: Mapping[str, str],
        authorizer: apigateway.IAuthorizer | None,
        disable_execute_api_endpoint: bool,
        cloud_watch_role: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.RETAIN
        )
        self.rest_api = apigateway.RestApi(
            self,
            "RestApi",
            rest_api_name=physical_name(name),
            description=description,
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            disable_execute_api_endpoint=disable_execute_api_endpoint,
            # Execution logging needs the account-level CloudWatch role, one per account and
            # region: one API creates it (and the stack keeps it when it goes).
            cloud_watch_role=cloud_watch_role,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN if cloud_watch_role else None,
            deploy_options=apigateway.StageOptions(
                stage_name=API_STAGE,
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.custom(access_log_format(log_fields)),
                logging_level=apigateway.MethodLoggingLevel.INFO,
                data_trace_enabled=False,
                metrics_enabled=True,
                tracing_enabled=True,
                throttling_rate_limit=API_THROTTLE_RATE_PER_S,
                throttling_burst_limit=API_THROTTLE_BURST,
                method_options=method_options(routes),
            ),
        )
        # API Gateway checks the parameters each method declares (its path parameters); the
        # body is validated by intake, from the signed bytes, refusing unknown fields.
        validator = self.rest_api.add_request_validator(
            "RequestValidator", validate_request_body=True, validate_request_parameters=True
        )
        integration = apigateway.LambdaIntegration(handler, proxy=True, allow_test_invoke=False)
        self.methods: dict[tuple[str, str], apigateway.Method] = {}
        for route in routes:
            resource = self.rest_api.root.resource_for_path(route.path)
            protected = authorizer is not None and route.protected
            self.methods[(route.path, route.method)] = resource.add_method(
                route.method,
                integration,
                request_validator=validator,
                request_parameters={
                    f"method.request.path.{parameter}": True for parameter in route.path_parameters
                }
                or None,
                authorizer=authorizer if protected else None,
                authorization_type=(
                    apigateway.AuthorizationType.COGNITO
                    if protected
                    else apigateway.AuthorizationType.NONE
                ),
            )
        for response_type, (status, slug) in GATEWAY_PROBLEMS.items():
            headers = {"Content-Type": f"'{CONTENT_TYPE}'"}
            if status is HTTPStatus.UNAUTHORIZED and authorizer is not None:
                headers["WWW-Authenticate"] = "'Bearer'"
            self.rest_api.add_gateway_response(
                f"{response_type.response_type}Problem",
                type=response_type,
                status_code=str(int(status)),
                response_headers=headers,
                templates={"application/json": gateway_problem(status, slug)},
            )
        if disable_execute_api_endpoint:
            # CDK outputs the execute-api URL of every API; this one answers nothing there.
            self.rest_api.node.try_remove_child("Endpoint")
        self.stage = self.rest_api.deployment_stage
        if cloud_watch_role:
            nag.acknowledge(
                nag.resource(self.rest_api.node.find_child("CloudWatchRole")),
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonAPIGatewayPushToCloudWatchLogs]",
                "API Gateway's account-level CloudWatch role, shared by every REST API of the "
                "account and region, so it cannot be scoped to this API; AWS's managed policy "
                "for it grants only CloudWatch Logs actions.",
            )


class StaffApi(Construct):
    """The staff's API: Cognito ID tokens on every protected route, the terminals' web ACL."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: lambda_.IFunction,
        user_pool: cognito.IUserPool,
        allowed: StaffCidrs,
    ) -> None:
        super().__init__(scope, construct_id)
        authorizer = apigateway.CognitoUserPoolsAuthorizer(
            self,
            "Authorizer",
            cognito_user_pools=[user_pool],
            authorizer_name=physical_name("staff-id-token"),
            identity_source=apigateway.IdentitySource.header("Authorization"),
        )
        self.api = RouteApi(
            self,
            "Api",
            name="staff-api",
            description="kentei: the staff's HTTPS API (intake), Cognito ID tokens",
            handler=handler,
            routes=staff_routes(),
            log_fields=STAFF_LOG_FIELDS,
            authorizer=authorizer,
            disable_execute_api_endpoint=False,
            cloud_watch_role=True,
        )
        self.logging_role: IConstruct = self.api.rest_api.node.find_child("Account")
        """The account's API Gateway settings naming the CloudWatch role."""
        self.web_acl = WebAcl(
            self,
            "WebAcl",
            name="staff-api",
            stage=self.api.stage,
            rate_limit=STAFF_RATE_LIMIT_PER_5_MIN,
            allowlist=allowed,
        )
        for route in staff_routes():
            if not route.protected:
                method = nag.resource(self.api.methods[(route.path, route.method)])
                reason = (
                    f"{route.method} {route.path} is public by design: health and the "
                    "published contract hold no personal data and name no caller; the web "
                    "ACL still admits only the permitted terminals."
                )
                nag.acknowledge(method, "AwsSolutions-APIG4", reason)
                nag.acknowledge(method, "AwsSolutions-COG4", reason)


class BridgeApi(Construct):
    """The bridges' API: mutual TLS on a custom domain, no execute-api endpoint."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: lambda_.IFunction,
        truststore: s3.IBucket,
        domain: BridgeDomain | None,
        logging_role: IConstruct,
    ) -> None:
        super().__init__(scope, construct_id)
        self.api = RouteApi(
            self,
            "Api",
            name="bridge-api",
            description="kentei: the bridges' HTTPS API (intake), mutual TLS",
            handler=handler,
            routes=bridge_routes(),
            log_fields=BRIDGE_LOG_FIELDS,
            authorizer=None,
            disable_execute_api_endpoint=True,
            cloud_watch_role=False,
        )
        # Its stage logs execution through the account's CloudWatch role, which the staff
        # API sets up: the stage must wait for it.
        self.api.stage.node.add_dependency(logging_role)
        self.web_acl = WebAcl(
            self,
            "WebAcl",
            name="bridge-api",
            stage=self.api.stage,
            rate_limit=BRIDGE_RATE_LIMIT_PER_5_MIN,
            allowlist=None,
        )
        self.domain = None if domain is None else self._domain(domain, truststore)
        for method in self.api.methods.values():
            reason = (
                "Authenticated by mutual TLS, not by an authorizer: the API is reachable only "
                "through its custom domain (execute-api endpoint disabled), whose TLS handshake "
                "requires a client certificate chaining to the bridges' CAs in the truststore; "
                "the function maps the verified certificate's subject and issuer to a bridge "
                "and refuses any other."
            )
            nag.acknowledge(nag.resource(method), "AwsSolutions-APIG4", reason)
            nag.acknowledge(nag.resource(method), "AwsSolutions-COG4", reason)

    def _domain(self, domain: BridgeDomain, truststore: s3.IBucket) -> apigateway.DomainName:
        name = apigateway.DomainName(
            self,
            "Domain",
            domain_name=domain.name,
            certificate=acm.Certificate.from_certificate_arn(
                self, "Certificate", domain.certificate_arn
            ),
            endpoint_type=apigateway.EndpointType.REGIONAL,
            security_policy=apigateway.SecurityPolicy.TLS_1_2,
            mtls=apigateway.MTLSConfig(
                bucket=truststore, key=domain.truststore_key, version=domain.truststore_version
            ),
        )
        name.add_base_path_mapping(self.api.rest_api, stage=self.api.stage)
        return name


class PublicApi(Construct):
    """The public verification API: no authorizer, the web ACL's rate rule and the stage's
    throttles in front of the public function, whose role reads only the published documents."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: lambda_.IFunction,
        logging_role: IConstruct,
    ) -> None:
        super().__init__(scope, construct_id)
        self.api = RouteApi(
            self,
            "Api",
            name="public-api",
            description="kentei: the public verification page and API, and the issuer's keys "
            "and status lists (no login)",
            handler=handler,
            routes=public_routes(),
            log_fields={},
            authorizer=None,
            disable_execute_api_endpoint=False,
            cloud_watch_role=False,
        )
        self.api.stage.node.add_dependency(logging_role)
        self.web_acl = WebAcl(
            self,
            "WebAcl",
            name="public-api",
            stage=self.api.stage,
            rate_limit=PUBLIC_RATE_LIMIT_PER_5_MIN,
            allowlist=None,
            count_only=dict(PUBLIC_COUNT_ONLY),
        )
        for route in public_routes():
            reason = (
                f"{route.method} {route.path} is public by design (issue 11: anyone verifies a "
                "certificate without signing in): it reads only the issuer's published keys "
                "and status lists, stores nothing, and answers only what the presented "
                "certificate itself holds; the web ACL's rate rule and the stage throttles "
                "bound it."
            )
            method = nag.resource(self.api.methods[(route.path, route.method)])
            nag.acknowledge(method, "AwsSolutions-APIG4", reason)
            nag.acknowledge(method, "AwsSolutions-COG4", reason)
