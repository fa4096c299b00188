"""The real handlers against moto: a REST proxy event to intake, SQS batches to consumers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from kentei import catalog, messages
from kentei.data.heartbeats import DynamoHeartbeatStore
from kentei_local.context import LocalContext
from kentei_local.gateway import HttpRequest, proxy_event

RECORDS = "kentei-test-records"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_DEFAULT_REGION": catalog.REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "KENTEI_ENV": "local",
        catalog.table("records").env_var: RECORDS,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        spec = catalog.table("records")
        boto3.client("dynamodb").create_table(
            TableName=RECORDS,
            KeySchema=[
                {"AttributeName": spec.partition_key, "KeyType": "HASH"},
                {"AttributeName": str(spec.sort_key), "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": spec.partition_key, "AttributeType": "S"},
                {"AttributeName": str(spec.sort_key), "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield


def rest_event(method: str, path: str) -> dict[str, Any]:
    """The event API Gateway sends for ``method path``, built by the local gateway."""
    request = HttpRequest(
        method=method,
        target=path,
        headers=[("Accept", "application/json")],
        body=b"",
        source_ip="127.0.0.1",
        host="127.0.0.1:8000",
    )
    return proxy_event(request, "req-1", datetime.now(UTC))


def sqs_record(message_id: str, body: str) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": f"rh-{message_id}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1795746908333",
            "SenderId": "AIDATEST",
            "ApproximateFirstReceiveTimestamp": "1795746908333",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{catalog.REGION}:123456789012:q",
        "awsRegion": catalog.REGION,
    }


@pytest.mark.usefixtures("aws")
def test_given_the_api_when_health_is_requested_then_it_answers_ok() -> None:
    from intake.handler import handler

    response = handler(rest_event("GET", "/v1/health"), LocalContext.for_function("intake"))
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["status"] == "ok"


@pytest.mark.usefixtures("aws")
def test_given_an_unknown_route_then_a_problem_document_is_returned() -> None:
    from intake.handler import handler

    response = handler(rest_event("GET", "/v1/nope"), LocalContext.for_function("intake"))
    assert response["statusCode"] == 404
    assert response["multiValueHeaders"]["Content-Type"] == ["application/problem+json"]
    assert json.loads(response["body"])["type"] == "urn:kentei:problem:not-found"


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("function", ["verify", "sync", "certify", "accounts"])
def test_given_a_batch_with_a_heartbeat_and_poison_then_only_the_poison_fails(
    function: str,
) -> None:
    module = __import__(f"{function}.handler", fromlist=["handler"])
    sent = messages.heartbeat()
    event = {"Records": [sqs_record("ok", messages.encode(sent)), sqs_record("bad", "{")]}
    response = module.handler(event, LocalContext.for_function(function))
    assert response == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    receipt = DynamoHeartbeatStore(RECORDS).latest(function)
    assert receipt is not None
    assert receipt.heartbeat_id == str(sent.heartbeat_id)


@pytest.mark.usefixtures("aws")
def test_the_post_authentication_trigger_records_the_sign_in_and_returns_the_event() -> None:
    from kentei.callers import PREFECTURE_CLAIM
    from kentei.data.sign_ins import DynamoSignInStore
    from signins.handler import handler

    event = {
        "version": "1",
        "triggerSource": "PostAuthentication_Authentication",
        "region": catalog.REGION,
        "userPoolId": f"{catalog.REGION}_pool",
        "userName": "admin-13",
        "callerContext": {"awsSdkVersion": "1", "clientId": "client"},
        "request": {"userAttributes": {PREFECTURE_CLAIM: "13"}, "newDeviceUsed": False},
        "response": {},
    }
    assert handler(dict(event), LocalContext.for_function("signins")) == event
    (summary,) = DynamoSignInStore().summaries("13")
    assert (summary.username, summary.sign_ins, summary.last_mfa_used) == ("admin-13", 1, True)


@pytest.mark.usefixtures("aws")
def test_an_invalid_or_refused_ticket_void_fails_its_item_for_the_dlq() -> None:
    """A ``ticket_void`` body that is not the model, and one about no deleted sitting, are
    each reported as failed (the queue redrives them to the DLQ), never dropped."""
    from certify.handler import handler

    void = messages.TicketVoid(application_id="13-01J0000000000000000000000A", prefecture_code="13")
    invalid = json.dumps({**json.loads(messages.encode(void)), "name": "山田"})
    event = {
        "Records": [
            sqs_record("invalid", invalid),
            sqs_record("refused", messages.encode(void)),
            sqs_record("ok", messages.encode(messages.heartbeat())),
        ]
    }
    response = handler(event, LocalContext.for_function("certify"))
    assert response == {
        "batchItemFailures": [{"itemIdentifier": "invalid"}, {"itemIdentifier": "refused"}]
    }


@pytest.mark.usefixtures("aws")
def test_an_invalid_or_refused_passes_announced_fails_its_item_for_the_dlq() -> None:
    """A ``passes_announced`` body that is not the model, and one naming a pass with no
    decision, are each reported as failed (redriven to the DLQ), never dropped."""
    from certify.handler import handler

    told = messages.PassesAnnounced(
        prefecture_code="13",
        group_key="2026-前期#0301#030101#2級",
        application_ids=("13-01J0000000000000000000000A",),
    )
    invalid = json.dumps({**json.loads(messages.encode(told)), "name": "山田"})
    event = {
        "Records": [
            sqs_record("invalid", invalid),
            sqs_record("refused", messages.encode(told)),
            sqs_record("ok", messages.encode(messages.heartbeat())),
        ]
    }
    response = handler(event, LocalContext.for_function("certify"))
    assert response == {
        "batchItemFailures": [{"itemIdentifier": "invalid"}, {"itemIdentifier": "refused"}]
    }
