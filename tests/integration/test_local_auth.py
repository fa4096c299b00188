"""Who may call the local runtime, over HTTP(S), as a deployed client would (issue 8).

The staff port verifies Cognito ID tokens of the user pool seeded in moto (signature,
issuer, audience, expiry, token use) and answers API Gateway's ``401`` before the function
runs; the bridge port requires a client certificate of the local CA (mutual TLS) and serves
the bridges' routes only. The function is a stub that echoes its event, so each test sees
exactly what the gateway put in the request context.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource
from tests.integration.stubs import StubApi, StubConsumer

from kentei import callers, catalog
from kentei.callers import CallerKind, Role, caller_from_event
from kentei_local import cognito, localca
from kentei_local.endpoints import RUNTIME_FILE, LocalEndpoints
from kentei_local.identities import BRIDGE_ISSUER, bridge_clients_setting, bridge_subject
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings
from kentei_local.signin import credentials

API = StubApi()
PROTECTED = "/v1/review/applications"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    handlers = {queue.consumer: StubConsumer() for queue in catalog.QUEUES}
    settings = LocalSettings(port=0, state_dir=tmp_path_factory.mktemp("state"))
    with LocalRuntime(settings, handlers={**handlers, "intake": API}) as started:
        yield started


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False
        yield session


def staff_token(runtime: LocalRuntime, caller: str = "staff:13:auth-tester") -> str:
    token = credentials(runtime.endpoints, caller).token
    assert token is not None
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def echoed(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    event: dict[str, Any] = response.json()["event"]
    return event


def assert_unauthorized(response: requests.Response, invocations_before: int) -> None:
    """API Gateway's own 401, and the function never ran."""
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"
    assert len(API.events) == invocations_before


def moto_signed(runtime: LocalRuntime, **claims: Any) -> str:
    """A token signed with moto's own key (the one its JWKS publishes), with ``claims``
    replacing those of a real ID token of the pool."""
    real = jwt.decode(staff_token(runtime), options={"verify_signature": False})
    private = jwt.PyJWK.from_dict(load_resource("cognitoidp/resources/jwks-private.json"))
    return jwt.encode({**real, **claims}, private.key, algorithm="RS256", headers={"kid": "dummy"})


# --- runtime.json --------------------------------------------------------------------------


def test_runtime_json_says_where_to_call_and_with_what(runtime: LocalRuntime) -> None:
    written = json.loads(runtime.runtime_file.read_text(encoding="utf-8"))

    assert runtime.runtime_file.name == RUNTIME_FILE
    assert set(written) == {
        "staff_api",
        "bridge_api",
        "ca_file",
        "cognito",
        "staff_users",
        "bridges",
        "public_api",
        "national",
    }
    assert written["staff_api"] == runtime.url
    assert written["staff_api"].startswith("http://127.0.0.1:")
    assert written["bridge_api"] == runtime.bridge_url
    assert written["bridge_api"].startswith("https://127.0.0.1:")
    assert written["public_api"] == runtime.public_url
    assert written["public_api"].startswith("http://127.0.0.1:")
    assert set(written["cognito"]) == {"endpoint", "region", "user_pool_id", "client_id"}
    assert written["cognito"]["endpoint"] == runtime.moto_endpoint
    assert set(written["bridges"]) == {"mynaportal", "egov"}
    for pair in written["bridges"].values():
        assert set(pair) == {"cert", "key"}
        assert Path(pair["cert"]).is_file()
        assert Path(pair["key"]).stat().st_mode & 0o077 == 0
    assert Path(written["ca_file"]).is_file()
    assert set(written["national"]) == {"url", "ca_file", "cert", "key"}
    assert written["national"]["url"] == runtime.national.url
    assert Path(written["national"]["cert"]).is_file()
    assert Path(written["national"]["key"]).stat().st_mode & 0o077 == 0
    assert runtime.runtime_file.stat().st_mode & 0o077 == 0
    assert LocalEndpoints.load(runtime.runtime_file) == runtime.endpoints


def test_the_seeded_users_cover_both_prefectures_and_every_role(runtime: LocalRuntime) -> None:
    users = runtime.endpoints.staff_users
    for prefecture in ("13", "27"):
        roles = {r for u in users if u.prefecture_code == prefecture for r in u.roles}
        assert roles == {role.value for role in Role}
    assert len({u.username for u in users}) == len(users)


def test_a_seeded_user_signs_in_with_initiate_auth_and_gets_its_claims(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    user = cognito.find_user(runtime.endpoints.staff_users, "27", ["auditor"])
    answer = cognito.client(runtime.endpoints.cognito).initiate_auth(
        ClientId=runtime.endpoints.cognito.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )
    token = answer["AuthenticationResult"]["IdToken"]

    claims = echoed(http.get(runtime.url + PROTECTED, headers=bearer(token), timeout=10))[
        "requestContext"
    ]["authorizer"]["claims"]

    assert all(isinstance(value, str) for value in claims.values())
    assert claims["token_use"] == "id"
    assert claims["cognito:username"] == user.username
    assert claims["custom:prefecture_code"] == "27"
    assert claims["cognito:groups"] == "auditor"
    assert claims["aud"] == runtime.endpoints.cognito.client_id
    assert claims["iss"] == runtime.endpoints.cognito.issuer
    assert claims["exp"].endswith(" UTC " + claims["exp"][-4:])


def test_the_claims_name_the_staff_caller_the_function_reads(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    token = staff_token(runtime, "staff:13:two-roles:reviewer,auditor")

    event = echoed(http.get(runtime.url + PROTECTED, headers=bearer(token), timeout=10))
    caller = caller_from_event(event)

    assert caller is not None
    assert caller.kind is CallerKind.STAFF
    assert caller.id == "staff:13:two-roles"
    assert caller.roles == {Role.REVIEWER, Role.AUDITOR}
    assert event["requestContext"]["identity"]["clientCert"] is None


# --- the staff port --------------------------------------------------------------------------


def test_no_token_is_401_before_the_function_runs(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    before = len(API.events)
    assert_unauthorized(http.get(runtime.url + PROTECTED, timeout=10), before)
    assert_unauthorized(http.post(runtime.url + "/v1/applications", json={}, timeout=10), before)
    assert_unauthorized(http.get(runtime.url + "/v1/no-such-route", timeout=10), before)


@pytest.mark.parametrize("path", ["/v1/health", "/v1/openapi.json"])
def test_health_and_the_contract_stay_public(
    runtime: LocalRuntime, http: requests.Session, path: str
) -> None:
    response = http.get(runtime.url + path, timeout=10)

    assert response.status_code == 200


def test_an_expired_token_is_401(runtime: LocalRuntime, http: requests.Session) -> None:
    now = int(time.time())
    expired = moto_signed(runtime, iat=now - 7200, auth_time=now - 7200, exp=now - 3600)
    before = len(API.events)

    assert_unauthorized(http.get(runtime.url + PROTECTED, headers=bearer(expired)), before)


def test_a_token_signed_with_moto_key_and_valid_claims_passes(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    # The control of the expired case: only the expiry made it fail.
    fresh = moto_signed(runtime, exp=int(time.time()) + 600)

    assert http.get(runtime.url + PROTECTED, headers=bearer(fresh), timeout=10).status_code == 200


def test_a_wrongly_signed_token_is_401(runtime: LocalRuntime, http: requests.Session) -> None:
    claims = jwt.decode(staff_token(runtime), options={"verify_signature": False})
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": "dummy"})
    unsigned = jwt.encode(claims, "", algorithm="none")
    before = len(API.events)

    assert_unauthorized(http.get(runtime.url + PROTECTED, headers=bearer(forged)), before)
    assert_unauthorized(http.get(runtime.url + PROTECTED, headers=bearer(unsigned)), before)


def test_a_token_of_another_app_client_is_401(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    pool = runtime.endpoints.cognito
    idp = cognito.client(pool)
    other = idp.create_user_pool_client(
        UserPoolId=pool.user_pool_id,
        ClientName="another-app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    user = cognito.find_user(runtime.endpoints.staff_users, "13", ["clerk"])
    token = idp.initiate_auth(
        ClientId=other,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )["AuthenticationResult"]["IdToken"]
    before = len(API.events)

    assert jwt.decode(token, options={"verify_signature": False})["aud"] == other
    assert_unauthorized(http.get(runtime.url + PROTECTED, headers=bearer(token)), before)


def test_an_access_token_or_another_issuer_is_401(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    user = cognito.find_user(runtime.endpoints.staff_users, "13", ["clerk"])
    access = cognito.client(runtime.endpoints.cognito).initiate_auth(
        ClientId=runtime.endpoints.cognito.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )["AuthenticationResult"]["AccessToken"]
    elsewhere = moto_signed(runtime, iss="https://cognito-idp.us-east-1.amazonaws.com/other")
    before = len(API.events)

    assert_unauthorized(http.get(runtime.url + PROTECTED, headers=bearer(access)), before)
    assert_unauthorized(http.get(runtime.url + PROTECTED, headers=bearer(elsewhere)), before)


def test_a_bridge_certificate_on_the_staff_port_is_no_caller(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    bridge = credentials(runtime.endpoints, "bridge:mynaportal")
    before = len(API.events)

    response = http.get(runtime.url + PROTECTED, cert=bridge.cert, timeout=10)

    assert_unauthorized(response, before)


def test_a_header_never_names_the_caller_on_the_staff_port(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    before = len(API.events)
    headers = {"X-Kentei-Local-Caller": "bridge:mynaportal", "X-Amzn-Client-Cert": "x"}
    assert_unauthorized(http.get(runtime.url + PROTECTED, headers=headers), before)

    event = echoed(
        http.get(
            runtime.url + PROTECTED, headers={**headers, **bearer(staff_token(runtime))}, timeout=10
        )
    )
    assert event["requestContext"]["identity"]["clientCert"] is None
    assert caller_from_event(event) is not None
    assert caller_from_event(event).kind is CallerKind.STAFF  # type: ignore[union-attr]


# --- the bridge port -------------------------------------------------------------------------


def test_a_bridge_is_its_verified_certificate(
    runtime: LocalRuntime, http: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = credentials(runtime.endpoints, "bridge:egov")

    event = echoed(
        http.get(
            given.base_url + "/v1/applications/13-X",
            cert=given.cert,
            verify=given.verify,
            timeout=10,
        )
    )

    certificate = event["requestContext"]["identity"]["clientCert"]
    assert certificate["subjectDN"] == bridge_subject("egov")
    assert certificate["issuerDN"] == BRIDGE_ISSUER
    assert certificate["clientCertPem"].startswith("-----BEGIN CERTIFICATE-----")
    assert set(certificate["validity"]) == {"notBefore", "notAfter"}
    assert certificate["validity"]["notAfter"].endswith(" GMT")
    assert ":" in certificate["serialNumber"] or len(certificate["serialNumber"]) == 2
    assert "authorizer" not in event["requestContext"]
    assert event["headers"]["X-Forwarded-Proto"] == "https"
    for name, value in bridge_clients_setting().items():
        monkeypatch.setenv(name, value)
    callers.bridge_clients.cache_clear()
    caller = caller_from_event(event)
    callers.bridge_clients.cache_clear()
    assert caller is not None
    assert caller.id == "bridge:egov"


def test_a_bridge_without_a_client_certificate_cannot_connect(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    with pytest.raises(requests.exceptions.ConnectionError):
        http.get(
            runtime.bridge_url + "/v1/health",
            verify=str(runtime.endpoints.ca_file),
            timeout=10,
        )
    host, port = runtime.bridge_url.removeprefix("https://").split(":")
    with pytest.raises((ssl.SSLError, ConnectionError)):
        _raw_request_without_a_certificate(host, int(port), str(runtime.endpoints.ca_file))


def _raw_request_without_a_certificate(host: str, port: int, ca_file: str) -> None:
    context = ssl.create_default_context(cafile=ca_file)
    with (
        socket.create_connection((host, port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        # TLS 1.3 reports the server's refusal at the first read.
        tls.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        if not tls.recv(1024):
            raise ConnectionError("closed without an answer")


def test_a_certificate_of_another_ca_cannot_connect(
    runtime: LocalRuntime, http: requests.Session, tmp_path: Path
) -> None:
    stranger = localca.create(tmp_path).bridges["mynaportal"]

    with pytest.raises(requests.exceptions.ConnectionError):
        http.get(
            runtime.bridge_url + "/v1/health",
            cert=(str(stranger.cert), str(stranger.key)),
            verify=str(runtime.endpoints.ca_file),
            timeout=10,
        )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", PROTECTED),
        ("GET", "/v1/openapi.json"),
        ("POST", "/v1/review/applications/13-X/decision"),
        ("DELETE", "/v1/applications/13-X"),
    ],
)
def test_the_bridge_port_has_the_bridges_routes_only(
    runtime: LocalRuntime, http: requests.Session, method: str, path: str
) -> None:
    given = credentials(runtime.endpoints, "bridge:mynaportal")
    before = len(API.events)

    response = http.request(
        method, given.base_url + path, cert=given.cert, verify=given.verify, timeout=10
    )

    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}
    assert len(API.events) == before


def test_the_public_port_serves_the_public_routes_without_a_caller_and_nothing_else(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    before = len(API.events)
    public = runtime.public_url

    page = http.get(f"{public}/verify", timeout=10)
    health = http.get(f"{public}/v1/health", timeout=10)
    staff_route = http.get(f"{public}/v1/review/applications", timeout=10)
    wrong_method = http.delete(f"{public}/verify", timeout=10)
    on_staff_port = http.get(f"{runtime.url}/verify", timeout=10)

    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Content-Security-Policy" in page.headers
    assert health.json()["status"] == "ok"
    for refused in (staff_route, wrong_method, on_staff_port):
        assert refused.status_code == 403
        assert refused.json() == {"message": "Missing Authentication Token"}
    assert len(API.events) == before, "intake never sees a public request"


def test_a_staff_token_on_the_bridge_port_is_not_a_staff_caller(
    runtime: LocalRuntime, http: requests.Session
) -> None:
    given = credentials(runtime.endpoints, "bridge:mynaportal")

    event = echoed(
        http.get(
            given.base_url + "/v1/applications/13-X",
            headers=bearer(staff_token(runtime)),
            cert=given.cert,
            verify=given.verify,
            timeout=10,
        )
    )

    assert "authorizer" not in event["requestContext"]
    assert event["requestContext"]["identity"]["clientCert"]["subjectDN"] == bridge_subject(
        "mynaportal"
    )
