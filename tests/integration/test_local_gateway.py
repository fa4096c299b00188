"""The local gateway turns HTTP into API Gateway REST proxy events and answers as API Gateway."""

from __future__ import annotations

import base64
import http.client
import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from tests.integration.stubs import StubApi, StubConsumer

from kentei import catalog
from kentei_local.functions import Invocation
from kentei_local.gateway import http_response
from kentei_local.resources import physical_name
from kentei_local.runtime import LocalRuntime
from kentei_local.settings import LocalSettings
from kentei_local.signin import credentials

API = StubApi()


def _raise(event: dict[str, Any]) -> Any:
    raise RuntimeError("the handler failed")


API.routes |= {
    "/v1/binary": lambda event: {
        "statusCode": 200,
        "headers": {"Content-Type": "application/pdf"},
        "body": base64.b64encode(b"%PDF\x00\xff").decode(),
        "isBase64Encoded": True,
    },
    "/v1/cookies": lambda event: {
        "statusCode": 201,
        "headers": {"X-Single": "one", "Set-Cookie": "dropped=1"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        "body": "{}",
    },
    "/v1/raise": _raise,
    "/v1/malformed": lambda event: {"statusCode": 200, "body": "{}", "unexpected": True},
    "/v1/not-json": lambda event: {"statusCode": 200, "body": object()},
}


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    handlers = {queue.consumer: StubConsumer() for queue in catalog.QUEUES}
    with LocalRuntime(LocalSettings(port=0), handlers={**handlers, "intake": API}) as started:
        yield started


def _http(runtime: LocalRuntime) -> requests.Session:
    """A staff member's session on the staff port: the stub API's routes need a token."""
    session = _SESSIONS.get(runtime.url)
    if session is None:
        session = requests.Session()
        session.trust_env = False
        session.headers.update(credentials(runtime.endpoints, "staff:13:gateway-tester").headers())
        _SESSIONS[runtime.url] = session
    return session


_SESSIONS: dict[str, requests.Session] = {}


def echoed(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    event: dict[str, Any] = response.json()["event"]
    return event


def test_the_gateway_listens_on_the_loopback_interface_only(runtime: LocalRuntime) -> None:
    assert urlsplit(runtime.url).hostname == "127.0.0.1"
    assert urlsplit(runtime.moto_endpoint).hostname == "127.0.0.1"


def test_a_get_becomes_a_rest_proxy_event(runtime: LocalRuntime) -> None:
    response = _http(runtime).get(
        f"{runtime.url}/v1/examinees/a%20b?x=1&x=2&empty=&z=3",
        headers={"X-Custom": "value", "User-Agent": "tests"},
        timeout=10,
    )
    event = echoed(response)

    assert event["resource"] == "/v1/{proxy+}"
    assert event["path"] == "/v1/examinees/a%20b"
    assert event["pathParameters"] == {"proxy": "examinees/a b"}
    assert event["httpMethod"] == "GET"
    assert event["queryStringParameters"] == {"x": "2", "empty": "", "z": "3"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "empty": [""], "z": ["3"]}
    assert event["headers"]["X-Custom"] == "value"
    assert event["multiValueHeaders"]["X-Custom"] == ["value"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["requestId"] == response.headers["x-amzn-RequestId"]
    assert context["stage"] == "prod"
    assert context["httpMethod"] == "GET"
    assert context["resourcePath"] == "/v1/{proxy+}"
    assert context["path"] == "/prod/v1/examinees/a%20b"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "tests"


def test_repeated_headers_are_multi_valued(runtime: LocalRuntime) -> None:
    url = urlsplit(runtime.url)
    connection = http.client.HTTPConnection(str(url.hostname), url.port, timeout=10)
    connection.putrequest("GET", "/v1/echo")
    for name, value in _http(runtime).headers.items():
        if name == "Authorization":
            connection.putheader(name, str(value))
    connection.putheader("X-Twice", "first")
    connection.putheader("x-twice", "second")
    connection.endheaders()
    body = json.loads(connection.getresponse().read())
    connection.close()

    assert body["event"]["multiValueHeaders"]["X-Twice"] == ["first", "second"]
    assert body["event"]["headers"]["X-Twice"] == "second"


def test_the_query_strings_are_null_without_a_query(runtime: LocalRuntime) -> None:
    event = echoed(_http(runtime).get(f"{runtime.url}/v1/echo", timeout=10))

    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None


@pytest.mark.parametrize("path", ["/", "/v1", "/v1/", "/v2/health", "/health"])
def test_a_path_outside_the_apis_resource_gets_api_gateways_403_without_an_invocation(
    runtime: LocalRuntime, path: str
) -> None:
    invocations = len(API.events)

    response = _http(runtime).get(f"{runtime.url}{path}", timeout=10)

    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}
    assert len(API.events) == invocations


def test_a_text_body_is_passed_as_text(runtime: LocalRuntime) -> None:
    event = echoed(_http(runtime).post(f"{runtime.url}/v1/echo", json={"名前": "検定"}, timeout=10))

    assert event["isBase64Encoded"] is False
    assert json.loads(event["body"]) == {"名前": "検定"}


@pytest.mark.parametrize(
    "content_type", ["application/octet-stream", "multipart/form-data; boundary=x", "image/png"]
)
def test_a_binary_body_is_base64_encoded(runtime: LocalRuntime, content_type: str) -> None:
    payload = b"\x89PNG\x00\xff binary"
    event = echoed(
        _http(runtime).put(
            f"{runtime.url}/v1/echo",
            data=payload,
            headers={"Content-Type": content_type},
            timeout=10,
        )
    )

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


def test_a_base64_response_is_decoded(runtime: LocalRuntime) -> None:
    response = _http(runtime).get(f"{runtime.url}/v1/binary", timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF\x00\xff"


def test_headers_and_multi_value_headers_are_merged(runtime: LocalRuntime) -> None:
    response = _http(runtime).get(f"{runtime.url}/v1/cookies", timeout=10)

    assert response.status_code == 201
    assert response.headers["X-Single"] == "one"
    assert response.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    assert response.headers["Content-Type"] == "application/json"


def test_a_head_request_gets_headers_without_a_body(runtime: LocalRuntime) -> None:
    response = _http(runtime).head(f"{runtime.url}/v1/echo", timeout=10)

    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["Content-Length"]) > 0


@pytest.mark.parametrize("path", ["/v1/raise", "/v1/malformed", "/v1/not-json"])
def test_a_failing_or_malformed_handler_gives_api_gateways_502(
    runtime: LocalRuntime, path: str
) -> None:
    response = _http(runtime).get(f"{runtime.url}{path}", timeout=10)

    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}
    assert "the handler failed" not in response.text


def test_an_invocation_past_its_timeout_gives_api_gateways_504() -> None:
    response = http_response(Invocation("id", {"statusCode": 200}, "Sandbox.Timedout", 30_000))

    assert response.status == 504
    assert json.loads(response.body) == {"message": "Endpoint request timed out"}


def test_the_api_handler_gets_the_intake_functions_context(runtime: LocalRuntime) -> None:
    response = _http(runtime).delete(f"{runtime.url}/v1/context", timeout=10)

    assert response.status_code == 200
    event, context = API.events[-1], API.contexts[-1]
    spec = catalog.function("intake")
    assert event["httpMethod"] == "DELETE"
    assert context.function_name == physical_name(spec.name)
    assert context.memory_limit_in_mb == spec.memory_mb
    # As deployed: the Lambda request id is not API Gateway's.
    assert str(uuid.UUID(context.aws_request_id)) == context.aws_request_id
    assert context.aws_request_id != response.headers["x-amzn-RequestId"]
    assert context.log_group_name == f"/aws/lambda/{physical_name(spec.name)}"
    assert 0 < context.get_remaining_time_in_millis() <= spec.timeout_s * 1000
