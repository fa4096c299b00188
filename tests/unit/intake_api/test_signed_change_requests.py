"""Intake's half of a person's signed change request from the Mynaportal bridge (R9):
shape and size checked, a My Number anywhere but ``my_number`` refused naming the field
before anything is stored, the raw parts into the inbox, a ``CHANGE_REQUEST#`` record with
ids only and its audit entry, ``change_request_received`` (ids only) to verify; the status
for the bridge that sent it, never the items, and ``404`` for anyone else."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from kentei.change_requests import ChangeRequestStatus
from kentei.data.audit import AuditAction
from kentei.messages import ChangeRequestReceived
from kentei.roster.changes import (
    ChangeKind,
    ChangeSource,
    FieldChange,
    Proposal,
    ProposalStatus,
)
from kentei_local.probes import my_numbers_in
from kentei_local.testpki import TestPki

from .events import event, invoke
from .fakes import Fakes
from .signed_requests import (
    ACCOUNT,
    MY_NUMBER,
    MYNAPORTAL,
    OTHER_NUMBER,
    document_with,
    envelope,
    post_signed,
    status_at,
)

pytestmark = pytest.mark.usefixtures("no_idempotency_store")


def document(**changes: Any) -> dict[str, Any]:
    return document_with(items={"address": "東京都港区転居町九丁目8番7号"}) | changes


def post(
    pki: TestPki,
    doc: dict[str, Any] | bytes,
    *,
    caller: str = MYNAPORTAL,
    key: str = "change-key-0001",
    **fields: Any,
) -> tuple[int, dict[str, list[str]], Any]:
    return post_signed("/v1/change-requests", envelope(pki, doc, **fields), caller=caller, key=key)


def status_of(request_id: str, caller: str = MYNAPORTAL) -> tuple[int, Any]:
    return status_at(f"/v1/change-requests/{request_id}", caller)


def test_a_signed_request_is_stored_with_ids_only_and_queued(fakes: Fakes, pki: TestPki) -> None:
    status, headers, body = post(pki, document())

    assert status == 202, body
    request_id = body["request_id"]
    assert body == {
        "request_id": request_id,
        "status": "received",
        "status_url": f"/v1/change-requests/{request_id}",
    }
    assert headers["Location"] == [body["status_url"]]
    assert request_id.startswith("13-CR-")
    stored = fakes.records.change_requests[request_id]
    assert stored.record.status is ChangeRequestStatus.RECEIVED
    assert stored.record.submitted_by == MYNAPORTAL
    kept = stored.record.model_dump_json()
    assert my_numbers_in(kept) == []
    assert "転居町" not in kept
    assert ACCOUNT not in kept
    assert set(fakes.inbox.objects) == {
        f"{request_id}/document.json",
        f"{request_id}/signature.p7s",
    }
    assert MY_NUMBER.encode() in fakes.inbox.objects[f"{request_id}/document.json"]
    assert fakes.queue.sent == [ChangeRequestReceived(request_id=request_id, prefecture_code="13")]
    (entry,) = fakes.records.audit
    assert (entry.action, entry.record_id, entry.actor, entry.person_id) == (
        AuditAction.CHANGE_REQUEST_RECEIVED,
        request_id,
        MYNAPORTAL,
        None,
    )


def test_a_retry_converges_on_the_request_and_another_body_is_a_conflict(
    fakes: Fakes, pki: TestPki
) -> None:
    raw = json.dumps(document(), ensure_ascii=False).encode()
    first = post(pki, raw)
    again = post(pki, raw)  # a new signature (a new signing time): another request body
    assert first[0] == 202
    assert again[0] == 409
    assert again[2]["type"].endswith("idempotency-key-reused")
    fresh = post(pki, raw, key="change-key-0002")
    assert fresh[0] == 202
    assert fresh[2]["request_id"] != first[2]["request_id"]
    assert len(fakes.records.change_requests) == 2


def test_the_same_body_again_gets_the_same_request(fakes: Fakes, pki: TestPki) -> None:
    body = envelope(pki, document())
    answers = [post_signed("/v1/change-requests", body, key="same-key-01") for _ in range(2)]
    assert [a[0] for a in answers] == [202, 202]
    assert answers[0][2] == answers[1][2]
    assert len(fakes.records.change_requests) == 1
    assert len(fakes.queue.sent) == 2  # still received: the message is sent again


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ({"employer_name": f"番号 {MY_NUMBER} 株式会社"}, "document.items.employer_name"),
        ({"address": "東京都", "employer_code": OTHER_NUMBER}, "document.items.employer_code"),
        ({"address_line2": "9000-0000-0028 号室"}, "document.items.address_line2"),
    ],
)
def test_a_my_number_in_an_item_is_refused_naming_it_before_anything_is_stored(
    fakes: Fakes, pki: TestPki, items: dict[str, Any], field: str
) -> None:
    status, _, body = post(pki, document(items=items))

    assert status == 422, body
    assert [e["field"] for e in body["errors"]] == [field]
    assert my_numbers_in(json.dumps(body, ensure_ascii=False)) == []
    assert fakes.records.change_requests == {}
    assert fakes.inbox.objects == {}
    assert fakes.queue.sent == []
    assert fakes.records.audit == []


def test_a_my_number_as_the_pseudonym_is_refused(fakes: Fakes, pki: TestPki) -> None:
    status, _, body = post(pki, document(mynaportal_pseudonym_id=OTHER_NUMBER))
    assert status == 422, body
    assert [e["field"] for e in body["errors"]] == ["document.mynaportal_pseudonym_id"]
    assert fakes.records.change_requests == {}


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (document(birth_date="1990-04-01"), "document.birth_date"),
        (document(items={"sex": "2"}), "document.items.sex"),
        (document(items={}), "document.items"),
        (document(items={"address": None}), "document.items"),
        (document(my_number="123456789012"), "document.my_number"),
        ({k: v for k, v in document().items() if k != "my_number"}, "document.my_number"),
        (document(prefecture_code="48"), "document.prefecture_code"),
    ],
)
def test_a_document_off_its_schema_is_refused_naming_the_field(
    fakes: Fakes, pki: TestPki, doc: dict[str, Any], field: str
) -> None:
    status, _, body = post(pki, doc)
    assert status == 422, body
    assert body["type"].endswith("invalid-change-document")
    assert field in [e["field"] for e in body["errors"]]
    assert fakes.records.change_requests == {}


def test_the_envelopes_pseudonym_must_be_the_documents(fakes: Fakes, pki: TestPki) -> None:
    status, _, body = post(pki, document(), mynaportal_pseudonym_id="mp-someone-else")
    assert status == 422, body
    assert [e["field"] for e in body["errors"]] == ["mynaportal_pseudonym_id"]
    assert post(pki, document(), mynaportal_pseudonym_id=ACCOUNT)[0] == 202


def test_not_a_signature_is_refused(fakes: Fakes, pki: TestPki) -> None:
    body = envelope(pki, document()) | {"signature": base64.b64encode(b"not cms").decode()}
    status, _, answer = post_signed("/v1/change-requests", body, key="change-key-0009")
    assert status == 422, answer
    assert answer["type"].endswith("invalid-signature")


@pytest.mark.parametrize("caller", ["bridge:egov", "staff:13:clerk1:clerk,reviewer"])
def test_only_the_mynaportal_bridge_sends_them(fakes: Fakes, pki: TestPki, caller: str) -> None:
    status, _, body = post(pki, document(), caller=caller)
    assert status == 403, body
    assert fakes.records.change_requests == {}


def test_no_caller_is_401(pki: TestPki) -> None:
    status, _, _ = invoke(event("POST", "/v1/change-requests", body={}))
    assert status == 401


def test_the_status_follows_the_request_and_its_proposal(fakes: Fakes, pki: TestPki) -> None:
    request_id = post(pki, document())[2]["request_id"]
    status, body = status_of(request_id)
    assert status == 200, body
    assert (body["status"], body["reasons"], body["verified_at"]) == ("received", [], None)
    assert "items" not in body

    stored = fakes.records.change_requests[request_id]
    at = fakes.clock.now
    proposal = Proposal(
        proposal_id="chg-" + "a" * 26,
        prefecture_code="13",
        qualification_pseudonym_id="person-0000-abcdef",
        kind=ChangeKind.UPDATE,
        registry_status=None,
        changes=(FieldChange(field="address", before="旧", after="新"),),
        source=ChangeSource.MYNAPORTAL_REQUEST,
        run_id=None,
        proposed_at=at,
        basis=at,
        request_id=request_id,
    )
    fakes.records.proposals[proposal.proposal_id] = proposal
    proposed = stored.record.model_copy(
        update={
            "status": ChangeRequestStatus.PROPOSED,
            "verified_at": at,
            "proposal_id": proposal.proposal_id,
        }
    )
    fakes.records.change_requests[request_id] = type(stored)(proposed, stored.request_fingerprint)
    assert status_of(request_id)[1]["status"] == "proposed"

    for decision, shown in (
        (ProposalStatus.ACCEPTED, "accepted"),
        (ProposalStatus.REJECTED, "rejected"),
    ):
        fakes.records.proposals[proposal.proposal_id] = proposal.decided(
            decision, "staff:13:reviewer1", at, "理由" if shown == "rejected" else None
        )
        status, body = status_of(request_id)
        assert (status, body["status"], body["decided_at"]) == (
            200,
            shown,
            at.isoformat().replace("+00:00", "Z"),
        )
        assert "新" not in json.dumps(body, ensure_ascii=False)


def test_a_refused_request_shows_its_reason_codes(fakes: Fakes, pki: TestPki) -> None:
    request_id = post(pki, document())[2]["request_id"]
    stored = fakes.records.change_requests[request_id]
    refused = stored.record.model_copy(
        update={
            "status": ChangeRequestStatus.REFUSED,
            "verified_at": fakes.clock.now,
            "reasons": ("signer-not-person",),
        }
    )
    fakes.records.change_requests[request_id] = type(stored)(refused, stored.request_fingerprint)
    assert status_of(request_id)[1] | {"received_at": None, "verified_at": None} == {
        "request_id": request_id,
        "status": "refused",
        "received_at": None,
        "verified_at": None,
        "decided_at": None,
        "reasons": ["signer-not-person"],
    }


@pytest.mark.parametrize(
    ("path_id", "caller"),
    [
        ("own", "bridge:egov"),
        ("13-CR-" + "Z" * 26, MYNAPORTAL),
        ("not-an-id", MYNAPORTAL),
        ("27-" + "A" * 26, MYNAPORTAL),
    ],
)
def test_anyone_but_the_sender_and_any_other_id_is_404(
    fakes: Fakes, pki: TestPki, path_id: str, caller: str
) -> None:
    own = post(pki, document())[2]["request_id"]
    status, body = status_of(own if path_id == "own" else path_id, caller)
    assert status == 404, body


def test_staff_may_not_read_a_change_requests_status(fakes: Fakes, pki: TestPki) -> None:
    own = post(pki, document())[2]["request_id"]
    assert status_of(own, "staff:13:reviewer1:reviewer")[0] == 403


def test_a_my_number_in_the_path_is_refused_naming_it(fakes: Fakes) -> None:
    status, body = status_of(MY_NUMBER)
    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["path.request_id"]


def test_the_change_documents_schema_is_published_with_a_valid_example() -> None:
    from kentei.change_requests import parse_change_document

    status, _, schema = invoke(event("GET", "/v1/schemas/change-document.json"))
    assert status == 200
    assert schema["$id"] == "urn:kentei:schema:change-document"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {
        "mynaportal_pseudonym_id",
        "my_number",
        "prefecture_code",
        "items",
    }
    for example in schema["examples"]:
        parse_change_document(json.dumps(example, ensure_ascii=False).encode(), "document")
