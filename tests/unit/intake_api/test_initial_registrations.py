"""Intake's half of a person's initial registration from the Mynaportal bridge (R17), as a
signed change request's: a My Number anywhere but ``my_number`` refused naming the field
before anything is stored, the raw parts into the inbox, an ``INITIAL_REGISTRATION#`` record
with ids only and its audit entry, ``initial_registration_received`` (ids only) to verify;
the status for the bridge that sent it, never the items, ``404`` for anyone else."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kentei.data.audit import AuditAction
from kentei.initial_registrations import InitialRegistrationStatus
from kentei.messages import InitialRegistrationReceived
from kentei_local.probes import my_numbers_in
from kentei_local.testpki import TestPki

from . import signed_requests as signed
from .events import event, invoke
from .fakes import Fakes

pytestmark = pytest.mark.usefixtures("no_idempotency_store")


def document(**changes: Any) -> dict[str, Any]:
    return signed.document_with(passer_number="13-2-000123") | changes


def post(
    pki: TestPki, doc: dict[str, Any], *, caller: str = signed.MYNAPORTAL, key: str = "ir-key-0001"
) -> tuple[int, Any]:
    status, _, answer = signed.post_signed(
        "/v1/initial-registrations", signed.envelope(pki, doc), caller=caller, key=key
    )
    return status, answer


def status_of(registration_id: str, caller: str = signed.MYNAPORTAL) -> tuple[int, Any]:
    return signed.status_at(f"/v1/initial-registrations/{registration_id}", caller)


def test_a_registration_is_stored_with_ids_only_and_queued(fakes: Fakes, pki: TestPki) -> None:
    status, body = post(pki, document())

    assert status == 202, body
    registration_id = body["registration_id"]
    assert registration_id.startswith("13-IR-")
    assert body["status_url"] == f"/v1/initial-registrations/{registration_id}"
    stored = fakes.records.initial_registrations[registration_id]
    assert stored.record.status is InitialRegistrationStatus.RECEIVED
    kept = stored.record.model_dump_json()
    assert my_numbers_in(kept) == []
    assert signed.ACCOUNT not in kept
    assert "13-2-000123" not in kept
    assert set(fakes.inbox.objects) == {
        f"{registration_id}/document.json",
        f"{registration_id}/signature.p7s",
    }
    assert fakes.queue.sent == [
        InitialRegistrationReceived(request_id=registration_id, prefecture_code="13")
    ]
    (entry,) = fakes.records.audit
    assert (entry.action, entry.record_id, entry.actor) == (
        AuditAction.INITIAL_REGISTRATION_RECEIVED,
        registration_id,
        signed.MYNAPORTAL,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"passer_number": signed.MY_NUMBER}, "document.passer_number"),
        ({"certificate_number": signed.OTHER_NUMBER}, "document.certificate_number"),
    ],
)
def test_a_my_number_outside_my_number_is_refused_before_anything_is_stored(
    fakes: Fakes, pki: TestPki, changes: dict[str, Any], field: str
) -> None:
    status, body = post(pki, document(**changes))

    assert status == 422, body
    assert [e["field"] for e in body["errors"]] == [field]
    assert my_numbers_in(json.dumps(body, ensure_ascii=False)) == []
    assert fakes.records.initial_registrations == {}
    assert fakes.inbox.objects == {}
    assert fakes.queue.sent == []


def test_an_unknown_item_or_a_bad_number_is_422(fakes: Fakes, pki: TestPki) -> None:
    assert post(pki, document(name="見本 太郎"))[0] == 422
    assert post(pki, document(passer_number="第123号"))[0] == 422
    assert fakes.records.initial_registrations == {}


@pytest.mark.parametrize("caller", ["bridge:egov", "staff:13:user1:clerk"])
def test_only_the_mynaportal_bridge_may_submit(fakes: Fakes, pki: TestPki, caller: str) -> None:
    status, _ = post(pki, document(), caller=caller)
    assert status == 403
    assert fakes.records.initial_registrations == {}


def test_the_status_is_the_senders_only(fakes: Fakes, pki: TestPki) -> None:
    _, body = post(pki, document())
    registration_id = body["registration_id"]

    own, state = status_of(registration_id)
    assert own == 200
    assert state["status"] == "received"
    assert "passer_number" not in state
    assert status_of(registration_id, "bridge:egov")[0] == 404
    assert status_of("13-IR-" + "A" * 25)[0] == 404
    assert status_of(registration_id.replace("13-", "27-", 1))[0] == 404


def test_no_caller_is_401(fakes: Fakes) -> None:
    status, _, _ = invoke(event("GET", "/v1/initial-registrations/13-IR-" + "A" * 26))
    assert status == 401
    assert fakes.records.initial_registrations == {}
