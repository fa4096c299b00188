"""Certify's consumer routes ``passes_announced`` and ``completion_notice_due``: a page whose
notice keeps failing, an invalid body, or a message no notice is owed for is a batch item
failure (SQS retries it, then its redrive policy keeps it in the DLQ); log lines carry ids."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from tests.unit.notice_dispatch.fakes import Failing, World
from tests.unit.notice_dispatch.test_pass_notices import accepted, add, page
from tests.unit.review.factory import application, form

from certify import handler
from certify.certificates import IssueReport
from kentei import messages
from kentei.applications.model import Channel, Status
from kentei.notices.fake import InMemoryMynaportal
from kentei.notices.port import NoticeUnavailableError
from kentei_local.context import LocalContext


@pytest.fixture(autouse=True)
def lambda_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")


def batch(*bodies: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"m-{index}",
                "receiptHandle": f"rh-{index}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-northeast-1:123456789012:kentei-certify",
                "awsRegion": "ap-northeast-1",
            }
            for index, body in enumerate(bodies)
        ]
    }


def failures(response: Any) -> list[str]:
    return [item["itemIdentifier"] for item in response["batchItemFailures"]]


def test_given_pages_and_completions_then_failing_ones_are_retried_and_the_rest_acknowledged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    online, failing = accepted(), accepted()
    world = World()
    add(world, online)
    egov = application(form(), status=Status.ACCEPTED, channel=Channel.EGOV)
    not_owed = application(form(), status=Status.UNDER_REVIEW, channel=Channel.EGOV)
    world.applications |= {egov.application_id: egov, not_owed.application_id: not_owed}
    monkeypatch.setattr(handler, "notice_dependencies", world.deps)
    # The page's certificates come first (tests/unit/certify_function); here only its notices.
    monkeypatch.setattr(handler, "dependencies", lambda: None)
    monkeypatch.setattr(handler, "issue_certificates", lambda message, deps: IssueReport())

    ok = handler.handler(
        batch(
            messages.encode(page(online)),
            messages.encode(
                messages.CompletionNoticeDue(
                    application_id=egov.application_id, prefecture_code="13"
                )
            ),
        ),
        LocalContext.for_function("certify"),
    )
    assert failures(ok) == []
    assert len(world.records) == 2

    add(world, failing)
    world.mynaportal = Failing(InMemoryMynaportal(), NoticeUnavailableError("down"), times=99)
    bad = handler.handler(
        batch(
            messages.encode(page(failing)),
            messages.encode(
                messages.CompletionNoticeDue(
                    application_id=not_owed.application_id, prefecture_code="13"
                )
            ),
            json.dumps({"kind": "passes_announced", "prefecture_code": "13"}),
            json.dumps({"kind": "completion_notice_due", "application_id": "x"}),
        ),
        LocalContext.for_function("certify"),
    )
    assert failures(bad) == ["m-0", "m-1", "m-2", "m-3"]
    assert world.records[f"{failing.application_id}-pass"].attempts
    text = "\n".join(json.dumps(vars(r), default=str, ensure_ascii=False) for r in caplog.records)
    assert "技能" not in text
    assert "1000001" not in text


def test_a_page_whose_certificates_fail_still_sends_its_notices_then_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    online = accepted()
    world = World()
    add(world, online)
    monkeypatch.setattr(handler, "notice_dependencies", world.deps)

    def refused(message: messages.PassesAnnounced, deps: object) -> IssueReport:
        raise RuntimeError("no examinee on the roster")

    monkeypatch.setattr(handler, "dependencies", lambda: None)
    monkeypatch.setattr(handler, "issue_certificates", refused)
    answer = handler.handler(
        batch(messages.encode(page(online))), LocalContext.for_function("certify")
    )
    assert failures(answer) == ["m-0"]  # retried, then the DLQ
    assert len(world.records) == 1  # the notice went all the same
