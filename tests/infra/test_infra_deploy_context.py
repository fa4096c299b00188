"""The operator's context values, validated at synth: a wrong value fails with its key's name;
an absent one leaves the system closed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from tests.infra.deployment import DEPLOYMENT_CONTEXT

from kentei import catalog
from kentei.callers import BRIDGE_CLIENTS_ENV
from kentei_infra import deploy_context
from kentei_infra.api import BridgeApi
from kentei_infra.assembly import build_app
from kentei_infra.deploy_context import ContextError
from kentei_infra.external import external_environment
from kentei_infra.inspection import SynthesizedTemplate

CLIENT = {"channel": "egov", "subject": "CN=egov-bridge,O=Digital Agency", "issuer": "CN=CA"}
DOMAIN_KEYS = deploy_context.BRIDGE_DOMAIN_KEYS


def test_the_bridge_clients_reach_the_api_function_as_the_function_reads_them() -> None:
    spaced = {**CLIENT, "subject": "CN=egov-bridge, O=X"}
    given: dict[str, object] = {deploy_context.BRIDGE_CLIENTS: [spaced]}
    environment = external_environment("intake", given.get)
    assert json.loads(environment[BRIDGE_CLIENTS_ENV]) == [
        {**CLIENT, "subject": "CN=egov-bridge,O=X"}
    ]
    assert BRIDGE_CLIENTS_ENV not in external_environment("verify", given.get)


def test_without_bridge_clients_no_certificate_names_a_bridge() -> None:
    assert json.loads(external_environment("intake", lambda _key: None)[BRIDGE_CLIENTS_ENV]) == []


def test_the_bridge_clients_may_come_as_json_from_the_command_line() -> None:
    assert deploy_context.bridge_clients(json.dumps([CLIENT])) == [CLIENT]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([{**CLIENT, "channel": "paper"}], "'paper' is not a bridge channel"),
        ([{**CLIENT, "channel": "gbizid"}], "not a bridge channel"),
        ([{"channel": "egov", "subject": "CN=x"}], "exactly the fields"),
        ([{**CLIENT, "extra": 1}], "exactly the fields"),
        ([{**CLIENT, "subject": "egov"}], "distinguished name"),
        ([CLIENT, {**CLIENT, "channel": "mynaportal"}], "already listed"),
        ({"egov": CLIENT}, "a list"),
        ("[not json", "not valid JSON"),
    ],
)
def test_a_wrong_bridge_client_fails_synth(value: object, message: str) -> None:
    with pytest.raises(ContextError, match=message) as failure:
        external_environment("intake", {deploy_context.BRIDGE_CLIENTS: value}.get)
    assert deploy_context.BRIDGE_CLIENTS in str(failure.value)


def test_the_staff_networks_are_split_by_ip_version() -> None:
    cidrs = deploy_context.staff_cidrs(
        json.dumps({"13": ["198.51.100.0/24", "2001:db8::/48"], "27": ["198.51.100.0/24"]})
    )
    assert cidrs.ipv4 == ["198.51.100.0/24"]
    assert cidrs.ipv6 == ["2001:db8::/48"]


def test_without_staff_networks_the_allowlist_is_empty() -> None:
    cidrs = deploy_context.staff_cidrs(None)
    assert (cidrs.ipv4, cidrs.ipv6) == ([], [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"48": ["198.51.100.0/24"]}, "not a prefecture code"),
        ({"tokyo": ["198.51.100.0/24"]}, "not a prefecture code"),
        ({"13": []}, "non-empty list"),
        ({"13": "198.51.100.0/24"}, "non-empty list"),
        ({"13": ["198.51.100.7"]}, "not a CIDR"),
        ({"13": ["198.51.100.7/24"]}, "host bits set"),
        ({"13": ["198.51.300.0/24"]}, "not a CIDR"),
        ({"13": ["0.0.0.0/0"]}, "broader than /16"),
        ({"13": ["10.0.0.0/8"]}, "broader than /16"),
        ({"13": ["::/0"]}, "broader than /48"),
        (["198.51.100.0/24"], "an object"),
    ],
)
def test_a_wrong_staff_network_fails_synth(value: object, message: str) -> None:
    with pytest.raises(ContextError, match=message) as failure:
        deploy_context.staff_cidrs(value)
    assert deploy_context.STAFF_ALLOWED_CIDRS in str(failure.value)


def _domain_context(**changes: Any) -> dict[str, object]:
    given: dict[str, object] = {key: DEPLOYMENT_CONTEXT[key] for key in DOMAIN_KEYS}
    given.update(changes)
    return given


def test_a_bridge_domain_needs_every_one_of_its_keys() -> None:
    assert deploy_context.bridge_domain(lambda _key: None) is None
    for key in DOMAIN_KEYS:
        given = _domain_context()
        del given[key]
        with pytest.raises(ContextError, match=key):
            deploy_context.bridge_domain(given.get)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (deploy_context.BRIDGE_DOMAIN_NAME, "https://bridge.example.jp"),
        (deploy_context.BRIDGE_DOMAIN_NAME, "Bridge.Example.JP"),
        (
            deploy_context.BRIDGE_CERTIFICATE_ARN,
            "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100",
        ),
        (deploy_context.BRIDGE_CERTIFICATE_ARN, "arn:aws:iam::123456789012:server-certificate/x"),
        (deploy_context.BRIDGE_TRUSTSTORE_KEY, "/truststore.pem"),
    ],
)
def test_a_wrong_bridge_domain_value_fails_synth(key: str, value: str) -> None:
    with pytest.raises(ContextError, match=key):
        deploy_context.bridge_domain(_domain_context(**{key: value}).get)


def test_without_a_domain_the_bridge_api_is_unreachable(tmp_path: Path) -> None:
    """No custom domain and no execute-api endpoint: closed until the operator names one."""
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Bridge", env=Environment(region=catalog.REGION))
    handler = lambda_.Function(
        stack,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_11,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(e, c): pass"),
    )
    logging_role = s3.Bucket(stack, "StandsForTheAccountSettings")
    BridgeApi(
        stack,
        "BridgeApi",
        handler=handler,
        truststore=s3.Bucket(stack, "Truststore"),
        domain=None,
        logging_role=logging_role,
    )
    app.synth()
    template = SynthesizedTemplate.load(tmp_path / "Bridge.template.json")
    assert template.of_type("AWS::ApiGateway::DomainName") == {}
    (api,) = template.of_type("AWS::ApiGateway::RestApi").values()
    assert api["Properties"]["DisableExecuteApiEndpoint"] is True


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (deploy_context.BRIDGE_CLIENTS, [{**CLIENT, "channel": "fax"}]),
        (deploy_context.STAFF_ALLOWED_CIDRS, {"13": ["0.0.0.0/0"]}),
    ],
)
def test_the_app_itself_refuses_a_wrong_value(
    key: str, value: object, tmp_path: Path, synth_context: dict[str, Any]
) -> None:
    """End to end: the app as ``cdk synth`` builds it stops before writing a template."""
    with pytest.raises(ContextError, match=key):
        build_app(outdir=str(tmp_path), context={**synth_context, key: value})
