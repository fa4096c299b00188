"""The verify consumer's log lines, as its formatter writes them: a My Number in a message
body, in an exception's text or in a logged message, in any spelling, is masked before the
line is written (one detector: kentei.redaction goes through kentei.my_number only)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any, Final

import pytest

from kentei import my_number
from kentei_local.context import LocalContext
from verify import dependencies, handler
from verify.reasons import RetryLaterError

FIRST: Final = "27182818284"
NUMBER: Final = FIRST + str(my_number.check_digit(FIRST))
SPELLINGS: Final = (
    NUMBER,
    f"{NUMBER[:4]}-{NUMBER[4:8]}-{NUMBER[8:]}",
    NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    f"{NUMBER[:4]}・{NUMBER[4:8]}・{NUMBER[8:]}",
    NUMBER.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    f"{NUMBER[:4]} {NUMBER[4:8]}_{NUMBER[8:]}",
)


@pytest.fixture(autouse=True)
def lambda_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """Verify's log lines through its own formatter (Powertools writes to the stdout of when
    the logger was made, out of capsys's reach)."""
    lines = io.StringIO()
    sink = logging.StreamHandler(lines)
    sink.setFormatter(handler.consumer.instruments.logger.registered_formatter)
    logger = logging.getLogger(handler.consumer.instruments.logger.name)
    logger.addHandler(sink)
    try:
        yield lines
    finally:
        logger.removeHandler(sink)


def record(body: str) -> dict[str, Any]:
    return {
        "messageId": "m-1",
        "receiptHandle": "rh-1",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:ap-northeast-1:123456789012:kentei-verify",
        "awsRegion": "ap-northeast-1",
    }


def _assert_masked(text: str) -> None:
    lines = text.splitlines()
    assert lines, "nothing was logged"
    for line in lines:
        json.loads(line)
        assert my_number.find(line) == [], line


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_an_exception_text_holding_a_my_number_is_masked(
    spelling: str, log: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    def deferred(*_: Any) -> Any:
        raise RetryLaterError(f"no data for {spelling}")

    monkeypatch.setattr(handler, "verify_application", deferred)
    monkeypatch.setattr(dependencies, "dependencies", lambda: None)
    body = json.dumps(
        {
            "kind": "application_received",
            "application_id": "13-0123456789ABCDEFGHJKMNPQRS",
            "prefecture_code": "13",
        }
    )
    response = handler.handler({"Records": [record(body)]}, LocalContext.for_function("verify"))
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    text = log.getvalue()
    assert "verification deferred" in text
    assert my_number.REDACTED in text
    _assert_masked(text)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_message_body_holding_a_my_number_is_never_logged(
    spelling: str, log: io.StringIO
) -> None:
    body = json.dumps(
        {"kind": "application_received", "application_id": spelling, "prefecture_code": "13"},
        ensure_ascii=False,
    )
    handler.handler({"Records": [record(body)]}, LocalContext.for_function("verify"))
    _assert_masked(log.getvalue())


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_logged_message_holding_a_my_number_is_masked(spelling: str, log: io.StringIO) -> None:
    handler.consumer.instruments.logger.warning(
        f"looked up {spelling}", extra={"path": f"/v1/x/{spelling}", "query": {"q": spelling}}
    )
    _assert_masked(log.getvalue())
