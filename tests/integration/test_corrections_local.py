"""A correction request (訂正請求, P10) through the change flow, over the local runtime with real
tokens: the information-disclosure office receives the request and records what the person asks
to correct; the proposal (source ``person_request``) is listed for review at
``/v1/roster/changes``; a reviewer accepts it; the examinee is corrected with a history entry
whose source is the person request, and the national outbox sends it (both sides end on one
version with the new address); the request is then decided ``granted``, never against the
proposal. Refused: another prefecture's office (404), another role (403), a My Number in a value
(422, nothing stored), a decision that disagrees or comes before review (409). Each step is in
the audit trail; no answer carries a My Number, and none is stored outside the vault (the
intake system's scan when it stops)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from tests.integration.intake_helpers import (
    OSAKA,
    TOKYO,
    IntakeSystem,
    granted_disclosure,
    intake_system_with_outbox,
)
from tests.unit.review.factory import application, form

from kentei import aws
from kentei.applications.model import Status
from kentei.data.audit import AuditAction, AuditTrail
from kentei.data.changes import PrefectureChanges
from kentei.data.national_sync import PrefectureNationalSync
from kentei.data.person_requests import PrefecturePersonRequests
from kentei.data.roster import PrefectureRoster, examinee_key
from kentei.national.model import NationalRecord, RecordKind
from kentei.national.records import national_record
from kentei.roster.changes import ChangeSource, ProposalStatus
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei_local.probes import my_numbers_in, wait_until

PRIVACY = f"staff:{TOKYO}:privacy-{TOKYO}:privacy"
OSAKA_PRIVACY = f"staff:{OSAKA}:privacy-{OSAKA}:privacy"
REVIEWER = f"staff:{TOKYO}:reviewer-{TOKYO}:reviewer"
CLERK = f"staff:{TOKYO}:clerk-{TOKYO}:clerk"
PERSON = "p-correction-request-0001"
AT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
NEW = "東京都港区訂正町九丁目8番7号"
MY_NUMBER = "900000000010"
WAIT_S = 60.0


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system_with_outbox() as started:
        yield started


def _register() -> None:
    accepted = application(form(), status=Status.UNDER_REVIEW)
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": PERSON})
    registration = registration_of(accepted)
    roster = PrefectureRoster(TOKYO)
    scheme = schemes().of(TOKYO)
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer-13"
    )
    aws.dynamodb().transact_write_items(
        TransactItems=roster.registration_writes(registration.examinee, sitting, AT)
    )


def _synced(system: IntakeSystem, newer_than: int = 0) -> NationalRecord:
    """The national side holds our examinee as we hold it, at the version we sent last."""
    marks = PrefectureNationalSync(TOKYO)

    def agreed() -> NationalRecord | None:
        mark = marks.sent("examinee", f"{TOKYO}-{PERSON}")
        held = system.runtime.national.national.get(RecordKind.EXAMINEE, f"{TOKYO}-{PERSON}")
        item = marks.item(examinee_key(PERSON))
        if mark is None or held is None or item is None or held.version != mark.version:
            return None
        ours = national_record(item, mark.version)
        return held if ours == held and held.version > newer_than else None

    return wait_until(agreed, WAIT_S, "both sides on the same version of the examinee")


def _post(system: IntakeSystem, path: str, caller: str, body: dict[str, Any]) -> requests.Response:
    response = system.client.request(
        "POST",
        path,
        caller,
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    assert my_numbers_in(response.text) == []
    return response


def _slug(response: requests.Response) -> str:
    return str(response.json()["type"]).rsplit(":", 1)[-1]


def test_a_correction_is_recorded_reviewed_made_sent_and_the_request_granted(
    system: IntakeSystem,
) -> None:
    _register()
    before = _synced(system)
    stored = PrefectureRoster(TOKYO).examinee(PERSON)
    assert stored is not None
    old = stored.examinee.address

    granted_disclosure(TOKYO, PERSON)  # a correction follows a disclosure
    received = _post(
        system,
        "/v1/person-requests",
        PRIVACY,
        {
            "qualification_pseudonym_id": PERSON,
            "kind": "correction",
            "channel": "window",
            "identity_confirmation": "my_number_card",
        },
    )
    assert received.status_code == 200, received.text
    request_id = received.json()["request_id"]
    correction = f"/v1/person-requests/{request_id}/correction"
    decision = f"/v1/person-requests/{request_id}/decision"

    # The refusals: nothing is stored by any of them.
    other = _post(system, correction, OSAKA_PRIVACY, {"items": {"address": NEW}})
    assert other.status_code == 404, other.text
    for role in (REVIEWER, CLERK):
        refused = _post(system, correction, role, {"items": {"address": NEW}})
        assert refused.status_code == 403, refused.text
    holding = _post(system, correction, PRIVACY, {"items": {"address": f"東京都港区 {MY_NUMBER}"}})
    assert holding.status_code == 422, holding.text
    assert [e["field"] for e in holding.json()["errors"]] == ["items.address"]
    assert PrefectureChanges(TOKYO).proposals(ProposalStatus.PROPOSED)[0] == []
    unnamed = PrefecturePersonRequests(TOKYO).request(request_id)
    assert unnamed is not None
    assert unnamed.proposal_id is None
    nothing = _post(system, decision, PRIVACY, {"decision": "granted", "reason": "訂正する"})
    assert (nothing.status_code, _slug(nothing)) == (409, "correction-disagrees"), nothing.text

    recorded = _post(system, correction, PRIVACY, {"items": {"address": NEW}})
    assert recorded.status_code == 201, recorded.text
    proposal = recorded.json()
    assert (proposal["source"], proposal["status"], proposal["person_request_id"]) == (
        "person_request",
        "proposed",
        request_id,
    )
    assert proposal["changes"] == [{"field": "address", "before": old, "after": NEW}]
    early = _post(system, decision, PRIVACY, {"decision": "granted", "reason": "訂正する"})
    assert (early.status_code, _slug(early)) == (409, "correction-open"), early.text

    listed = system.client.get("/v1/roster/changes", REVIEWER)
    assert listed.status_code == 200, listed.text
    assert my_numbers_in(listed.text) == []
    [shown] = [p for p in listed.json()["proposals"] if p["qualification_pseudonym_id"] == PERSON]
    assert (shown["proposal_id"], shown["person_request_id"]) == (
        proposal["proposal_id"],
        request_id,
    )
    accepted = _post(system, f"/v1/roster/changes/{proposal['proposal_id']}/accept", REVIEWER, {})
    assert accepted.status_code == 200, accepted.text

    corrected = PrefectureRoster(TOKYO).examinee(PERSON)
    assert corrected is not None
    assert (corrected.examinee.address, corrected.examinee.my_number) == (NEW, None)
    [entry] = PrefectureChanges(TOKYO).history(PERSON)
    assert (entry.source, entry.proposal_id, entry.by) == (
        ChangeSource.PERSON_REQUEST,
        proposal["proposal_id"],
        f"staff:{TOKYO}:reviewer-{TOKYO}",
    )
    assert (entry.before, entry.after) == ({"address": old}, {"address": NEW})
    sent = _synced(system, newer_than=before.version)
    assert sent.data is not None
    assert sent.data["address"] == NEW
    assert "my_number" not in sent.data

    disagrees = _post(system, decision, PRIVACY, {"decision": "refused", "reason": "訂正しない"})
    assert (disagrees.status_code, _slug(disagrees)) == (409, "correction-disagrees")
    granted = _post(system, decision, PRIVACY, {"decision": "granted", "reason": "訂正した"})
    assert granted.status_code == 200, granted.text
    assert (granted.json()["status"], granted.json()["decision"]) == ("decided", "granted")
    assert granted.json()["proposal_id"] == proposal["proposal_id"]

    day = dt.datetime.now(dt.UTC).date()
    trail = [
        (e.action, e.record_id)
        for e in AuditTrail().day(TOKYO, day)
        if e.person_id == PERSON and e.record_id in (request_id, proposal["proposal_id"])
    ]
    assert (AuditAction.EXAMINEE_CHANGE_PROPOSED, proposal["proposal_id"]) in trail
    assert (AuditAction.EXAMINEE_CHANGE_ACCEPTED, proposal["proposal_id"]) in trail
    assert trail.count((AuditAction.PERSON_REQUEST_CHANGED, request_id)) == 2
