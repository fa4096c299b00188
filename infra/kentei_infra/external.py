"""Where a function finds the external systems it talks to: per deployment, from the context.

Verify talks to the registry link server (住基連携サーバ, :mod:`kentei.registry.https`) over
mutual TLS and asks J-LIS's OCSP responder for revocation (:mod:`kentei.signatures.ocsp`);
certify sends notices through Mynaportal and e-Gov, and sync keeps the national qualifications
system in step (:mod:`kentei.national.https`), each over its own mutual-TLS link.
Each setting is read from the CDK context (``cdk.json`` or ``cdk deploy -c
kentei:registry-url=https://...``); without one it is a placeholder that fails loudly (a
``.invalid`` host, a file no deployment ships), so an unconfigured stack sends applications
to the verify DLQ instead of verifying them against nothing.

The API function also learns which client certificate is which bridge
(``KENTEI_BRIDGE_CLIENTS`` from ``kentei:bridgeClients``: subject and issuer DNs, no key).

Only URLs and file paths: the mTLS client key is a file the function reads at run time, never
a value in the template. The local-only settings (the test PKI's trust anchors and CRL folder,
the fake registry's seed) are never set on a deployed function: :func:`external_environment`
refuses them, and ``tests/infra`` asserts it on the template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from kentei import catalog, staff_networks
from kentei.accounts import IDLE_AFTER_DAYS, WARNING_DAYS, IdlePolicy
from kentei.callers import BRIDGE_CLIENTS_ENV
from kentei.certificates.pades_chain import DEFAULT_SIGNING_CHAIN_KEY, SIGNING_CHAIN_ENV
from kentei.credentials.issuer import ISSUER_URL_ENV
from kentei.registry import SEED_ENV
from kentei.signatures import (
    CRL_DIR_ENV,
    OCSP_URL_ENV,
    TRUST_ANCHORS_ENV,
    USER_AUTHENTICATION_CAS_ENV,
)
from kentei.staff_networks import STAFF_NETWORKS_ENV
from kentei_infra.deploy_context import (
    BRIDGE_CLIENTS,
    STAFF_ALLOWED_CIDRS,
    bridge_clients_setting,
    staff_cidrs,
)

REGISTRY_FILES: Final = "/opt/kentei-registry"
"""Where the registry link's mTLS files are expected; provisioning them is the operator's."""

MYNAPORTAL_FILES: Final = "/opt/kentei-mynaportal"
"""Where the Mynaportal notice link's mTLS files are expected (the operator provisions them)."""

EGOV_FILES: Final = "/opt/kentei-egov"
"""Where the e-Gov completion-notice link's mTLS files are expected (the operator's)."""

NATIONAL_FILES: Final = "/opt/kentei-national"
"""Where the national system link's mTLS files are expected (the operator provisions them)."""

EXTERNAL: Final[Mapping[str, Mapping[str, tuple[str, str]]]] = {
    "verify": {
        "KENTEI_REGISTRY_URL": ("kentei:registry-url", "https://registry-link.invalid"),
        "KENTEI_REGISTRY_CLIENT_CERT": (
            "kentei:registry-client-cert",
            f"{REGISTRY_FILES}/client-cert.pem",
        ),
        "KENTEI_REGISTRY_CLIENT_KEY": (
            "kentei:registry-client-key",
            f"{REGISTRY_FILES}/client-key.pem",
        ),
        "KENTEI_REGISTRY_CA_BUNDLE": ("kentei:registry-ca-bundle", f"{REGISTRY_FILES}/ca.pem"),
        OCSP_URL_ENV: ("kentei:jpki-ocsp-url", "https://jpki-ocsp.invalid"),
    },
    # Certify sends exam tickets and pass notices through the Mynaportal notice port
    # (kentei.notices): an unconfigured stack fails those messages into the DLQ instead of
    # notifying no one.
    "certify": {
        # The electronic certificates' issuer (its URL names the JWKS and status lists in
        # every credential) and the PDF signing chain's object in the certificates bucket
        # (kentei.certificates.pades_chain; an operator puts the file there).
        ISSUER_URL_ENV: ("kentei:credential-issuer-url", "https://credential-issuer.invalid"),
        SIGNING_CHAIN_ENV: ("kentei:certificate-signing-chain", DEFAULT_SIGNING_CHAIN_KEY),
        "KENTEI_MYNAPORTAL_URL": ("kentei:mynaportal-url", "https://mynaportal-notices.invalid"),
        "KENTEI_MYNAPORTAL_CLIENT_CERT": (
            "kentei:mynaportal-client-cert",
            f"{MYNAPORTAL_FILES}/client-cert.pem",
        ),
        "KENTEI_MYNAPORTAL_CLIENT_KEY": (
            "kentei:mynaportal-client-key",
            f"{MYNAPORTAL_FILES}/client-key.pem",
        ),
        "KENTEI_MYNAPORTAL_CA_BUNDLE": (
            "kentei:mynaportal-ca-bundle",
            f"{MYNAPORTAL_FILES}/ca.pem",
        ),
        # e-Gov completion notices (kentei.egov_notices, R2): likewise loud when unset.
        "KENTEI_EGOV_URL": ("kentei:egov-url", "https://egov-completion-notices.invalid"),
        "KENTEI_EGOV_CLIENT_CERT": ("kentei:egov-client-cert", f"{EGOV_FILES}/client-cert.pem"),
        "KENTEI_EGOV_CLIENT_KEY": ("kentei:egov-client-key", f"{EGOV_FILES}/client-key.pem"),
        "KENTEI_EGOV_CA_BUNDLE": ("kentei:egov-ca-bundle", f"{EGOV_FILES}/ca.pem"),
    },
    # Sync keeps the national qualifications system in step (kentei.national, R16): an
    # unconfigured stack fails those messages into the DLQ instead of syncing with no one.
    "sync": {
        "KENTEI_NATIONAL_URL": ("kentei:national-url", "https://national-qualifications.invalid"),
        "KENTEI_NATIONAL_CLIENT_CERT": (
            "kentei:national-client-cert",
            f"{NATIONAL_FILES}/client-cert.pem",
        ),
        "KENTEI_NATIONAL_CLIENT_KEY": (
            "kentei:national-client-key",
            f"{NATIONAL_FILES}/client-key.pem",
        ),
        "KENTEI_NATIONAL_CA_BUNDLE": ("kentei:national-ca-bundle", f"{NATIONAL_FILES}/ca.pem"),
    },
    # The public function verifies credentials of this issuer and serves its documents: an
    # unconfigured stack's issuer is a .invalid host, which no credential names.
    "public": {
        "KENTEI_CREDENTIAL_ISSUER_URL": (
            "kentei:credential-issuer-url",
            "https://credential-issuer.invalid",
        ),
        "KENTEI_CREDENTIAL_ISSUER_NAME": (
            "kentei:credential-issuer-name",
            "kentei credential issuer (not configured)",
        ),
    },
}
"""Function → environment variable → (context key, placeholder)."""

LOCAL_ONLY: Final = frozenset(
    {TRUST_ANCHORS_ENV, USER_AUTHENTICATION_CAS_ENV, CRL_DIR_ENV, SEED_ENV}
)
"""Settings of the local runtime only: a deployed stack trusts the shipped J-LIS CAs alone
and asks the real registry."""


IDLE_DAYS: Final = "kentei:staffIdleDays"
IDLE_WARNING_DAYS: Final = "kentei:staffIdleWarningDays"


def idle_policy(context: Callable[[str], object | None]) -> IdlePolicy:
    """The staff accounts' idle limit and warning from the context (whole days), validated at
    synth; without them, 90 and 14 days."""
    limit, warning = context(IDLE_DAYS), context(IDLE_WARNING_DAYS)
    return IdlePolicy.of_days(
        IDLE_AFTER_DAYS if limit is None else limit,
        WARNING_DAYS if warning is None else warning,
    )


class LocalOnlySettingError(ValueError):
    """A deployment tried to set a local-only setting."""


def external_environment(function: str, context: Callable[[str], object | None]) -> dict[str, str]:
    """The external settings of ``function``: each from its context key, or its placeholder."""
    environment = {}
    for variable, (key, placeholder) in EXTERNAL.get(function, {}).items():
        value = context(key)
        environment[variable] = placeholder if value is None else str(value)
    spec = catalog.function(function)
    if any(g.resource == catalog.STAFF_USER_POOL for g in spec.grants):
        # The login review's idle limit and warning (kentei.accounts.IdlePolicy): the API's
        # flags and the idle job read the same values.
        environment |= idle_policy(context).environment()
    if spec.api:
        # Which client certificate is which bridge (kentei.callers): validated here, at
        # synth; none listed, and no certificate names a bridge.
        environment[BRIDGE_CLIENTS_ENV] = bridge_clients_setting(context(BRIDGE_CLIENTS))
        # Each prefecture's offices, the web ACL's allowlist by prefecture: the function
        # admits a staff user only from their own prefecture's networks (kentei.staff_networks).
        cidrs = staff_cidrs(context(STAFF_ALLOWED_CIDRS))
        environment[STAFF_NETWORKS_ENV] = staff_networks.setting(cidrs.by_prefecture)
    refused = LOCAL_ONLY & environment.keys()
    if refused:
        raise LocalOnlySettingError(f"{function}: {', '.join(sorted(refused))} is local only")
    return environment
