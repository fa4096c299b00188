"""The pull from the national side through the local runtime: a person changes their name on
the fake national system; the next ``national_changes_due`` (sync's real pull over mutual TLS)
proposes it to staff; a reviewer accepts it over HTTP with a real token, and the outbox sends
the examinee back, so both sides hold the same version with the same name. A change made there
while ours was on its way becomes a conflict; taking theirs ends the same way. Nothing is
changed silently, and no My Number is stored outside the vault (the intake system's scan)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from tests.integration.intake_helpers import TOKYO, IntakeSystem, intake_system_with_outbox
from tests.unit.review.factory import application, form

from kentei import aws, messages
from kentei.applications.model import Status
from kentei.data.national_sync import PrefectureNationalSync
from kentei.data.roster import PrefectureRoster, examinee_key
from kentei.national.memory import InMemoryNational
from kentei.national.model import NationalRecord, RecordKind
from kentei.national.records import national_record
from kentei.roster.exam_numbers import schemes
from kentei.roster.registration import registration_of
from kentei_local.probes import my_numbers_in, wait_until

REVIEWER = f"staff:{TOKYO}:reviewer-{TOKYO}:reviewer"
WAIT_S = 60.0
AT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
NEW_NAME = "国家 変更子"


@pytest.fixture(scope="module")
def system() -> Iterator[IntakeSystem]:
    with intake_system_with_outbox() as started:
        yield started


def _national(system: IntakeSystem) -> InMemoryNational:
    return system.runtime.national.national


def _register(person: str) -> None:
    accepted = application(form(), status=Status.UNDER_REVIEW)
    accepted = accepted.model_copy(update={"qualification_pseudonym_id": person})
    registration = registration_of(accepted)
    roster = PrefectureRoster(TOKYO)
    scheme = schemes().of(TOKYO)
    sitting = registration.sitting(
        scheme, roster.draw(registration.counter(scheme)), at=AT, by="staff:13:reviewer-13"
    )
    aws.dynamodb().transact_write_items(
        TransactItems=roster.registration_writes(registration.examinee, sitting, AT)
    )


def _correct_address(person: str, address: str) -> None:
    """Ours changes: the examinee's address corrected (the roster's own write, as a decision
    makes it)."""
    roster = PrefectureRoster(TOKYO)
    stored = roster.examinee(person)
    assert stored is not None
    corrected = stored.examinee.model_copy(update={"address": address})
    now = dt.datetime.now(dt.UTC)
    update = roster.examinee_update_write(person, corrected, now, stored.updated_at)
    aws.dynamodb().transact_write_items(TransactItems=[update])


def _synced(system: IntakeSystem, person: str) -> NationalRecord:
    """The national side holds our examinee as we hold it, at the version we sent last."""
    marks = PrefectureNationalSync(TOKYO)

    def agreed() -> NationalRecord | None:
        mark = marks.sent("examinee", f"{TOKYO}-{person}")
        held = _national(system).get(RecordKind.EXAMINEE, f"{TOKYO}-{person}")
        item = marks.item(examinee_key(person))
        if mark is None or held is None or item is None or held.version != mark.version:
            return None
        ours = national_record(item, mark.version)
        return held if ours == held else None

    return wait_until(agreed, WAIT_S, "both sides on the same version of the examinee")


def _newer(held: NationalRecord, than: int) -> NationalRecord | None:
    return held if held.version > than else None


def _pull(system: IntakeSystem) -> None:
    queue = system.runtime.resources.queues["sync"]
    body = messages.encode(messages.NationalChangesDue(scheduled_at=dt.datetime.now(dt.UTC)))
    system.runtime.sqs().send_message(QueueUrl=queue.url, MessageBody=body)


def _post(system: IntakeSystem, path: str, body: dict[str, Any]) -> requests.Response:
    return system.client.request(
        "POST",
        path,
        REVIEWER,
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )


def _open(system: IntakeSystem, path: str, key: str, person: str) -> list[dict[str, Any]]:
    response = system.client.get(path, REVIEWER)
    assert response.status_code == 200, response.text
    assert my_numbers_in(response.text) == []
    return [p for p in response.json()[key] if p["qualification_pseudonym_id"] == person]


def test_a_name_changed_on_the_national_side_is_proposed_accepted_and_both_sides_agree(
    system: IntakeSystem,
) -> None:
    person = "p-national-pull-accept"
    _register(person)
    before = _synced(system, person)
    assert before.data is not None
    ours_before = before.data["name"]
    _national(system).change_on_national_side(person, TOKYO, {"name": NEW_NAME})

    _pull(system)

    [proposal] = wait_until(
        lambda: _open(system, "/v1/roster/changes", "proposals", person) or None,
        WAIT_S,
        "the national change proposed",
    )
    assert proposal["source"] == "national_system"
    assert proposal["changes"] == [{"field": "name", "before": ours_before, "after": NEW_NAME}]
    stored = PrefectureRoster(TOKYO).examinee(person)
    assert stored is not None
    assert stored.examinee.name == ours_before, "nothing changed before staff decide"

    accepted = _post(system, f"/v1/roster/changes/{proposal['proposal_id']}/accept", {})
    assert accepted.status_code == 200, accepted.text

    after = wait_until(
        lambda: _newer(_synced(system, person), before.version + 1),
        WAIT_S,
        "our accepted change at the national side",
    )
    assert after.data is not None
    assert after.data["name"] == NEW_NAME

    _pull(system)  # the feed read again: nothing new is proposed
    assert _open(system, "/v1/roster/changes", "proposals", person) == []


def test_a_change_there_while_ours_travels_is_a_conflict_and_taking_theirs_agrees(
    system: IntakeSystem,
) -> None:
    person = "p-national-pull-conflict"
    _register(person)
    synced = _synced(system, person)
    # Both sides change from the same version: the national side's change is made on the
    # version we sent, ours is newer than it by the time the feed is read.
    change = _national(system).change_on_national_side(person, TOKYO, {"phone": "0355550000"})
    _correct_address(person, "東京都港区芝公園4-2-8")  # ours moves too, from the same version
    # Our newer version reaches the national side, and its sent mark follows the receipt.
    wait_until(
        lambda: (
            (mark := PrefectureNationalSync(TOKYO).sent("examinee", f"{TOKYO}-{person}"))
            is not None
            and mark.version > change.base_version
            and mark
        ),
        WAIT_S,
        "our newer version sent",
    )

    _pull(system)

    [conflict] = wait_until(
        lambda: _open(system, "/v1/roster/national-conflicts", "conflicts", person) or None,
        WAIT_S,
        "the conflict kept",
    )
    assert conflict["cause"] == "both_changed"
    assert conflict["fields"][0]["theirs"] == "0355550000"
    resolved = _post(
        system,
        f"/v1/roster/national-conflicts/{conflict['conflict_id']}/resolve",
        {"keep": "theirs", "reason": "本人に電話で確認した"},
    )
    assert resolved.status_code == 200, resolved.text

    agreed = wait_until(
        lambda: (
            (held := _synced(system, person)).data is not None
            and held.data["phone"] == "0355550000"
            and held
        ),
        WAIT_S,
        "their phone on both sides",
    )
    assert agreed.version > synced.version
