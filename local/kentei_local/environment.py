"""The process environment the handlers run in, as Lambda and the stacks would set it.

The resource variables come from :meth:`kentei_local.resources.Resources.environment`; the
handlers share one process locally, so those of every function are set (deployed, each
function gets only those of its grants). Verify looks people up in the local fake registry,
seeded from ``KENTEI_REGISTRY_SEED``: the demo's seed (``registry_seed.json``) unless the
caller's environment names another. The test PKI's trust settings
(``KENTEI_JPKI_TRUST_ANCHORS``, ``KENTEI_JPKI_USER_AUTHENTICATION_CAS``,
``KENTEI_JPKI_CRL_DIR``) pass through from the caller's environment (the demo sets them once
it has made its PKI). Variables that would send boto3
elsewhere (a profile, a per-service endpoint) are removed while the runtime runs, and the
previous environment is restored when it stops.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Final

from kentei import catalog, staff_networks
from kentei.registry import SEED_ENV as REGISTRY_SEED_ENV
from kentei.staff_networks import STAFF_NETWORKS_ENV
from kentei_local import identities
from kentei_local.fake_registry_server import DEMO_SEED

FAKE_CREDENTIALS: Final = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
LOCAL_OVERRIDES: Final = {
    # moto's pool keeps no authentication events (no threat protection): the local runtime
    # records failed sign-ins where it signs in (kentei_local.cognito), and the accounts
    # review reads none.
    "KENTEI_STAFF_SIGN_IN_EVENTS": "none",
    # Every local caller is on the loopback interface: it is each prefecture's office.
    STAFF_NETWORKS_ENV: staff_networks.setting(
        {f"{code:02d}": ["127.0.0.0/8", "::1/128"] for code in range(1, 48)}
    ),
}
"""Catalog settings whose deployed value names a service moto does not offer."""
_REMOVED_PREFIXES: Final = ("AWS_ENDPOINT_URL_",)
_REMOVED: Final = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def handler_environment(moto_endpoint: str) -> dict[str, str]:
    """What the handlers read from the environment besides the resources: all of it local."""
    env = {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_DEFAULT_REGION": catalog.REGION,
        "AWS_REGION": catalog.REGION,
        # boto3 otherwise sends some calls (DynamoDB Streams) to account endpoints moto lacks.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "AWS_EC2_METADATA_DISABLED": "true",
        # No X-Ray daemon locally.
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": catalog.PREFIX,
        # The handlers name their own service; this is the fallback for any other logger.
        "POWERTOOLS_SERVICE_NAME": catalog.PREFIX,
        "KENTEI_ENV": "local",
        **identities.bridge_clients_setting(),
        REGISTRY_SEED_ENV: os.environ.get(REGISTRY_SEED_ENV, "").strip() or str(DEMO_SEED),
        # Everything is on the loopback interface: never through a developer's proxy.
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    for spec in catalog.FUNCTIONS:
        for name, value in spec.env.items():
            if env.get(name, value) != value:
                raise ValueError(f"{name} would need two values in the one local process")
            env[name] = value
    return env | LOCAL_OVERRIDES


@contextmanager
def patched_environ(values: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` with ``values`` set and stray AWS targets removed; restored afterwards."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name in _REMOVED or name.startswith(_REMOVED_PREFIXES):
            del os.environ[name]
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
