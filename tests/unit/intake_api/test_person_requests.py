"""The information-disclosure office records a person's requests (P10), lists the open ones by
when each is due, extends one once, decides it (a granted suspension suspends the person's use)
and lifts a suspension; other roles and other prefectures get nothing."""

from __future__ import annotations

from typing import Any

import pytest

from kentei.data.audit import AuditAction
from kentei.messages import NationalReconcilePrefecture, UseResumed
from kentei.person_requests import procedures as procedures_module

from .events import event, invoke
from .fakes import Fakes
from .person_request_helpers import registered

PRIVACY = "staff:13:privacy1:privacy"
OSAKA_PRIVACY = "staff:27:privacy9:privacy"
REVIEWER = "staff:13:reviewer1:reviewer"
PERSON = "4qc7cvj3twxoaxwlxb7x4ahwb4"


def _post(path: str, body: dict[str, Any], caller: str = PRIVACY) -> dict[str, Any]:
    return event(
        "POST", path, caller=caller, headers={"Content-Type": "application/json"}, body=body
    )


def _new(kind: str, caller: str = PRIVACY, channel: str = "window") -> dict[str, Any]:
    return _post(
        "/v1/person-requests",
        {
            "qualification_pseudonym_id": PERSON,
            "kind": kind,
            "channel": channel,
            "identity_confirmation": "my_number_card",
        },
        caller,
    )


def test_a_request_is_recorded_with_its_due_instant_and_listed_soonest_first(
    fakes: Fakes,
) -> None:
    registered(fakes)
    status, _, body = invoke(_new("disclosure"))
    assert status == 200, body
    assert (body["status"], body["entered_by"], body["suspended"]) == (
        "received",
        "staff:13:privacy1",
        False,
    )
    assert body["due_at"] > body["received_at"]

    status, _, listed = invoke(event("GET", "/v1/person-requests", caller=PRIVACY))
    assert status == 200
    assert [r["request_id"] for r in listed["requests"]] == [body["request_id"]]
    status, _, osaka = invoke(event("GET", "/v1/person-requests", caller=OSAKA_PRIVACY))
    assert (status, osaka["requests"]) == (200, [])
    status, _, _ = invoke(
        event("GET", f"/v1/person-requests/{body['request_id']}", caller=OSAKA_PRIVACY)
    )
    assert status == 404
    actions = [e.action for e in fakes.records.audit] + [e.action for e in fakes.audit.events]
    assert AuditAction.PERSON_REQUEST_RECEIVED in actions
    assert AuditAction.PERSON_REQUESTS_LISTED in actions


def test_only_the_privacy_office_records_requests_and_only_for_its_roster(fakes: Fakes) -> None:
    registered(fakes, disclosed=False)
    status, _, _ = invoke(_new("disclosure", REVIEWER))
    assert status == 403
    status, _, _ = invoke(_new("disclosure", OSAKA_PRIVACY))
    assert status == 404, "the person is not on Osaka's roster"
    assert fakes.records.person_requests == {}


def test_a_channel_the_procedure_does_not_offer_is_refused(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered(fakes)
    table = procedures_module.procedures()
    window_only = table.model_copy(
        update={
            "default": {
                kind: procedure.model_copy(
                    update={"channels": frozenset({procedures_module.Channel.WINDOW})}
                )
                for kind, procedure in table.default.items()
            }
        }
    )
    monkeypatch.setattr("intake.person_requests.procedures", lambda: window_only)

    status, _, problem = invoke(_new("disclosure", channel="post"))

    assert status == 422
    assert problem["type"].endswith("channel-not-offered")


def test_extended_once_decided_once_and_a_granted_suspension_stops_use_until_lifted(
    fakes: Fakes,
) -> None:
    registered(fakes)
    _, _, request = invoke(_new("suspension"))
    path = f"/v1/person-requests/{request['request_id']}"

    status, _, extended = invoke(_post(f"{path}/extension", {"reason": "調査に時間を要するため"}))
    assert (status, extended["status"]) == (200, "extended")
    assert extended["due_at"] > request["due_at"]
    status, _, problem = invoke(_post(f"{path}/extension", {"reason": "again"}))
    assert status == 409
    assert problem["type"].endswith("request-state")

    status, _, decided = invoke(
        _post(f"{path}/decision", {"decision": "granted", "reason": "利用停止を認める"})
    )
    assert status == 200, decided
    assert (decided["status"], decided["decision"], decided["suspended"]) == (
        "decided",
        "granted",
        True,
    )
    assert ("13", PERSON) in fakes.records.suspensions
    status, _, _ = invoke(_post(f"{path}/decision", {"decision": "refused", "reason": "x"}))
    assert status == 409

    status, _, lifted = invoke(
        _post(f"/v1/person-suspensions/{PERSON}/lift", {"reason": "本人から解除の申出"})
    )
    assert (status, lifted["request_id"], lifted["suspended"]) == (
        200,
        request["request_id"],
        False,
    )
    assert fakes.records.suspensions == {}
    assert fakes.queue.sent[-1] == UseResumed(
        prefecture_code="13", qualification_pseudonym_id=PERSON
    )
    assert fakes.certify_queue.sent == [fakes.queue.sent[-1]]
    (reconcile,) = fakes.sync_queue.sent
    assert isinstance(reconcile, NationalReconcilePrefecture)
    assert reconcile.prefecture_code == "13"
    sent = len(fakes.queue.sent)
    status, _, _ = invoke(_post(f"/v1/person-suspensions/{PERSON}/lift", {"reason": "again"}))
    assert status == 404
    assert len(fakes.queue.sent) == sent


def test_a_withdrawn_request_is_closed(fakes: Fakes) -> None:
    registered(fakes)
    _, _, request = invoke(_new("correction"))
    path = f"/v1/person-requests/{request['request_id']}"

    status, _, withdrawn = invoke(_post(f"{path}/withdrawal", {}))

    assert (status, withdrawn["status"]) == (200, "withdrawn")
    _, _, listed = invoke(event("GET", "/v1/person-requests", caller=PRIVACY))
    assert listed["requests"] == []


@pytest.mark.parametrize("kind", ["correction", "suspension"])
def test_a_correction_or_suspension_before_any_disclosure_is_refused(
    fakes: Fakes, kind: str
) -> None:
    """The procedure takes them only after a disclosure (個人情報保護法 第90条, 第98条): without
    one granted to the person, 409 and nothing kept; a disclosure request itself is taken."""
    registered(fakes, disclosed=False)

    status, _, problem = invoke(_new(kind))

    assert status == 409
    assert problem["type"].endswith("disclosure-first")
    assert fakes.records.person_requests == {}
    status, _, _ = invoke(_new("disclosure"))
    assert status == 200
