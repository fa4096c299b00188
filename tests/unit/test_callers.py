"""The caller comes from where API Gateway puts it (an ID token's claims, a verified client
certificate), never from a header."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from kentei import callers
from kentei.callers import Caller, CallerKind, Role, caller_from_event

ISSUER = "CN=Bridge CA,O=Example"
TABLE = [
    {"channel": "mynaportal", "subject": "CN=mynaportal-bridge, O=Example", "issuer": ISSUER},
    {"channel": "egov", "subject": "CN=egov-bridge,O=Example", "issuer": ISSUER},
]
CLAIMS = {
    "token_use": "id",
    "cognito:username": "reviewer-1",
    "custom:prefecture_code": "13",
    "cognito:groups": "reviewer,auditor",
}


@pytest.fixture(autouse=True)
def bridge_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(callers.BRIDGE_CLIENTS_ENV, json.dumps(TABLE))
    callers.bridge_clients.cache_clear()
    yield
    callers.bridge_clients.cache_clear()


def event(
    claims: dict[str, Any] | None = None,
    cert: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {"identity": {"sourceIp": "203.0.113.9", "clientCert": cert}}
    if claims is not None:
        context["authorizer"] = {"claims": claims}
    return {"headers": headers or {}, "requestContext": context}


def test_staff_come_from_the_id_tokens_claims_with_their_roles_and_address() -> None:
    assert caller_from_event(event(CLAIMS)) == Caller(
        CallerKind.STAFF,
        prefecture_code="13",
        user_id="reviewer-1",
        roles=frozenset({Role.REVIEWER, Role.AUDITOR}),
        source_ip="203.0.113.9",
    )


@pytest.mark.parametrize(
    "groups", ["[reviewer, auditor]", "reviewer auditor", ["reviewer", "auditor"]]
)
def test_groups_are_read_in_every_form_the_authorizer_writes(groups: object) -> None:
    caller = caller_from_event(event({**CLAIMS, "cognito:groups": groups}))
    assert caller is not None
    assert caller.roles == {Role.REVIEWER, Role.AUDITOR}


@pytest.mark.parametrize(
    "change",
    [
        {"token_use": "access"},
        {"custom:prefecture_code": "48"},
        {"custom:prefecture_code": None},
        {"cognito:username": None},
        {"cognito:groups": "nobody,else"},
        {"cognito:groups": None},
    ],
)
def test_claims_that_name_no_user_of_one_prefecture_with_a_role_are_no_caller(
    change: dict[str, Any],
) -> None:
    claims = {k: v for k, v in {**CLAIMS, **change}.items() if v is not None}
    assert caller_from_event(event(claims)) is None


def test_a_bridge_is_its_client_certificates_subject_and_issuer() -> None:
    cert = {"subjectDN": "CN=mynaportal-bridge,O=Example", "issuerDN": ISSUER}
    caller = caller_from_event(event(cert=cert))
    assert caller is not None
    assert (caller.kind, caller.bridge, caller.id) == (
        CallerKind.BRIDGE,
        "mynaportal",
        "bridge:mynaportal",
    )


@pytest.mark.parametrize(
    "cert",
    [
        {"subjectDN": "CN=mynaportal-bridge,O=Example", "issuerDN": "CN=Other CA"},
        {"subjectDN": "CN=someone,O=Example", "issuerDN": ISSUER},
        {"subjectDN": "CN=mynaportal-bridge,O=Example"},
    ],
)
def test_a_certificate_the_table_does_not_name_is_no_caller(cert: dict[str, Any]) -> None:
    assert caller_from_event(event(cert=cert)) is None


def test_a_header_naming_a_caller_is_never_read() -> None:
    headers = {"X-Kentei-Local-Caller": "staff:13:x", "Authorization": "Bearer x"}
    assert caller_from_event(event(headers=headers)) is None


def test_a_table_naming_an_unknown_channel_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        callers.BRIDGE_CLIENTS_ENV,
        json.dumps([{"channel": "fax", "subject": "CN=a", "issuer": "CN=b"}]),
    )
    callers.bridge_clients.cache_clear()
    with pytest.raises(ValueError, match="fax"):
        callers.bridge_clients()
