"""The context a real deployment is given, for the template under test."""

from __future__ import annotations

from typing import Any, Final

from kentei_infra import deploy_context

DEPLOYMENT_CONTEXT: Final[dict[str, Any]] = {
    # What an operator gives a real deployment (README, "Deploying"): the template under test
    # is the one that takes traffic, with the bridge domain, the bridges and the terminals.
    deploy_context.BRIDGE_DOMAIN_NAME: "bridge.kentei.example.jp",
    deploy_context.BRIDGE_CERTIFICATE_ARN: (
        "arn:aws:acm:ap-northeast-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100"
    ),
    deploy_context.BRIDGE_TRUSTSTORE_KEY: "bridges/truststore.pem",
    deploy_context.BRIDGE_TRUSTSTORE_VERSION: "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
    deploy_context.BRIDGE_CLIENTS: [
        {
            "channel": "mynaportal",
            "subject": "CN=mynaportal-bridge, O=Digital Agency, C=JP",
            "issuer": "CN=Bridge Client CA, O=Digital Agency, C=JP",
        },
        {
            "channel": "egov",
            "subject": "CN=egov-bridge, O=Digital Agency, C=JP",
            "issuer": "CN=Bridge Client CA, O=Digital Agency, C=JP",
        },
    ],
    deploy_context.STAFF_ALLOWED_CIDRS: {
        "13": ["198.51.100.0/24"],
        "27": ["203.0.113.16/28", "2001:db8:27::/48"],
    },
}
