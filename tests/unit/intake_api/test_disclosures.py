"""A granted disclosure at the API (P10): the decision asks verify for the sealed copy (ids
only; again when the same decision is posted while no copy is sealed), the office reads the
copy's state and a short-lived link, and picks its passphrase up once; other roles and other
prefectures get nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kentei.data.audit import AuditAction
from kentei.disclosures.record import DisclosureCopy, copy_key
from kentei.messages import DisclosureDue
from kentei.person_requests.model import Requester

from .events import event, invoke
from .fakes import Fakes
from .person_request_helpers import registered
from .test_person_requests import OSAKA_PRIVACY, PERSON, PRIVACY, REVIEWER

PASSPHRASE = "ABCDE-FGHIJ-KLMNO-PQRST"


def _post(path: str, body: dict[str, Any], caller: str = PRIVACY) -> dict[str, Any]:
    return event(
        "POST", path, caller=caller, headers={"Content-Type": "application/json"}, body=body
    )


def _request(fakes: Fakes, kind: str = "disclosure", requester: str | None = None) -> str:
    # A correction or suspension follows a disclosure granted before.
    registered(fakes, disclosed=kind != "disclosure")
    body = {
        "qualification_pseudonym_id": PERSON,
        "kind": kind,
        "channel": "window",
        "identity_confirmation": "my_number_card",
    }
    if requester is not None:
        body["requester"] = requester
    status, _, request = invoke(_post("/v1/person-requests", body))
    assert status == 200, request
    request_id: str = request["request_id"]
    return request_id


def _decide(request_id: str, decision: str = "granted") -> tuple[int, dict[str, Any]]:
    status, _, body = invoke(
        _post(f"/v1/person-requests/{request_id}/decision", {"decision": decision, "reason": "x"})
    )
    return status, body


def _sealed(fakes: Fakes, request_id: str) -> DisclosureCopy:
    copy = DisclosureCopy(
        request_id=request_id,
        prefecture_code="13",
        object_key=copy_key("13", request_id),
        sha256="ab" * 32,
        size=1234,
        generated_at=fakes.clock(),
        requester=Requester.PERSON,
        counts={"examinee": 1, "audit_trail": 3},
        withheld=0,
    )
    fakes.records.person_requests_of("13").record_disclosure(copy, PASSPHRASE)
    return copy


def test_a_granted_disclosure_asks_verify_for_its_copy_ids_only(fakes: Fakes) -> None:
    request_id = _request(fakes, requester="representative")

    status, decided = _decide(request_id, "partly_granted")

    assert (status, decided["requester"]) == (200, "representative")
    assert fakes.queue.sent == [
        DisclosureDue(
            prefecture_code="13",
            request_id=request_id,
            qualification_pseudonym_id=PERSON,
            requester="representative",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "decision"), [("disclosure", "refused"), ("suspension", "granted")]
)
def test_no_copy_is_asked_for_a_refusal_or_another_kind(
    fakes: Fakes, kind: str, decision: str
) -> None:
    request_id = _request(fakes, kind)
    assert _decide(request_id, decision)[0] == 200
    assert fakes.queue.sent == []


def test_the_same_decision_posted_again_asks_again_until_a_copy_is_sealed(fakes: Fakes) -> None:
    request_id = _request(fakes)
    assert _decide(request_id)[0] == 200
    assert _decide(request_id, "refused")[0] == 409, "another decision"

    status, again = _decide(request_id)
    assert (status, again["decision"]) == (200, "granted")
    assert len(fakes.queue.sent) == 2
    audited = [e for e in fakes.records.audit if e.action is AuditAction.PERSON_REQUEST_CHANGED]
    assert len(audited) == 1, "the retry changes nothing"

    _sealed(fakes, request_id)
    assert _decide(request_id)[0] == 409
    assert len(fakes.queue.sent) == 2


def test_the_copy_is_pending_then_ready_with_a_link_and_its_digest(fakes: Fakes) -> None:
    request_id = _request(fakes)
    _decide(request_id)
    path = f"/v1/person-requests/{request_id}/disclosure"

    status, _, pending = invoke(event("GET", path, caller=PRIVACY))
    assert (status, pending["status"], pending["download_url"]) == (200, "pending", None)

    _sealed(fakes, request_id)
    status, _, ready = invoke(event("GET", path, caller=PRIVACY))
    assert (status, ready["status"], ready["sha256"], ready["size"]) == (
        200,
        "ready",
        "ab" * 32,
        1234,
    )
    assert ready["download_url"].endswith(f"{copy_key('13', request_id)}?expires=300")
    assert ready["counts"] == {"examinee": 1, "audit_trail": 3}
    assert PASSPHRASE not in str(ready)
    reads = [e for e in fakes.audit.events if e.action is AuditAction.DISCLOSURE_READ]
    assert [(e.person_id, e.outcome.value) for e in reads] == [(PERSON, "allowed")] * 2

    fakes.clock.advance(timedelta(days=30).total_seconds())
    _, _, expired = invoke(event("GET", path, caller=PRIVACY))
    assert (expired["status"], expired["download_url"]) == ("expired", None)


def test_the_passphrase_is_given_once_audited_then_erased(fakes: Fakes) -> None:
    request_id = _request(fakes)
    _decide(request_id)
    path = f"/v1/person-requests/{request_id}/disclosure/passphrase"
    status, _, problem = invoke(_post(path, {}))
    assert (status, problem["type"].rsplit(":", 1)[-1]) == (409, "copy-pending")
    _sealed(fakes, request_id)

    status, _, taken = invoke(_post(path, {}))

    assert (status, taken["passphrase"], taken["sha256"]) == (200, PASSPHRASE, "ab" * 32)
    assert "separate" in taken["instructions"]
    assert fakes.records.passphrases == {}
    (entry,) = [
        e for e in fakes.records.audit if e.action is AuditAction.DISCLOSURE_PASSPHRASE_TAKEN
    ]
    assert (entry.person_id, entry.user_id) == (PERSON, "privacy1")
    status, _, problem = invoke(_post(path, {}))
    assert (status, problem["type"].rsplit(":", 1)[-1]) == (409, "passphrase-taken")
    _, _, delivered = invoke(
        event("GET", f"/v1/person-requests/{request_id}/disclosure", caller=PRIVACY)
    )
    assert (delivered["status"], delivered["passphrase_taken_by"]) == (
        "delivered",
        "staff:13:privacy1",
    )


def test_an_expired_copys_passphrase_is_not_given(fakes: Fakes) -> None:
    request_id = _request(fakes)
    _decide(request_id)
    _sealed(fakes, request_id)
    fakes.clock.advance(timedelta(days=31).total_seconds())
    status, _, problem = invoke(
        _post(f"/v1/person-requests/{request_id}/disclosure/passphrase", {})
    )
    assert (status, problem["type"].rsplit(":", 1)[-1]) == (409, "copy-expired")
    assert PASSPHRASE in fakes.records.passphrases.values()


def test_other_roles_prefectures_and_requests_get_nothing(fakes: Fakes) -> None:
    request_id = _request(fakes)
    _decide(request_id)
    _sealed(fakes, request_id)
    disclosure = f"/v1/person-requests/{request_id}/disclosure"
    passphrase = f"{disclosure}/passphrase"

    assert invoke(event("GET", disclosure, caller=REVIEWER))[0] == 403
    assert invoke(_post(passphrase, {}, REVIEWER))[0] == 403
    assert invoke(event("GET", disclosure, caller=OSAKA_PRIVACY))[0] == 404
    assert invoke(_post(passphrase, {}, OSAKA_PRIVACY))[0] == 404
    assert invoke(event("GET", disclosure))[0] == 401
    assert (
        invoke(event("GET", "/v1/person-requests/not-an-id/disclosure", caller=PRIVACY))[0] == 422
    )
    correction = _request(fakes, "correction")
    assert _decide(correction, "refused")[0] == 200
    assert (
        invoke(event("GET", f"/v1/person-requests/{correction}/disclosure", caller=PRIVACY))[0]
        == 404
    )
    assert PASSPHRASE in fakes.records.passphrases.values(), "nothing given to anyone"


def test_an_unknown_requester_is_refused(fakes: Fakes) -> None:
    registered(fakes, disclosed=False)
    body = {
        "qualification_pseudonym_id": PERSON,
        "kind": "disclosure",
        "channel": "window",
        "identity_confirmation": "my_number_card",
        "requester": "neighbour",
    }
    status, _, _problem = invoke(_post("/v1/person-requests", body))
    assert status == 422
    assert fakes.records.person_requests == {}
