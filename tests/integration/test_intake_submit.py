"""Submitting applications through the local runtime over HTTP: what is stored where, under
which key, what is queued, and idempotency (replay, reuse, convergence after a failure)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.integration.intake_helpers import (
    MY_NUMBER,
    MYNAPORTAL,
    NAME,
    PNG,
    RESUME,
    STAFF_TOKYO,
    TOKYO,
    File,
    IntakeSystem,
    document,
    form,
    intake_system,
    mynaportal_body,
    new_key,
    paper_body,
    signer_pem,
)

from kentei.data import queues
from kentei.data.audit import AuditAction, AuditTrail
from kentei_local import bridges
from kentei_local.gateway import HttpRequest, proxy_event
from kentei_local.identities import request_context

PHOTO = File("photo.png", PNG, "image/png")


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system() as started:
        yield started


def _item(system: IntakeSystem, record_key: str) -> dict[str, Any]:
    return next(i for i in system.records() if i["record_key"]["S"] == record_key)


def _messages_for(system: IntakeSystem, application_id: str) -> list[dict[str, Any]]:
    return [m for m in system.queued() if application_id in m["Body"]]


def test_given_a_signed_mynaportal_application_then_it_is_stored_without_the_my_number_and_queued(
    system: IntakeSystem,
) -> None:
    response = system.client.submit(mynaportal_body(files=(RESUME, PHOTO)), MYNAPORTAL, new_key())

    assert response.status_code == 202, response.text
    answer = response.json()
    application_id = answer["application_id"]
    assert answer == {
        "application_id": application_id,
        "status": "received",
        "status_url": f"/v1/applications/{application_id}",
    }
    assert response.headers["Location"] == answer["status_url"]
    assert application_id.startswith(f"{TOKYO}-")

    item = _item(system, f"APPLICATION#{application_id}")
    assert item["prefecture_code"]["S"] == TOKYO
    assert item["status"]["S"] == "received"
    stored = json.loads(item["application"]["S"])
    assert stored["form"]["my_number"] is None
    assert stored["form"]["name"] == NAME
    assert stored["form"]["application_receipt_id"] == application_id
    assert stored["mynaportal_pseudonym_id"] == "mp-pseudonym-0001"
    assert [a["name"] for a in stored["attachments"]] == ["resume.pdf", "photo.png"]
    assert MY_NUMBER not in json.dumps(item, ensure_ascii=False)
    index = [i for i in system.records() if i["record_key"]["S"].startswith("STATUS#received#")]
    assert any(i["application_id"]["S"] == application_id for i in index)

    (message,) = _messages_for(system, application_id)
    assert json.loads(message["Body"]) == {
        "kind": "application_received",
        "application_id": application_id,
        "prefecture_code": TOKYO,
    }


def test_given_a_mynaportal_application_then_the_raw_parts_are_in_the_inbox_under_the_vault_key(
    system: IntakeSystem,
) -> None:
    signed = document(form(), (RESUME,))
    response = system.client.submit(mynaportal_body(files=(RESUME,)), MYNAPORTAL, new_key())
    application_id = response.json()["application_id"]
    runtime = system.runtime
    s3 = runtime.s3()
    bucket = runtime.resources.buckets["inbox"]
    prefix = f"applications/{application_id}/"

    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]
    assert sorted(o["Key"].removeprefix(prefix) for o in listed) == [
        "attachments%2Fresume.pdf",
        "document.json",
        "signature.p7s",
    ]
    for entry in listed:
        head = s3.head_object(Bucket=bucket, Key=entry["Key"])
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"] == runtime.resources.key_arns["vault"]
    # The signed bytes are kept exactly as received (verify checks the signature over them).
    kept = s3.get_object(Bucket=bucket, Key=prefix + "document.json")["Body"].read()
    assert kept == signed

    copy = s3.head_object(
        Bucket=runtime.resources.buckets["attachments"], Key=prefix + RESUME.sha256
    )
    assert copy["ServerSideEncryption"] == "aws:kms"
    assert copy["SSEKMSKeyId"] == runtime.resources.key_arns["records"]


def test_given_a_paper_application_then_it_records_who_entered_it_and_audits_the_entry(
    system: IntakeSystem,
) -> None:
    response = system.client.submit(paper_body(files=(RESUME,)), STAFF_TOKYO, new_key())

    assert response.status_code == 202, response.text
    application_id = response.json()["application_id"]
    stored = json.loads(_item(system, f"APPLICATION#{application_id}")["application"]["S"])
    assert stored["channel"] == "paper"
    assert stored["paper"] == {
        "entered_by": STAFF_TOKYO,
        "identity_confirmation": "my_number_card",
    }
    assert stored["form"]["my_number"] is None
    events = [
        e
        for e in AuditTrail().day(TOKYO, datetime.now(UTC).date())
        if e.record_id == application_id and e.action is AuditAction.APPLICATION_ENTERED
    ]
    assert [e.actor for e in events] == [STAFF_TOKYO]


def test_given_the_same_key_and_body_then_the_original_answer_and_nothing_new(
    system: IntakeSystem,
) -> None:
    key, body = new_key(), mynaportal_body()
    first = system.client.submit(body, MYNAPORTAL, key)
    records, queued = len(system.records()), len(system.queued())

    again = system.client.submit(body, MYNAPORTAL, key)

    assert (again.status_code, again.json()) == (202, first.json())
    assert again.headers["Location"] == first.headers["Location"]
    assert (len(system.records()), len(system.queued())) == (records, queued)


def test_given_the_same_key_and_another_body_then_409(system: IntakeSystem) -> None:
    key = new_key()
    assert system.client.submit(mynaportal_body(), MYNAPORTAL, key).status_code == 202

    reused = system.client.submit(mynaportal_body(pseudonym="mp-pseudonym-0002"), MYNAPORTAL, key)

    assert reused.status_code == 409
    assert reused.headers["Content-Type"] == "application/problem+json"
    assert reused.json()["type"] == "urn:kentei:problem:idempotency-key-reused"


def test_given_the_same_key_from_another_caller_then_it_is_another_application(
    system: IntakeSystem,
) -> None:
    key = new_key()
    by_bridge = system.client.submit(mynaportal_body(), MYNAPORTAL, key)
    by_staff = system.client.submit(paper_body(), STAFF_TOKYO, key)

    assert (by_bridge.status_code, by_staff.status_code) == (202, 202)
    assert by_bridge.json()["application_id"] != by_staff.json()["application_id"]


def test_given_a_key_past_its_replay_window_then_it_still_names_one_application(
    system: IntakeSystem,
) -> None:
    key, body = new_key(), mynaportal_body()
    first = system.client.submit(body, MYNAPORTAL, key).json()
    _forget_idempotency_records(system)

    again = system.client.submit(body, MYNAPORTAL, key)
    other = system.client.submit(mynaportal_body(pseudonym="mp-pseudonym-0003"), MYNAPORTAL, key)

    assert (again.status_code, again.json()) == (202, first)
    applications = [
        i
        for i in system.records()
        if i["record_key"]["S"] == f"APPLICATION#{first['application_id']}"
    ]
    assert len(applications) == 1
    assert other.status_code == 409


def test_given_a_failure_after_storing_then_a_retry_converges_on_the_same_application(
    system: IntakeSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, body = new_key(), mynaportal_body()
    real_send = queues.send

    def unavailable(queue: str, message: Any) -> str:
        raise ConnectionError("the queue is unavailable")

    monkeypatch.setattr(queues, "send", unavailable)
    failed = system.client.submit(body, MYNAPORTAL, key)
    monkeypatch.setattr(queues, "send", real_send)
    retried = system.client.submit(body, MYNAPORTAL, key)

    assert failed.status_code == 500
    assert failed.json()["type"] == "urn:kentei:problem:internal"
    assert retried.status_code == 202
    application_id = retried.json()["application_id"]
    keys = [i["record_key"]["S"] for i in system.records()]
    assert keys.count(f"APPLICATION#{application_id}") == 1
    assert len(_messages_for(system, application_id)) == 1


@pytest.mark.tools("xmlsec1")
def test_given_an_egov_package_signed_with_xmlsec1_then_202(
    system: IntakeSystem, tmp_path: Path
) -> None:
    key_pem, certificate_pem = signer_pem()
    (tmp_path / "key.pem").write_bytes(key_pem)
    (tmp_path / "cert.pem").write_bytes(certificate_pem)
    signer = bridges.Signer(key=tmp_path / "key.pem", certificate=tmp_path / "cert.pem")
    package = bridges.build_package(
        document(form(prefecture_code="27"), (RESUME,)),
        [bridges.Attachment(RESUME.name, RESUME.content)],
        signer,
    )
    body = {"channel": "egov", "package": base64.b64encode(package).decode("ascii")}

    response = system.client.submit(body, "bridge:egov", new_key())

    assert response.status_code == 202, response.text
    application_id = response.json()["application_id"]
    assert application_id.startswith("27-")
    bucket = system.runtime.resources.buckets["inbox"]
    listed = system.runtime.s3().list_objects_v2(
        Bucket=bucket, Prefix=f"applications/{application_id}/"
    )["Contents"]
    assert [o["Key"].rsplit("/", 1)[-1] for o in listed] == ["package.zip"]


def test_a_body_over_the_limit_is_413_in_the_handler(system: IntakeSystem) -> None:
    # Over HTTP the local gateway (like API Gateway) refuses more than 10 MB itself.
    request = HttpRequest(
        method="POST",
        target="/v1/applications",
        headers=[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", new_key()),
        ],
        body=b" " * (30 * 1024 * 1024 + 1),
        source_ip="127.0.0.1",
        host="127.0.0.1",
    )
    invocation = system.runtime.functions["intake"].invoke(
        proxy_event(request, "req-413", datetime.now(UTC), request_context(MYNAPORTAL))
    )

    assert invocation.response["statusCode"] == 413
    assert json.loads(invocation.response["body"])["type"] == "urn:kentei:problem:request-too-large"


def _forget_idempotency_records(system: IntakeSystem) -> None:
    table = system.runtime.resources.tables["idempotency"]
    dynamodb = system.runtime.dynamodb()
    for item in system.scan("idempotency"):
        dynamodb.delete_item(TableName=table, Key={"id": item["id"]})
