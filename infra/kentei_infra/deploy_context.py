"""What an operator tells a deployment through the CDK context, validated at synth.

Each value comes from ``cdk.json`` or ``cdk deploy -c key=value`` (a list or an object given on
the command line is a JSON string, parsed here). A value that is present but wrong fails synth
with the key's name, never a deployment half done; a value that is absent leaves the system
closed rather than open:

- ``kentei:bridgeClients`` absent: no client certificate names a bridge, every bridge call is
  ``401``.
- ``kentei:bridgeDomainName`` and its companions absent: the bridge API has no custom domain,
  and with its execute-api endpoint disabled nobody can reach it.
- ``kentei:staffAllowedCidrs`` absent: the staff API's web ACL admits no terminal.

Two settings change how the functions run rather than who may reach them; absent, each keeps
the plain deployment:

- ``kentei:tracing``: ``"active"`` (absent: Lambda's active tracing, no SDK in the function) or
  ``"opentelemetry"`` (the AWS distribution's layer, ``kentei:otelLayerArn``, wraps each
  function through ``AWS_LAMBDA_EXEC_WRAPPER``).
- ``kentei:snapStart``: ``true`` publishes a version of each function with SnapStart and an
  alias that every caller invokes (absent or ``false``: none). Lambda offers SnapStart from
  Python 3.12, so on the pinned 3.11 runtime ``true`` fails synth.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from kentei import catalog
from kentei.callers import CHANNELS

BRIDGE_CLIENTS: Final = "kentei:bridgeClients"
BRIDGE_DOMAIN_NAME: Final = "kentei:bridgeDomainName"
BRIDGE_CERTIFICATE_ARN: Final = "kentei:bridgeCertificateArn"
BRIDGE_TRUSTSTORE_KEY: Final = "kentei:bridgeTruststoreKey"
BRIDGE_TRUSTSTORE_VERSION: Final = "kentei:bridgeTruststoreVersion"
STAFF_ALLOWED_CIDRS: Final = "kentei:staffAllowedCidrs"
ALARM_SUBSCRIPTIONS: Final = "kentei:alarmSubscriptions"
TRACING: Final = "kentei:tracing"
OTEL_LAYER_ARN: Final = "kentei:otelLayerArn"
SNAP_START: Final = "kentei:snapStart"

BRIDGE_DOMAIN_KEYS: Final = (
    BRIDGE_DOMAIN_NAME,
    BRIDGE_CERTIFICATE_ARN,
    BRIDGE_TRUSTSTORE_KEY,
    BRIDGE_TRUSTSTORE_VERSION,
)
"""All or none: a custom domain with mutual TLS needs each of them."""

MIN_IPV4_PREFIX: Final = 16
MIN_IPV6_PREFIX: Final = 48
"""The broadest network an allowlist entry may name: a prefecture office's terminals are a
few addresses, and a /8 or a /0 typed by mistake would admit a whole provider or everyone."""

_PREFECTURE: Final = re.compile(r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
_HOSTNAME: Final = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CERTIFICATE_ARN: Final = re.compile(
    rf"^arn:aws:acm:{re.escape(catalog.REGION)}:[0-9]{{12}}:certificate/[0-9a-f-]{{36}}$"
)
_LAYER_VERSION_ARN: Final = re.compile(
    rf"^arn:aws:lambda:{re.escape(catalog.REGION)}:[0-9]{{12}}:layer:[A-Za-z0-9_-]{{1,140}}:[0-9]+$"
)
_CLIENT_FIELDS: Final = frozenset({"channel", "subject", "issuer"})
_SUBSCRIPTION_FIELDS: Final = frozenset({"protocol", "endpoint"})
_EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HTTPS_URL: Final = re.compile(r"^https://[^\s/]+(/\S*)?$")

Lookup = Callable[[str], object | None]
"""How a construct reads the context: ``node.try_get_context``."""


class ContextError(ValueError):
    """A context value a deployment cannot be built from; the message names the key."""


def _parsed(key: str, value: object | None) -> object | None:
    """``value`` as given in ``cdk.json``, or parsed from the JSON string ``-c`` passes."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            parsed: object = json.loads(value)
        except json.JSONDecodeError as error:
            raise ContextError(f"{key}: not valid JSON ({error.msg})") from error
        return parsed
    return value


def bridge_clients(value: object | None) -> list[dict[str, str]]:
    """The bridges' client certificates: a list of ``{"channel", "subject", "issuer"}``.

    The function compares DNs after trimming the spaces around the commas
    (:func:`kentei.callers.bridge_from_certificate`), so the same is done here to find a pair
    given twice. An unknown channel fails synth: a certificate mapped to no channel the
    function knows would be refused at run time, after a deployment that looked right.
    """
    value = _parsed(BRIDGE_CLIENTS, value)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContextError(f"{BRIDGE_CLIENTS}: a list of {{channel, subject, issuer}}")
    clients: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(value):
        where = f"{BRIDGE_CLIENTS}[{index}]"
        if not isinstance(entry, Mapping) or set(entry) != _CLIENT_FIELDS:
            raise ContextError(f"{where}: exactly the fields channel, subject and issuer")
        if entry["channel"] not in CHANNELS:
            raise ContextError(
                f"{where}: {entry['channel']!r} is not a bridge channel "
                f"({', '.join(sorted(CHANNELS))})"
            )
        client = {"channel": str(entry["channel"])}
        for field in ("subject", "issuer"):
            dn = entry[field]
            if not isinstance(dn, str) or "=" not in dn:
                raise ContextError(f"{where}: {field} must be a distinguished name (CN=...)")
            client[field] = ",".join(part.strip() for part in dn.strip().split(","))
        pair = (client["subject"], client["issuer"])
        if pair in seen:
            raise ContextError(f"{where}: this subject and issuer are already listed")
        seen.add(pair)
        clients.append(client)
    return clients


def bridge_clients_setting(value: object | None) -> str:
    """The value of ``KENTEI_BRIDGE_CLIENTS`` (:data:`kentei.callers.BRIDGE_CLIENTS_ENV`)."""
    return json.dumps(bridge_clients(value), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class BridgeDomain:
    """The bridge API's custom domain: its ACM certificate, and the truststore object (in the
    catalog's truststore bucket) by key and version."""

    name: str
    certificate_arn: str
    truststore_key: str
    truststore_version: str


def bridge_domain(context: Lookup) -> BridgeDomain | None:
    """The bridge domain if the context names one, None if it names none of its keys."""
    given = {key: context(key) for key in BRIDGE_DOMAIN_KEYS}
    if all(value is None for value in given.values()):
        return None
    missing = [key for key, value in given.items() if not isinstance(value, str) or not value]
    if missing:
        raise ContextError(f"a bridge domain needs {', '.join(missing)} as well")
    name, arn, key, version = (str(given[key]).strip() for key in BRIDGE_DOMAIN_KEYS)
    if not _HOSTNAME.fullmatch(name):
        raise ContextError(f"{BRIDGE_DOMAIN_NAME}: {name!r} is not a lower-case host name")
    if not _CERTIFICATE_ARN.fullmatch(arn):
        raise ContextError(
            f"{BRIDGE_CERTIFICATE_ARN}: an ACM certificate ARN in {catalog.REGION} "
            "(a regional domain takes a certificate of its own region)"
        )
    if key.startswith("/") or key.endswith("/"):
        raise ContextError(f"{BRIDGE_TRUSTSTORE_KEY}: an object key (truststore.pem)")
    return BridgeDomain(name, arn, key, version)


@dataclass(frozen=True)
class StaffCidrs:
    """The permitted terminals' networks, per prefecture office, split by IP version (a WAF IP
    set holds one version)."""

    by_prefecture: Mapping[str, tuple[str, ...]]

    @property
    def ipv4(self) -> list[str]:
        return self._version(4)

    @property
    def ipv6(self) -> list[str]:
        return self._version(6)

    def _version(self, version: int) -> list[str]:
        return sorted(
            {
                cidr
                for cidrs in self.by_prefecture.values()
                for cidr in cidrs
                if ipaddress.ip_network(cidr).version == version
            }
        )


def staff_cidrs(value: object | None) -> StaffCidrs:
    """``{"13": ["198.51.100.0/24", ...], ...}``: each key a prefecture code, each value the
    networks of that office's terminals, each a network address with its prefix length."""
    value = _parsed(STAFF_ALLOWED_CIDRS, value)
    if value is None:
        return StaffCidrs({})
    if not isinstance(value, Mapping):
        raise ContextError(f'{STAFF_ALLOWED_CIDRS}: an object {{"13": ["198.51.100.0/24"]}}')
    by_prefecture: dict[str, tuple[str, ...]] = {}
    for prefecture, cidrs in value.items():
        where = f"{STAFF_ALLOWED_CIDRS}[{prefecture!r}]"
        if not isinstance(prefecture, str) or not _PREFECTURE.fullmatch(prefecture):
            raise ContextError(f"{where}: not a prefecture code (01 to 47)")
        if not isinstance(cidrs, list) or not cidrs:
            raise ContextError(f"{where}: a non-empty list of CIDRs")
        by_prefecture[prefecture] = tuple(_cidr(where, cidr) for cidr in cidrs)
    return StaffCidrs(by_prefecture)


def _cidr(where: str, value: object) -> str:
    if not isinstance(value, str) or "/" not in value:
        raise ContextError(f"{where}: {value!r} is not a CIDR (198.51.100.0/24)")
    try:
        network = ipaddress.ip_network(value.strip(), strict=True)
    except ValueError as error:
        raise ContextError(f"{where}: {value!r} is not a CIDR ({error})") from error
    broadest = MIN_IPV4_PREFIX if network.version == 4 else MIN_IPV6_PREFIX
    if network.prefixlen < broadest:
        raise ContextError(f"{where}: {value!r} is broader than /{broadest}")
    return network.with_prefixlen


@dataclass(frozen=True)
class AlarmSubscription:
    """Who the alarm topic tells: an operator's mailbox (``email``, confirmed by the mail SNS
    sends) or an incident tool's webhook (``https``, confirmed by its endpoint)."""

    protocol: str
    endpoint: str


def alarm_subscriptions(value: object | None) -> list[AlarmSubscription]:
    """``[{"protocol": "email", "endpoint": "ops@example.jp"}, {"protocol": "https",
    "endpoint": "https://..."}]``: each a subscription of the alarm topic. Only those two
    protocols: a plain ``http`` endpoint would carry the alarms in the clear, and SMS or a
    queue would need their own keys and policies. An entry given twice fails synth."""
    value = _parsed(ALARM_SUBSCRIPTIONS, value)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContextError(f"{ALARM_SUBSCRIPTIONS}: a list of {{protocol, endpoint}}")
    subscriptions: list[AlarmSubscription] = []
    for index, entry in enumerate(value):
        where = f"{ALARM_SUBSCRIPTIONS}[{index}]"
        if not isinstance(entry, Mapping) or set(entry) != _SUBSCRIPTION_FIELDS:
            raise ContextError(f"{where}: exactly the fields protocol and endpoint")
        protocol, endpoint = entry["protocol"], entry["endpoint"]
        if not isinstance(endpoint, str):
            raise ContextError(f"{where}: the endpoint is a string")
        endpoint = endpoint.strip()
        if protocol == "email":
            if not _EMAIL.fullmatch(endpoint):
                raise ContextError(f"{where}: not an e-mail address")
        elif protocol == "https":
            if not _HTTPS_URL.fullmatch(endpoint):
                raise ContextError(f"{where}: not an https:// URL")
        else:
            raise ContextError(f"{where}: protocol {protocol!r} is not email or https")
        subscription = AlarmSubscription(protocol, endpoint)
        if subscription in subscriptions:
            raise ContextError(f"{where}: this endpoint is already listed")
        subscriptions.append(subscription)
    return subscriptions


@dataclass(frozen=True)
class Tracing:
    """How the functions are traced: Lambda's active tracing always (the invocation's own
    segments); with ``otel_layer_arn``, OpenTelemetry as well, from that layer."""

    otel_layer_arn: str | None = None

    @property
    def opentelemetry(self) -> bool:
        return self.otel_layer_arn is not None


ACTIVE_TRACING: Final = "active"
OPENTELEMETRY: Final = "opentelemetry"
OTEL_WRAPPER: Final = "/opt/otel-instrument"
"""The ADOT Python layer's wrapper script, set as ``AWS_LAMBDA_EXEC_WRAPPER``."""


def tracing(context: Lookup) -> Tracing:
    """``kentei:tracing`` and, for OpenTelemetry, ``kentei:otelLayerArn``: the AWS distribution's
    Python layer (``AWSOpenTelemetryDistroPython``) as a layer-version ARN in the catalog's
    region. The ARN is the operator's to give: its current version per region is published
    with each release of aws-observability/aws-otel-python-instrumentation and in CloudWatch's
    "Enable Application Signals on Lambda functions" (README, "Tracing")."""
    mode = context(TRACING)
    arn = context(OTEL_LAYER_ARN)
    if mode is None or mode == ACTIVE_TRACING:
        if arn is not None:
            raise ContextError(f"{OTEL_LAYER_ARN} is only read with {TRACING}={OPENTELEMETRY}")
        return Tracing()
    if mode != OPENTELEMETRY:
        raise ContextError(
            f"{TRACING}: {mode!r} is neither {ACTIVE_TRACING!r} nor {OPENTELEMETRY!r}"
        )
    if not isinstance(arn, str) or not _LAYER_VERSION_ARN.fullmatch(arn.strip()):
        raise ContextError(
            f"{OTEL_LAYER_ARN}: the OpenTelemetry layer's version ARN in {catalog.REGION} "
            f"(arn:aws:lambda:{catalog.REGION}:<account>:layer:<name>:<version>)"
        )
    return Tracing(arn.strip())


def snap_start(value: object | None) -> bool:
    """``kentei:snapStart``: ``true`` or ``false`` (``-c`` gives the string)."""
    if value is None or value is False or value == "false":
        return False
    if value is True or value == "true":
        return True
    raise ContextError(f"{SNAP_START}: true or false, not {value!r}")
