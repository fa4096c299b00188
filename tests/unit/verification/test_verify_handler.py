"""The verify handler: an SQS batch in, a partial batch response out; only what may pass on a
retry fails a message, and its log line names the reason code, never a person."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from tests.unit.verification.conftest import STRANGER, TARO, World

from kentei import messages
from kentei.applications.model import Status
from kentei.signatures import NoRevocationSource
from kentei_local.context import LocalContext
from kentei_local.probes import my_numbers_in
from verify import dependencies, handler


@pytest.fixture(autouse=True)
def lambda_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")


def batch(*application_ids: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": application_id,
                "receiptHandle": f"rh-{application_id}",
                "body": messages.encode(
                    messages.ApplicationReceived(
                        application_id=application_id, prefecture_code="13"
                    )
                ),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:123456789012:kentei-verify",
                "awsRegion": "ap-northeast-1",
            }
            for application_id in application_ids
        ]
    }


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record's message and extra keys, as one text."""
    return "\n".join(json.dumps(vars(r), default=str, ensure_ascii=False) for r in caplog.records)


def test_given_a_batch_then_each_application_ends_and_nothing_is_retried(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(dependencies, "dependencies", world.dependencies)
    caplog.set_level(logging.INFO)
    admitted, refused = world.mynaportal(TARO), world.mynaportal(STRANGER)

    response = handler.handler(batch(admitted, refused), LocalContext.for_function("verify"))

    assert response == {"batchItemFailures": []}
    assert world.application(admitted).status is Status.UNDER_REVIEW
    assert world.application(refused).status is Status.RETURNED
    text = logged(caplog)
    assert "registry.not_confirmed" in text
    assert my_numbers_in(text) == []
    assert TARO.name not in text


def test_given_no_revocation_data_then_the_message_is_retried_with_its_reason_logged(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world.revocation = NoRevocationSource()
    monkeypatch.setattr(dependencies, "dependencies", world.dependencies)
    application_id = world.mynaportal(TARO)

    response = handler.handler(batch(application_id), LocalContext.for_function("verify"))

    assert response == {"batchItemFailures": [{"itemIdentifier": application_id}]}
    assert "certificate.revocation_unknown" in logged(caplog)


def record(message_id: str, body: str) -> dict[str, Any]:
    (template,) = batch("13-" + "0" * 26)["Records"]
    return {**template, "messageId": message_id, "receiptHandle": f"rh-{message_id}", "body": body}


def test_an_identity_chosen_message_is_routed_and_an_invalid_one_fails_for_the_dlq(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(dependencies, "dependencies", world.dependencies)
    caplog.set_level(logging.INFO)
    handled = world.mynaportal(TARO)
    world.verify(handled)
    valid = messages.encode(messages.IdentityChosen(application_id=handled, prefecture_code="13"))
    invalid = json.dumps(
        {"kind": "identity_chosen", "application_id": handled, "prefecture_code": "27"}
    )
    event = {"Records": [record("valid", valid), record("invalid", invalid)]}

    response = handler.handler(event, LocalContext.for_function("verify"))

    assert response == {"batchItemFailures": [{"itemIdentifier": "invalid"}]}
    assert "application already handled" in logged(caplog)
    assert my_numbers_in(logged(caplog)) == []
