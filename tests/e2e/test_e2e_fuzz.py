"""Schema-driven fuzzing of the running system with schemathesis, against the committed
``openapi.json`` (the contract the bridges code against, not what the server says today).

Every operation of the document is called over HTTP on the session's local runtime with
generated requests, positive (valid per the schema) and negative (violating it), each as one of
several callers (both bridges with their client certificates on the bridge port, staff of two
prefectures with ID tokens on the staff port, or nobody). Each response must not be a 5xx, must
conform to the documented status codes, content types and response schemas, and must not echo a
personal value of the request: any value of a personal item (name, address, My Number, ...) of
the form, of the signed document or of the e-Gov package's application.json, and any valid My
Number anywhere in the request.

schemathesis runs its phases per operation: the schema's examples, the coverage phase
(deterministic boundary and schema-violating cases: most of the ~700 requests, two thirds of
them to ``POST /v1/applications``) and the fuzzing phase (Hypothesis, derandomized so a run
is reproducible, at most ``MAX_EXAMPLES`` per operation). Each request has a deadline; the
module takes about 40 s. The caller of each request is picked from the case (see
:func:`caller_for`). What the gateway answers itself, as API Gateway does, before intake
runs (no token: ``401 {"message": "Unauthorized"}``; a route the bridge API does not have:
``403 {"message": "Missing Authentication Token"}``) is not intake's contract: it is checked
for its exact shape, no 5xx and no echo.

Each operation's test stands alone (its own HTTP session, and its own floor of requests
checked when it ends), so the module passes alone, in any order, and spread over xdist
workers; the session's one runtime is the only thing the tests share.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Final

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tests.e2e.support import PERSONAL_ITEMS, echoed

from kentei_local import probes
from kentei_local.bridges import (
    EgovBridge,
    MynaportalBridge,
    PaperDesk,
    application_document,
    sample_form,
)
from kentei_local.process import ServeProcess
from kentei_local.signin import credentials

REPO: Final = Path(__file__).resolve().parents[2]
OPENAPI: Final = REPO / "openapi.json"
MAX_EXAMPLES: Final = 25
"""Fuzzing-phase examples per operation (positive and negative together)."""
REQUEST_TIMEOUT_S: Final = 10.0
MIN_REQUESTS: Final = 300
"""Requests of the whole run, at least: the sum of the per-operation floors below."""
MIN_REQUESTS_BY_OPERATION: Final = {
    "POST /v1/applications": 240,
    "POST /v1/review/applications/{application_id}/decision": 40,
    "GET /v1/review/applications": 40,
    "GET /v1/applications/{application_id}": 15,
    "GET /v1/review/applications/{application_id}": 15,
}
"""Requests each operation's test sends at least (about half of what the derandomized run
sends: 477, 88, 82, 31 and 31). Each operation's test checks its own floor when it ends, so
the check holds whatever the order of the tests and whichever xdist worker runs them."""
MIN_REQUESTS_OTHERWISE: Final = 3
"""Of an operation without parameters (health and the static documents: 7 each)."""
CALLERS: Final = (
    "bridge:mynaportal",
    "bridge:egov",
    "staff:13:fuzz-clerk",
    "staff:27:fuzz-clerk",
    None,
)
EXPECTED_CALLER: Final = {
    "mynaportal": "bridge:mynaportal",
    "egov": "bridge:egov",
    "paper": "staff:13:fuzz-clerk",
}
DOCUMENTATION: Final = frozenset(
    {
        "/v1/openapi.json",
        "/v1/schemas/application-document.json",
        "/v1/schemas/change-document.json",
    }
)
"""Static documents: their examples hold a (sample) valid My Number, as a complete valid
example must; they echo nothing of a request."""

schema = schemathesis.openapi.from_path(OPENAPI)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES
)
# The coverage phase also sends methods the API does not declare; TRACE and QUERY are left
# out: the local gateway (http.server) answers them 501 before any handler runs, and API
# Gateway supports neither, so they tell nothing about intake.
schema.config.phases.coverage.unexpected_methods = {"get", "put", "post", "delete", "patch"}


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.trust_env = False
        yield http


def minimum_requests(label: str) -> int:
    return MIN_REQUESTS_BY_OPERATION.get(label, MIN_REQUESTS_OTHERWISE)


@pytest.fixture
def sent(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """The requests one operation's test sends (one entry each); when the test ends, there
    must be at least the operation's floor of them."""
    label = getattr(request.node, "operation_label", None)
    assert isinstance(label, str), "the fuzz test is parametrized by schemathesis"
    calls: list[str] = []
    yield calls
    assert len(calls) >= minimum_requests(label), f"{label}: only {len(calls)} requests"


def request_values(body: bytes | str | None) -> list[str]:
    """The personal item values in a request body: of the paper ``form``, and of the
    documents inside the base64 of Mynaportal's ``document`` and e-Gov's ``package``."""
    if body is None:
        return []
    parsed = _json(body.encode() if isinstance(body, str) else body)
    if not isinstance(parsed, dict):
        return []
    documents = [parsed.get("form")]
    for decoded in (_b64(parsed.get("document")), _application_json(parsed.get("package"))):
        if decoded is not None:
            documents.append(_json(decoded))
    return [
        value
        for document in documents
        if isinstance(document, dict)
        for key, value in document.items()
        if key in PERSONAL_ITEMS and isinstance(value, str)
    ]


def _b64(value: Any) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _application_json(value: Any) -> bytes | None:
    raw = _b64(value)
    if raw is None:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            info = package.getinfo("application.json")
            return package.read(info) if info.file_size <= 1024 * 1024 else None
    except Exception:  # a generated "zip" fails in any of zipfile's ways
        return None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def no_personal_echo(ctx: Any, response: schemathesis.Response, case: Case[Any]) -> bool | None:
    """The response holds no personal value of its request and no valid My Number at all
    (any spelling: so none the request carried, wherever it carried it)."""
    text = response.content.decode("utf-8", "replace")
    if echoed(text, request_values(response.request.body)):
        raise AssertionError(f"the {response.status_code} response echoes a personal value")
    if case.path not in DOCUMENTATION and probes.my_numbers_in(text):
        raise AssertionError(f"the {response.status_code} response holds a valid My Number")
    return None


def caller_for(case: Case[Any]) -> str | None:
    """The caller of a generated request, spread over :data:`CALLERS` by a hash of the case
    (so a failure reproduces), and for three in five applications the caller their channel
    expects, so that most get past the 401/403 to the parsers."""
    spread = zlib.crc32(repr((case.method, case.path_parameters, case.query, case.body)).encode())
    channel = case.body.get("channel") if isinstance(case.body, dict) else None
    expected = EXPECTED_CALLER.get(channel) if isinstance(channel, str) else None
    if expected is not None and spread % 5 < 3:
        return expected
    return CALLERS[spread % len(CALLERS)]


CHECKS: Final = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    no_personal_echo,
]
GATEWAY_CHECKS: Final = [CHECKS[0], CHECKS[-1]]
"""No 5xx and no echo: the rest is intake's contract."""
GATEWAY_ANSWERS: Final = (
    (401, {"message": "Unauthorized"}),
    (403, {"message": "Missing Authentication Token"}),
)
"""What the gateway answers before intake runs, as API Gateway does."""


@schema.parametrize()
@hypothesis.settings(
    deadline=dt.timedelta(seconds=REQUEST_TIMEOUT_S),
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
    database=None,
)
def test_fuzz_the_api_finds_no_5xx_no_contract_break_and_no_echo(
    case: Case[Any], local_system: ServeProcess, session: requests.Session, sent: list[str]
) -> None:
    given = credentials(local_system.endpoints, caller_for(case))
    headers = given.headers()
    response = case.call(
        base_url=given.base_url,
        session=session,
        headers=headers,
        timeout=REQUEST_TIMEOUT_S,
        cert=given.cert,
        verify=given.verify,
    )
    sent.append(case.operation.label)
    if "x-amzn-errortype" in {name.lower() for name in response.headers}:
        answer = (response.status_code, json.loads(response.content))
        assert answer in GATEWAY_ANSWERS, answer
        case.validate_response(response, checks=GATEWAY_CHECKS, headers=headers)
        return
    case.validate_response(response, checks=CHECKS, headers=headers)


def test_the_floors_add_up_to_a_few_hundred_requests_over_every_operation() -> None:
    operations = list(schema.get_all_operations())
    labels = [operation.ok().label for operation in operations if isinstance(operation, Ok)]

    assert len(labels) == len(operations), "the committed document has an invalid operation"

    assert set(MIN_REQUESTS_BY_OPERATION) <= set(labels)
    assert sum(minimum_requests(label) for label in labels) >= MIN_REQUESTS


def test_the_echo_check_looks_inside_the_signed_document_and_the_package() -> None:
    form = sample_form()
    document = application_document(form)
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("application.json", document)
    mynaportal = json.dumps(MynaportalBridge.request_body(document, b"signature")).encode()
    egov = json.dumps(EgovBridge.request_body(package.getvalue())).encode()
    paper = json.dumps(PaperDesk.request_body(form)).encode()

    for body in (mynaportal, egov, paper):
        values = request_values(body)
        assert form["name"] in values
        assert form["my_number"] in values
        echo = SimpleNamespace(
            request=SimpleNamespace(body=body),
            content=json.dumps({"detail": f"bad address {form['address']}"}).encode(),
            status_code=422,
        )
        with pytest.raises(AssertionError, match="echoes a personal value"):
            no_personal_echo(None, echo, SimpleNamespace(path="/v1/applications"))  # type: ignore[arg-type]
    clean = SimpleNamespace(
        request=SimpleNamespace(body=paper), content=b'{"status": 422}', status_code=422
    )
    assert no_personal_echo(None, clean, SimpleNamespace(path="/v1/applications")) is None  # type: ignore[arg-type]
