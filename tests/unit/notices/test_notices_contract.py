"""Contract version 1: what the adapter writes is what ``contract.json`` admits, and what it
refuses the schema refuses too (the fake validates with the schema, the adapter with models)."""

from __future__ import annotations

import base64
import json
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from tests.unit.notices.conftest import NAME, SENT_AT, notice

from kentei.notices import Delivery, DeliveryState, Notice, NoticeKind, Receipt, contract


def validator(definition: str) -> Any:
    return jsonschema.Draft202012Validator({**contract.schema(), "$ref": f"#/$defs/{definition}"})


def test_the_contract_is_a_valid_versioned_json_schema() -> None:
    schema = contract.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["x-kentei-version"] == contract.VERSION
    assert schema["$id"].endswith(":v1")
    assert set(schema["x-endpoints"]) == {"POST /v1/notices", "GET /v1/notices/{notice_id}"}
    assert set(schema["$defs"]["Kind"]["enum"]) == {kind.value for kind in NoticeKind}


@pytest.mark.parametrize(
    "sent",
    [
        notice(),
        notice(supersedes="ticket-2025-009"),
        notice(kind=NoticeKind.TICKET_SUPERSEDED, attachment=None, supersedes="ticket-2025-009"),
        notice(kind=NoticeKind.TICKET_VOID, attachment=None, supersedes="ticket-2025-009"),
    ],
    ids=["ticket", "reissued-ticket", "superseded", "void"],
)
def test_given_a_notice_then_its_body_meets_the_schema_and_reads_back_equal(sent: Notice) -> None:
    body = contract.notice_body(sent)

    assert list(validator("NoticeRequest").iter_errors(json.loads(body))) == []
    assert contract.parse_notice(body) == sent
    assert NAME.encode() in body  # plain UTF-8, not escaped


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(contract.notice_body(notice()))
    for key, value in changes.items():
        if value is _DROP:
            document.pop(key)
        else:
            document[key] = value
    return document


_DROP = object()


@pytest.mark.parametrize(
    "document",
    [
        _document(extra="x"),
        _document(recipient="123"),
        _document(kind="pass_notice"),
        _document(sent_at="2026-12-06T09:00:00"),
        _document(notice_id=_DROP),
        _document(kind="ticket_void", attachment=None),
        _document(kind="ticket_void", supersedes="ticket-2025-009"),
        _document(
            attachment={
                "media_type": "text/plain",
                "file_name": "a.txt",
                "content_base64": "QQ==",
                "sha256": "0" * 64,
            }
        ),
    ],
    ids=[
        "unknown-field",
        "short-recipient",
        "unknown-kind",
        "naive-instant",
        "no-id",
        "void-without-supersedes",
        "void-with-attachment",
        "not-pdf",
    ],
)
def test_given_a_document_outside_the_contract_then_schema_and_models_both_refuse(
    document: dict[str, Any],
) -> None:
    assert list(validator("NoticeRequest").iter_errors(document)) != []
    with pytest.raises(ValueError, match="malformed notice"):
        contract.parse_notice(json.dumps(document).encode())


def test_given_an_attachment_whose_digest_does_not_match_then_refused_by_the_models() -> None:
    document = _document()
    document["attachment"]["content_base64"] = base64.b64encode(b"%PDF other").decode()

    assert list(validator("NoticeRequest").iter_errors(document)) == []  # a schema cannot hash
    with pytest.raises(ValueError, match="sha256 does not match"):
        contract.parse_notice(json.dumps(document).encode())


def test_given_a_receipt_and_a_delivery_then_they_meet_the_schema_and_read_back() -> None:
    receipt = Receipt(notice_id="ticket-2026-001", receipt_id="mp-1", accepted_at=SENT_AT)
    delivery = Delivery(**receipt.model_dump(), state=DeliveryState.READ, read_at=SENT_AT)

    assert list(validator("Receipt").iter_errors(json.loads(contract.receipt_body(receipt)))) == []
    assert (
        list(validator("Delivery").iter_errors(json.loads(contract.delivery_body(delivery)))) == []
    )
    assert contract.parse_receipt(contract.receipt_body(receipt)) == receipt
    assert contract.parse_delivery(contract.delivery_body(delivery)) == delivery


def test_given_a_problem_then_it_meets_the_schema_and_names_its_type() -> None:
    for kind in contract.ProblemType:
        body = contract.problem_body(kind, 400, "t")
        assert list(validator("Problem").iter_errors(json.loads(body))) == []
        parsed = contract.parse_problem(body)
        assert parsed is not None
        assert parsed.problem_type is kind
    assert contract.parse_problem(b"<html>") is None


def test_given_a_malformed_receipt_then_the_error_names_fields_not_values() -> None:
    with pytest.raises(ValueError, match="receipt_id") as raised:
        contract.parse_receipt(b'{"notice_id":"n-1","receipt_id":"has space!","accepted_at":"x"}')
    assert "has space" not in str(raised.value)


def test_given_a_multi_line_title_then_the_schema_refuses_it_and_the_model_makes_it_one_line() -> (
    None
):
    assert list(validator("NoticeRequest").iter_errors(_document(title="改行\nあり"))) != []
    assert notice(title="改行\nあり").title == "改行 あり"
